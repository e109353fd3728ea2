"""Starting an annual report for a period, and publishing it.

A report starts with the seed's narrative sections (``structure.narratives``), each owned by
someone who can open the draft: the Independent Chair owns the introduction, the Business
Unit person who starts the report owns the rest until they name other owners. Publication
needs every section signed off by every statutory partner; it keeps the public version as
published (``Report.published_html``) and queues its PDF.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models import Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.roles import Role
from safeguard.reports import policies, structure
from safeguard.reports.models import Narrative, Report, ReportStatus
from safeguard.reports.selectors import contents
from safeguard.reports.services._common import REPORT, fail, refuse_unless


def _chair() -> Person | None:
    return (
        Person.objects.filter(is_active=True, role_assignments__role=Role.INDEPENDENT_CHAIR)
        .order_by("pk")
        .first()
    )


def report_create(
    *,
    actor: Any,
    title: str,
    period_start: date | None,
    period_end: date | None,
    threshold: int | None = None,
    now: datetime | None = None,
) -> Report:
    refuse_unless(policies.may_manage(actor))
    errors = {}
    if not title.strip():
        errors["title"] = "Enter the report's title"
    if period_start is None:
        errors["period_start"] = "Enter the first day of the period"
    if period_end is None:
        errors["period_end"] = "Enter the last day of the period"
    elif period_start is not None and period_end <= period_start:
        errors["period_end"] = "The last day must be after the first day"
    if threshold is not None and not 1 <= threshold <= 50:
        errors["threshold"] = "The threshold must be a whole number from 1 to 50"
    fail(errors)
    assert period_start is not None and period_end is not None
    moment = now or timezone.now()
    chair = _chair()
    with transaction.atomic():
        report = Report.objects.create(
            title=title.strip(),
            period_start=period_start,
            period_end=period_end,
            threshold=threshold or 5,
            created_at=moment,
            created_by=actor,
        )
        for part in structure.narratives():
            owner = chair if part.key == "chair_introduction" and chair else actor
            Narrative.objects.create(
                report=report,
                key=part.key,
                title=part.title,
                owner=owner,
                changed_at=moment,
                changed_by=actor,
            )
        audit.record(
            action=AuditAction.CREATE,
            record_type=REPORT,
            record_id=report.pk,
            actor=actor,
            changes={
                "period_start": report.period_start.isoformat(),
                "period_end": report.period_end.isoformat(),
                "threshold": report.threshold,
            },
        )
    return report


def report_publish(*, actor: Any, report: Report, now: datetime | None = None) -> Report:
    """Publish once every section is signed off: the public version is kept as it stands now
    and its PDF is built in the background (``tasks.report_pdf``)."""
    moment = now or timezone.now()
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        statuses = list(report.narratives.values_list("status", flat=True))
        refuse_unless(policies.may_manage(actor))
        if not policies.may_publish(actor, report, statuses):
            fail({"report": "Every section must be signed off by every statutory partner first"})
        report.published_html = contents.render_public(report, now=moment)
        report.status = ReportStatus.PUBLISHED
        report.published_at = moment
        report.published_by = actor
        report.save(update_fields=["published_html", "status", "published_at", "published_by"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=REPORT,
            record_id=report.pk,
            actor=actor,
            changes={"status": ["draft", "published"]},
        )
        # The public PDF is made in the background once the publication is committed.
        transaction.on_commit(lambda: _queue_public_pdf(report.pk))
    return report


def _queue_public_pdf(report_id: int) -> None:
    from safeguard.reports import tasks

    tasks.report_public_pdf.enqueue(report_id=report_id)
