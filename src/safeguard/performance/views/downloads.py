"""The PMSG pack (started here, built by the worker, downloaded here), the census findings as
CSV, and the one rule for when a download asks for the second factor again.

``exporting(child_details=...)`` wraps every download of this module and applies
``policies.export_needs_fresh_second_factor``: aggregates download without a fresh code, a
child's details only with one (README, "Exports and the second factor").
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from safeguard.core import audit
from safeguard.core.http import View, capability_required, sensitive
from safeguard.core.models import Job, JobState
from safeguard.core.models.audit import AuditAction
from safeguard.core.selectors import jobs as job_selectors
from safeguard.core.services import jobs
from safeguard.performance import policies, tasks
from safeguard.performance.services import pack, records


def exporting(*, child_details: bool) -> Callable[[View], View]:
    """Mark a download with what it carries; the policy says whether it steps up."""

    def decorate(view: View) -> View:
        guarded = (
            sensitive(view)
            if policies.export_needs_fresh_second_factor(child_details=child_details)
            else view
        )
        guarded.carries_child_details = child_details  # type: ignore[attr-defined]
        return guarded

    return decorate


@capability_required(policies.VIEW)
@require_POST
def pack_start(request: HttpRequest) -> HttpResponse:
    """Queue the PMSG pack and go to its progress page at once."""
    job = jobs.job_start(
        actor=request.user, kind=pack.PACK_JOB, task=tasks.scorecard_pack, task_kwargs={}
    )
    return redirect("core:job", pk=job.pk)


def _own_job(request: HttpRequest, pk: int, kind: str) -> Job:
    """The person's own finished job of this kind; 404 and an audit row otherwise."""
    found = Job.objects.filter(
        pk=pk, kind=kind, started_by_id=request.user.pk, state=JobState.SUCCEEDED
    ).first()
    if found is None:
        audit.record(
            action=AuditAction.DENIED,
            record_type="core.job",
            record_id=pk,
            actor=request.user,
            detail="download of a job not found or not the person's",
        )
        raise Http404("No such download")
    return found


@capability_required(policies.VIEW)
@exporting(child_details=False)
def pack_file(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    job = _own_job(request, pk, pack.PACK_JOB)
    if fmt not in pack.FORMATS or not pack.pack_file(job.pk, fmt).is_file():
        raise Http404("No such download")
    audit.record(
        action=AuditAction.EXPORT,
        record_type="performance.pack",
        record_id=job.pk,
        actor=request.user,
        detail=f"{fmt}, {job.result.get('indicators', 0)} indicators",
    )
    return FileResponse(
        pack.pack_file(job.pk, fmt).open("rb"),
        as_attachment=True,
        filename=f"pmsg-pack-{job.created_at:%Y-%m-%d}.{fmt}",
        content_type=pack.FORMATS[fmt],
    )


@capability_required(policies.IMPORT_RECORDS)
@exporting(child_details=True)
def census_findings(request: HttpRequest, pk: int) -> HttpResponse:
    """A census import's problems and the validators' findings, to fix the file with: they
    name children (LA child id), so this download asks for the second factor again."""
    try:
        job = job_selectors.job_detail(actor=request.user, pk=pk)
    except Job.DoesNotExist:
        raise Http404("No such import") from None
    if job.kind != records.IMPORT_JOB or not job.done:
        raise Http404("No such import")
    kept = records.findings_file(job.pk)
    if job.state == JobState.SUCCEEDED and kept.is_file():
        content = kept.read_text(encoding="utf-8")
        count = max(0, content.count("\n") - 1)
    elif job.state == JobState.SUCCEEDED:
        rows = [
            [f.get(k, "") for k in records.FINDING_KEYS] for f in job.result.get("findings", [])
        ]
        content, count = records.findings_csv(records.FINDING_HEADINGS, rows), len(rows)
    else:
        headings = job.problem_headings or list(records.PROBLEM_HEADINGS)
        content, count = records.findings_csv(headings, job.problems), len(job.problems)
    audit.record(
        action=AuditAction.EXPORT,
        record_type="core.job",
        record_id=job.pk,
        actor=request.user,
        detail=f"census findings csv, {count} rows",
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="census-import-{job.pk}.csv"'
    return response


urlpatterns = [
    path("pack", pack_start, name="pack_start"),
    path("pack/<int:pk>.<str:fmt>", pack_file, name="pack_file"),
    path("records/jobs/<int:pk>/findings.csv", census_findings, name="census_findings"),
]
