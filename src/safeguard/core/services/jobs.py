"""Starting long work and reporting how it goes (DESIGN.md section 3, ADR 0007).

A page starts a job with ``job_start``: one ``Job`` row, one audit row and one queued
``django-tasks`` task, in one transaction, so a job is never queued without its progress row
nor shown without its task. The task (a module's ``tasks.py``) runs in ``safeguard worker``:
it takes the job with ``job_claim`` (a conditional update, so a second run of the same task does
nothing), reports with ``job_progress``, and ends with ``job_succeeded`` or ``job_failed``;
``reporting_failure`` turns an unexpected exception into a failed job that says so. Progress is
written in autocommit, outside the work's own transaction, so the page sees every step.

A worker can die mid-job (killed, restarted, out of memory) without running any ``finally``.
Every ``job_progress`` (and ``job_beat``, which a task calls while it waits on a long step)
stamps ``heartbeat_at``; ``jobs_expire_lost``, run by every worker every minute, fails a running
job whose worker has been silent for longer than ``settings.JOB_LEASE_SECONDS``, saying at which
stage it was lost. The job is failed rather than retried: whether a half-run job may run again
is the module's knowledge, and its person can start it again (an upload's fingerprint then
leads to no earlier job, as failed jobs are not matched).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safeguard.core import audit
from safeguard.core.models import Job, JobState
from safeguard.core.models.audit import AuditAction

RECORD_TYPE = "core.job"
MAX_PROBLEMS_KEPT = 1000  # the page lists these; the count says how many there were in all
HEARTBEAT_SECONDS = 30  # how often a task beats while it waits on one long step
DEFAULT_LEASE_SECONDS = 300  # silent for longer than this: the worker was lost
logger = logging.getLogger("safeguard.jobs")


def job_start(
    *,
    actor: Any,
    kind: str,
    task: Task[Any, Any],
    task_kwargs: dict[str, Any],
    view_capability: str = "",
    fingerprint: str = "",
    now: datetime | None = None,
) -> Job:
    """Queue ``task(job_id=..., **task_kwargs)`` for ``actor``; the caller checked the policy."""
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            started_by=actor,
            view_capability=view_capability,
            fingerprint=fingerprint,
            created_at=now or timezone.now(),
        )
        queued = task.enqueue(job_id=job.pk, **task_kwargs)
        job.task_id = str(queued.id)
        job.save(update_fields=["task_id"])
        audit.record(
            action=AuditAction.CREATE,
            record_type=RECORD_TYPE,
            record_id=job.pk,
            actor=actor,
            changes={"kind": kind},
            detail="background job queued",
        )
    return job


def job_claim(job_id: int, *, now: datetime | None = None) -> Job | None:
    """Mark the job running and return it; None if it is not waiting (already run, or gone)."""
    moment = now or timezone.now()
    taken = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        started_at=moment,
        stage="Starting",
        stage_started_at=moment,
        heartbeat_at=moment,
    )
    return Job.objects.get(pk=job_id) if taken else None


def _cells(problems: Sequence[Sequence[object]]) -> list[list[str]]:
    return [["" if cell is None else str(cell) for cell in row] for row in problems]


def job_progress(
    job_id: int,
    *,
    stage: str | None = None,
    rows_read: int | None = None,
    problems: Sequence[Sequence[object]] | None = None,
    now: datetime | None = None,
) -> None:
    """Say what the job is doing now; only the fields given change. Every call is a heartbeat,
    and a new stage restarts the stage's clock (the page says how long the stage has run)."""
    moment = now or timezone.now()
    fields: dict[str, Any] = {"heartbeat_at": moment}
    if stage is not None:
        fields["stage"] = stage[:200]
        fields["stage_started_at"] = Case(
            When(stage=stage[:200], then=F("stage_started_at")), default=Value(moment)
        )
    if rows_read is not None:
        fields["rows_read"] = rows_read
    if problems is not None:
        fields["problems"] = _cells(problems[:MAX_PROBLEMS_KEPT])
        fields["problem_count"] = len(problems)
    Job.objects.filter(pk=job_id).update(**fields)


