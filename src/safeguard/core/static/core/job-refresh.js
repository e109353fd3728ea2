// The job page follows its job: it reloads every few seconds while the job runs, unless the
// person stops it (WCAG 2.2.1: a time limit the user can turn off). No inline script (CSP).
const box = document.getElementById('job-refresh')
if (box) {
  const key = 'safeguard-job-refresh-stopped:' + window.location.pathname
  const stop = document.getElementById('job-refresh-stop')
  const seconds = Number(box.dataset.refreshSeconds) || 3
  if (window.sessionStorage.getItem(key) !== '1') {
    const timer = window.setTimeout(() => window.location.reload(), seconds * 1000)
    stop.hidden = false
    stop.addEventListener('click', () => {
      window.clearTimeout(timer)
      window.sessionStorage.setItem(key, '1')
      stop.hidden = true
      box.querySelector('p').textContent = 'This page no longer refreshes itself: refresh it to see how the job is going.'
    })
  }
}
