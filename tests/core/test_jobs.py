"""Background jobs: queued by a page, run by the worker, watched on their progress page."""

from __future__ import annotations

import threading

import pytest
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from safeguard.core import worker
from safeguard.core.models import AuditEvent, Job
from safeguard.core.services import jobs
from safeguard.core.templatetags.govuk import govuk_datetime
from tests import factories

pytestmark = pytest.mark.django_db


@task()
def count_rows(*, job_id: int, rows: int, fail: bool = False) -> None:
    """A task as a module writes one: claim, report, finish; or fail unexpectedly."""
    if jobs.job_claim(job_id) is None:
        return
    with jobs.reporting_failure(job_id):
        jobs.job_progress(job_id, stage="Counting", rows_read=rows, problems=[("a", 1)])
        if fail:
            raise KeyError("SYN0001")  # a message that must not reach the page or the log
        jobs.job_succeeded(job_id, result={}, result_url="/", result_label="Back home")


def _start(someone, *, rows: int = 7, fail: bool = False, capability: str = "") -> Job:
    return jobs.job_start(
        actor=someone,
        kind="Row count",
        task=count_rows,
        task_kwargs={"rows": rows, "fail": fail},
        view_capability=capability,
    )


def test_a_started_job_waits_for_the_worker_and_its_page_says_so(client_for) -> None:
    someone = factories.person("practitioner")
    job = _start(someone)
    assert DBTaskResult.objects.filter(pk=job.task_id, status="READY").exists()
    page = client_for(someone).get(f"/jobs/{job.pk}")
    content = page.content.decode()
    assert page.status_code == 200
    assert "Waiting to start" in content
    assert 'http-equiv="refresh"' in content  # the page follows the job until it ends
    assert AuditEvent.objects.filter(
        action="view", record_type="core.job", record_id=str(job.pk), actor_id=someone.pk
    ).exists()


def test_the_worker_runs_the_task_and_the_page_shows_the_result(client_for) -> None:
    someone = factories.person("practitioner")
    job = _start(someone, rows=12)
    assert worker.run_queued_tasks(worker_id="test") == 1
    assert worker.run_queued_tasks(worker_id="test") == 0  # nothing left; never twice
    job.refresh_from_db()
    assert (job.state, job.rows_read, job.problem_count) == ("succeeded", 12, 1)
    content = client_for(someone).get(f"/jobs/{job.pk}").content.decode()
    assert "Finished" in content and 'http-equiv="refresh"' not in content
    assert '<dd class="govuk-summary-list__value" id="job-rows">12</dd>' in content
    assert 'href="/">Back home</a>' in content
    assert "None" not in content


def test_a_failed_job_says_why_without_the_error_message(client_for, caplog) -> None:
    someone = factories.person("practitioner")
    job = _start(someone, fail=True)
    worker.run_queued_tasks(worker_id="test")
    job.refresh_from_db()
    assert job.state == "failed"
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"
    content = client_for(someone).get(f"/jobs/{job.pk}").content.decode()
    assert "The job failed" in content
    assert "an error the service did not expect (KeyError)" in content
    assert "SYN0001" not in content
    assert "SYN0001" not in caplog.text


def test_the_worker_loop_runs_queued_tasks() -> None:
    someone = factories.person("practitioner")
    job = _start(someone)
    worker.run(worker_id="test", poll_seconds=0.01, once=True, stop_event=threading.Event())
    job.refresh_from_db()
    assert job.state == "succeeded"


def test_only_the_starter_and_those_entitled_see_a_job(client, client_for) -> None:
    starter = factories.person("la_data_team")
    job = _start(starter, capability="performance.import_records")
    colleague = factories.person("la_data_team")
    assert client_for(colleague).get(f"/jobs/{job.pk}").status_code == 200
    client.logout()
    stranger = factories.person("business_unit_admin")
    assert client_for(stranger).get(f"/jobs/{job.pk}").status_code == 404
    assert AuditEvent.objects.filter(
        action="denied", record_type="core.job", record_id=str(job.pk), actor_id=stranger.pk
    ).exists()
    client.logout()
    private = _start(starter)  # no capability named: the starter alone
    assert client_for(colleague).get(f"/jobs/{private.pk}").status_code == 404
    client.logout()
    assert client.get(f"/jobs/{job.pk}").status_code == 302  # to sign in
    assert client_for(starter).get("/jobs/999999").status_code == 404


def test_job_times_read_in_the_govuk_style() -> None:
    from datetime import UTC, datetime

    assert govuk_datetime(datetime(2026, 12, 4, 10, 45, tzinfo=UTC)) == "4 December 2026 at 10:45am"
    assert govuk_datetime(datetime(2026, 7, 4, 13, 0, tzinfo=UTC)) == "4 July 2026 at 2pm"
    assert govuk_datetime(datetime(2026, 12, 4, 12, 0, tzinfo=UTC)) == ("4 December 2026 at midday")
