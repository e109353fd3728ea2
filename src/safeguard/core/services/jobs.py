"""Starting long work and reporting how it goes (DESIGN.md section 3, ADR 0007).

A page starts a job with ``job_start``: one ``Job`` row, one audit row and one queued
``django-tasks`` task, in one transaction, so a job is never queued without its progress row
nor shown without its task. The task (a module's ``tasks.py``) runs in ``safeguard worker``:
it takes the job with ``job_claim`` (a conditional update, so a second run of the same task does
nothing), reports with ``job_progress``, and ends with ``job_succeeded`` or ``job_failed``;
``reporting_failure`` turns an unexpected exception into a failed job that says so. Progress is
written in autocommit, outside the work's own transaction, so the page sees every step.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from safeguard.core import audit
from safeguard.core.models import Job, JobState
from safeguard.core.models.audit import AuditAction

RECORD_TYPE = "core.job"
MAX_PROBLEMS_KEPT = 1000  # the page lists these; the count says how many there were in all
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
    taken = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=now or timezone.now(), stage="Starting"
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
) -> None:
    """Say what the job is doing now; only the fields given change."""
    fields: dict[str, Any] = {}
    if stage is not None:
        fields["stage"] = stage[:200]
    if rows_read is not None:
        fields["rows_read"] = rows_read
    if problems is not None:
        fields["problems"] = _cells(problems[:MAX_PROBLEMS_KEPT])
        fields["problem_count"] = len(problems)
    if fields:
        Job.objects.filter(pk=job_id).update(**fields)


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
