"""Every read of background jobs, narrowed to the jobs the person may see."""

from __future__ import annotations

from typing import Any

from safeguard.core import audit, policies
from safeguard.core.models import Job, JobState
from safeguard.core.models.audit import AuditAction

RECORD_TYPE = "core.job"


def job_detail(*, actor: Any, pk: int) -> Job:
    """The job, audited as viewed; ``Job.DoesNotExist`` (audited as refused) if not theirs."""
    job = Job.objects.filter(pk=pk).first()
    if job is None or not policies.can_view_job(actor, job):
        audit.record(
            action=AuditAction.DENIED,
            record_type=RECORD_TYPE,
            record_id=pk,
            actor=actor,
            detail="job not found or not the person's",
        )
        raise Job.DoesNotExist
    audit.record_view(actor=actor, record_type=RECORD_TYPE, record_id=job.pk)
    return job


def same_input(*, actor: Any, kind: str, fingerprint: str) -> Job | None:
    """The latest job of this kind given the same input that has not failed, if the person
    may see it: a second upload of the same file is recognised, not run again."""
    if not fingerprint:
        return None
    candidates = Job.objects.filter(kind=kind, fingerprint=fingerprint).exclude(
        state=JobState.FAILED
    )
    return next((job for job in candidates if policies.can_view_job(actor, job)), None)