def job_beat(job_id: int, *, now: datetime | None = None) -> None:
    """The worker is alive and still on the same stage (a long validation, say)."""
    Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(heartbeat_at=now or timezone.now())


def lease_seconds() -> int:
    return int(getattr(settings, "JOB_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def jobs_expire_lost(*, now: datetime | None = None) -> int:
    """Fail every running job whose worker has been silent for longer than the lease.

    Conditional on the job still running and still silent, so a worker that comes back and
    finishes first wins, and two workers expiring at once fail a job once. The django-tasks
    row is marked failed too, so that it is not shown as running either.
    """
    moment = now or timezone.now()
    cutoff = moment - timedelta(seconds=lease_seconds())
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    expired = 0
    for job in Job.objects.filter(silent, state=JobState.RUNNING):
        minutes = max(1, round(lease_seconds() / 60))
        failure = (
            f'The job stopped: the worker running it was lost during the stage "{job.stage}" '
            f"and had not reported for more than {minutes} minute{'s' if minutes != 1 else ''} "
            "(the server may have been restarted). Anything it was changing was rolled back. "
            "Start it again; if it stops again, tell the Business Unit, quoting the job number."
        )
        taken = Job.objects.filter(silent, pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.FAILED,
            stage="Stopped",
            failure=failure,
            finished_at=moment,
        )
        if not taken:
            continue
        expired += 1
        logger.error("job %s lost with its worker at stage %r", job.pk, job.stage)
        if job.task_id:
            DBTaskResult.objects.filter(pk=job.task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=moment
            )
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=job.pk,
            actor=None,
            changes={"state": "failed"},
            detail="background job lost with its worker",
        )
    return expired


def job_succeeded(
    job_id: int,
    *,
    result: dict[str, Any],
    result_template: str = "",
    result_url: str = "",
    result_label: str = "",
    now: datetime | None = None,
) -> None:
    Job.objects.filter(pk=job_id).update(
        state=JobState.SUCCEEDED,
        stage="Finished",
        result=result,
        result_template=result_template,
        result_url=result_url,
        result_label=result_label,
        finished_at=now or timezone.now(),
    )


def job_failed(
    job_id: int,
    *,
    failure: str,
    problem_headings: Sequence[str] = (),
    problems: Sequence[Sequence[object]] = (),
    result_url: str = "",
    result_label: str = "",
    now: datetime | None = None,
) -> None:
    """End the job as failed, saying why in words the person can act on."""
    Job.objects.filter(pk=job_id).update(
        state=JobState.FAILED,
        stage="Stopped",
        failure=failure or "The job stopped.",
        problem_headings=list(problem_headings),
        problems=_cells(problems[:MAX_PROBLEMS_KEPT]),
        problem_count=len(problems),
        result_url=result_url,
        result_label=result_label,
        finished_at=now or timezone.now(),
    )


class JobFailed(Exception):
    """Raised in place of the unexpected exception: its message names the job and the
    exception's type only, since the original's message could carry personal data and
    django-tasks logs and keeps the traceback of what a task raises."""


@contextmanager
def reporting_failure(job_id: int) -> Iterator[None]:
    """An exception the task did not expect fails the job with a plain reason, then
    ``JobFailed`` propagates so that django-tasks records the failure too."""
    try:
        yield
    except Exception as error:
        logger.error("job %s failed: %s", job_id, type(error).__name__)
        job_failed(
            job_id,
            failure=(
                "The job stopped because of an error the service did not expect "
                f"({type(error).__name__}). Nothing was changed. Try again, and if it fails "
                "again tell the Business Unit, quoting the job number."
            ),
        )
        raise JobFailed(f"job {job_id} failed: {type(error).__name__}") from None
