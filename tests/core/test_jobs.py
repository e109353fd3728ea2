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
    assert 'data-refresh-seconds="3"' in content  # the page follows the job until it ends
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
    assert "Finished" in content and "data-refresh-seconds" not in content
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


class WorkerKilled(BaseException):
    """What a SIGKILL looks like to the task: nothing after it runs, no ``except Exception``."""


@task()
def killed_midway(*, job_id: int) -> None:
    if jobs.job_claim(job_id) is None:
        return
    with jobs.reporting_failure(job_id):
        jobs.job_progress(job_id, stage="Checking the files against the DfE's rules")
        raise WorkerKilled


def test_a_job_whose_worker_was_lost_is_failed_with_a_plain_reason(client_for, settings) -> None:
    from datetime import timedelta

    settings.JOB_LEASE_SECONDS = 300
    someone = factories.person("practitioner")
    job = jobs.job_start(actor=someone, kind="Census import", task=killed_midway, task_kwargs={})
    worker.run_queued_tasks(worker_id="doomed")
    job.refresh_from_db()
    assert job.state == "running"  # the worker died: nothing said the job ended
    beat = job.heartbeat_at
    assert beat is not None
    assert jobs.jobs_expire_lost(now=beat + timedelta(seconds=299)) == 0  # still within its lease
    job.refresh_from_db()
    assert job.state == "running"
    assert jobs.jobs_expire_lost(now=beat + timedelta(seconds=301)) == 1
    assert jobs.jobs_expire_lost(now=beat + timedelta(seconds=302)) == 0  # once only
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.finished_at is not None
    assert "worker running it was lost" in job.failure
    assert "Checking the files against the DfE" in job.failure
    assert not DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").exists()
    content = client_for(someone).get(f"/jobs/{job.pk}").content.decode()
    assert "The job failed" in content and "worker running it was lost" in content
    assert "data-refresh-seconds" not in content
    assert AuditEvent.objects.filter(
        record_type="core.job", record_id=str(job.pk), detail="background job lost with its worker"
    ).exists()


def test_a_job_that_beats_is_not_taken_for_lost() -> None:
    from datetime import timedelta

    someone = factories.person("practitioner")
    job = jobs.job_start(actor=someone, kind="Census import", task=killed_midway, task_kwargs={})
    claimed = jobs.job_claim(job.pk)
    assert claimed is not None and claimed.started_at is not None
    later = claimed.started_at + timedelta(seconds=250)
    jobs.job_beat(job.pk, now=later)
    assert jobs.jobs_expire_lost(now=later + timedelta(seconds=250)) == 0
    assert jobs.jobs_expire_lost(now=later + timedelta(seconds=jobs.lease_seconds() + 1)) == 1


def test_every_worker_looks_for_lost_jobs() -> None:
    assert "jobs_expire_lost" in {job.name for job in worker.periodic_jobs()}


def test_the_page_says_how_long_the_stage_has_run(client_for) -> None:
    from datetime import timedelta

    from django.utils import timezone

    someone = factories.person("practitioner")
    job = jobs.job_start(actor=someone, kind="Census import", task=killed_midway, task_kwargs={})
    jobs.job_claim(job.pk)
    jobs.job_progress(job.pk, stage="Checking", now=timezone.now() - timedelta(seconds=192))
    jobs.job_progress(job.pk, stage="Checking", rows_read=5)  # same stage: its clock runs on
    content = client_for(someone).get(f"/jobs/{job.pk}").content.decode()
    assert "In this stage for 3 minutes 1" in content  # 3 minutes 12 seconds, give or take
    assert "Last heard from the worker" in content
    jobs.job_progress(job.pk, stage="Counting")
    content = client_for(someone).get(f"/jobs/{job.pk}").content.decode()
    assert "In this stage for 0 seconds" in content or "In this stage for 1 second" in content


def test_durations_read_as_people_say_them() -> None:
    from safeguard.core.views.jobs import how_long

    assert how_long(0) == "0 seconds"
    assert how_long(1) == "1 second"
    assert how_long(61) == "1 minute 1 second"
    assert how_long(180) == "3 minutes"
    assert how_long(3600 + 120 + 5) == "1 hour 2 minutes"
