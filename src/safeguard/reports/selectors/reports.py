"""Reading reports and their sections, as the actor may see them.

A report holds no child's record (its tables are counts), so opening one is not a read of a
child's record; a refused attempt is still audited, like every refusal.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.reports import policies
from safeguard.reports.models import Narrative, Report, ReportStatus, SignOff
from safeguard.reports.services._common import NARRATIVE, REPORT


def _refused(actor: Any, record_type: str, pk: object) -> Http404:
    audit.record(
        action=AuditAction.DENIED,
        record_type=record_type,
        record_id=pk,
        actor=actor,
        detail="not found or not visible",
    )
    return Http404("Not found")


def reports_for(*, actor: Any) -> QuerySet[Report]:
    """Every report for those who see drafts; the published ones for everyone else."""
    if policies.may_view(actor):
        return Report.objects.all()
    if policies.can(actor, policies.Cap.READ_PUBLISHED):
        return Report.objects.filter(status=ReportStatus.PUBLISHED)
    return Report.objects.none()


def report_for(*, actor: Any, pk: int) -> Report:
    """The draft report (with its workflow) for those who see drafts."""
    found = Report.objects.filter(pk=pk).first()
    if found is None or not policies.may_view(actor):
        raise _refused(actor, REPORT, pk)
    return found


def published_for(*, actor: Any, pk: int) -> Report:
    found = Report.objects.filter(pk=pk).first()
    if found is None or not policies.may_read_published(actor, found):
        raise _refused(actor, REPORT, pk)
    return found


def published_reports() -> QuerySet[Report]:
    """Every published report, for anyone (the public pages)."""
    return Report.objects.filter(status=ReportStatus.PUBLISHED)


def published_report(*, pk: int) -> Report | None:
    """A published report, for anyone; None for a draft or no report at all (the same 404)."""
    return Report.objects.filter(pk=pk, status=ReportStatus.PUBLISHED).first()


def narrative_for(*, actor: Any, pk: int) -> Narrative:
    found = Narrative.objects.select_related("report", "owner").filter(pk=pk).first()
    if found is None or not policies.may_view(actor):
        raise _refused(actor, NARRATIVE, pk)
    return found


def sign_offs_of(narrative: Narrative) -> list[SignOff]:
    return list(narrative.sign_offs.select_related("organisation", "signed_by"))


def signed_organisation_ids(narrative: Narrative) -> set[int]:
    return set(narrative.sign_offs.values_list("organisation_id", flat=True))


def narratives_of(report: Report) -> list[Narrative]:
    return list(report.narratives.select_related("owner").prefetch_related("sign_offs"))
