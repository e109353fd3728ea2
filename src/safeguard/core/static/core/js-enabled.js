// Runs before the page is drawn (a plain script, not a module) so GOV.UK Frontend's styles for
// scripted components (the service navigation's Menu button) apply without a flash. A file,
// not an inline script: the Content Security Policy allows scripts from this site only.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
