"""The local Child Safeguarding Practice Review: commissioned, initiated, reported, published.

Publication is due 6 calendar months after initiation (not working days), so its clock is a
plain deadline at the end of that day. Working Together 2023 (chapter 5; paragraph not verified)
asks for the final report to reach the Panel and the Secretary of State at least 7 working days
before publication: initiation opens a second clock, due on the last working day the report can
be sent for publication on time, met when it is sent; publication is refused earlier than 7
working days after sending. The report is then published with its link, or the partners decide
not to publish it and record why. Either meets the publication clock and moves the case on to
its actions and learning. A joint review with an adult or community safety partnership names
the partner.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit, holidays
from safeguard.core.clock import end_of_day, start_of_day
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.deadlines import deadline_meet, deadline_open
from safeguard.reviews import policies, rules
from safeguard.reviews.models import Cspr, CsprReport, Incident, Status
from safeguard.reviews.selectors import recipients
from safeguard.reviews.services._common import (
    INCIDENT,
    MODULE,
    case_link,
    fail,
    open_deadline,
    person_of,
    refuse_unless,
    state,
    tell,
    text_marks,
    the_local_authority,
    the_rag,
    today,
)

CSPR = "reviews.cspr"
_FIELDS = ("reviewer", "commissioned_on", "initiated_on", "publication_due_on", "joint_with")
_TEXT = ("terms_of_reference", "progress")


def _audit(cspr: Cspr) -> dict[str, Any]:
    return {**state(cspr, _FIELDS), **text_marks(cspr, _TEXT)}


def cspr_record(
    *,
    actor: Any,
    incident: Incident,
    reviewer: str,
    terms_of_reference: str,
    commissioned_on: date,
    initiated_on: date | None = None,
    joint_with: str = "",
    progress: str = "",
    now: datetime | None = None,
) -> Cspr:
    """Commission the CSPR, or update it. Initiation starts the 6-month publication clock."""
    refuse_unless(policies.can_manage(actor, incident))
    errors = {}
    if not reviewer.strip():
        errors["reviewer"] = "Enter the reviewer"
    if not terms_of_reference.strip():
        errors["terms_of_reference"] = "Enter the terms of reference"
    if commissioned_on > today(now):
        errors["commissioned_on"] = "The date commissioned must be today or earlier"
    if initiated_on is not None:
        if initiated_on > today(now):
            errors["initiated_on"] = "The date initiated must be today or earlier"
        elif initiated_on < commissioned_on:
            errors["initiated_on"] = "The review cannot be initiated before it was commissioned"
    fail(errors)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status != Status.CSPR:
            raise ValidationError(
                {"incident": "A CSPR follows a Rapid Review that recommended one"}
            )
        cspr = Cspr.objects.filter(incident=incident).first()
        before = _audit(cspr) if cspr else {}
        if cspr is None:
            cspr = Cspr(incident=incident)
        if cspr.published_on is not None:
            raise ValidationError({"incident": "The CSPR is published"})
        cspr.reviewer = reviewer.strip()
        cspr.terms_of_reference = terms_of_reference.strip()
        cspr.commissioned_on = commissioned_on
        cspr.initiated_on = initiated_on
        cspr.publication_due_on = rules.cspr_publication_due(initiated_on) if initiated_on else None
        cspr.joint_with = joint_with.strip()
        cspr.progress = progress.strip()
        cspr.save()
        audit.record(
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            record_type=CSPR,
            record_id=cspr.pk,
            actor=actor,
            changes=audit.diff(before, _audit(cspr)),
        )
        if initiated_on is not None and cspr.publication_due_on is not None:
            deadline_open(
                module=MODULE,
                kind="cspr_publication",
                title=f"CSPR publication: {incident.reference}",
                subject_type=INCIDENT,
                subject_id=incident.pk,
                starts_at=start_of_day(initiated_on),
                due_at=end_of_day(cspr.publication_due_on),
                rule=f"6 calendar months from {initiated_on.day} {initiated_on:%B %Y}",
                owner_organisation=the_local_authority(),
                group=the_rag(),
                link=case_link(incident) + "/cspr",
                actor=actor,
            )
            if cspr.report_sent_on is None:
                report_clock_open(actor=actor, incident=incident, cspr=cspr)
        if not before:
            tell(
                people=recipients.everyone_who_must_know(),
                subject=f"CSPR commissioned on {incident.reference}",
                body=f"A local Child Safeguarding Practice Review has been commissioned on"
                f" {incident.reference}. Sign in for details.",
                link=case_link(incident) + "/cspr",
                reason="reviews.cspr_commissioned",
                record_type=CSPR,
                record_id=cspr.pk,
                event="cspr",
            )
    return cspr


def report_clock_open(*, actor: Any, incident: Incident, cspr: Cspr) -> None:
    """Open the clock for sending the final report: due on the last working day that still lets
    the review be published by its 6-month date."""
    assert cspr.publication_due_on is not None and cspr.initiated_on is not None
    due_on = rules.report_due(cspr.publication_due_on, holidays.calendar())
    starts_on = min(cspr.initiated_on, due_on)
    deadline_open(
        module=MODULE,
        kind="cspr_report",
        title=f"CSPR report to the Panel and the Secretary of State: {incident.reference}",
        subject_type=INCIDENT,
        subject_id=incident.pk,
        starts_at=start_of_day(starts_on),
        due_at=end_of_day(due_on),
        rule=f"{rules.REPORT_NOTICE_WORKING_DAYS} working days before publication is due on"
        f" {cspr.publication_due_on.day} {cspr.publication_due_on:%B %Y}",
        owner_organisation=the_local_authority(),
        group=the_rag(),
        link=case_link(incident) + "/cspr",
        actor=actor,
    )


def _cspr_to_change(incident: Incident) -> tuple[Incident, Cspr]:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    cspr = Cspr.objects.filter(incident=incident).first()
    if incident.status != Status.CSPR or cspr is None:
        raise ValidationError({"incident": "There is no CSPR in progress on this case"})
    return incident, cspr


def cspr_report_attach(*, actor: Any, incident: Incident, name: str, content: bytes) -> CsprReport:
    """Attach the final report (a PDF of at most 20 MB), or replace it until it has been sent.

    Kept in the database, never under a public address; the file name is cleaned and the bytes
    are checked, not only the name. The audit row records the size and fingerprint, never the
    content.
    """
    refuse_unless(policies.can_manage(actor, incident))
    fail(rules.report_file_errors(name=name, size=len(content), head=content[:8]))
    with transaction.atomic():
        incident, cspr = _cspr_to_change(incident)
        if cspr.report_sent_on is not None:
            raise ValidationError(
                {"report": "The report has been sent to the Panel: it can no longer be replaced"}
            )
        found = CsprReport.objects.filter(cspr=cspr).first()
        before = state(found, ("file_name", "size", "sha256")) if found else {}
        report = found or CsprReport(cspr=cspr)
        report.file_name = rules.safe_file_name(name)
        report.content = content
        report.size = len(content)
        report.sha256 = hashlib.sha256(content).hexdigest()
        report.uploaded_by = person_of(actor)
        report.save()
        audit.record(
            action=AuditAction.UPDATE if found else AuditAction.CREATE,
            record_type="reviews.cspr_report",
            record_id=report.pk,
            actor=actor,
            changes=audit.diff(before, state(report, ("file_name", "size", "sha256"))),
        )
    return report


def cspr_report_sent(
    *, actor: Any, incident: Incident, sent_on: date, now: datetime | None = None
) -> Cspr:
    """The final report went to the Panel and the Secretary of State on ``sent_on``: meets the
    report clock; publication may follow 7 working days later."""
    refuse_unless(policies.can_manage(actor, incident))
    now = now or timezone.now()
    with transaction.atomic():
        incident, cspr = _cspr_to_change(incident)
        errors = {}
        if not CsprReport.objects.filter(cspr=cspr).exists():
            errors["sent_on"] = "Attach the final report first"
        if cspr.initiated_on is None:
            errors["sent_on"] = "Record the date the review was initiated first"
        elif sent_on > today(now):
            errors["sent_on"] = "The date sent must be today or earlier"
        elif sent_on < cspr.initiated_on:
            errors["sent_on"] = "The report cannot be sent before the review was initiated"
        fail(errors)
        if cspr.report_sent_on == sent_on:
            return cspr
        before = cspr.report_sent_on
        cspr.report_sent_on = sent_on
        cspr.save(update_fields=["report_sent_on"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=CSPR,
            record_id=cspr.pk,
            actor=actor,
            changes={
                "report_sent_on": [before.isoformat() if before else None, sent_on.isoformat()]
            },
            detail="Final report sent to the Panel and the Secretary of State",
        )
        clock = open_deadline(kind="cspr_report", subject_type=INCIDENT, subject_id=incident.pk)
        if clock is not None:
            met_at = end_of_day(sent_on) if sent_on < today(now) else now
            deadline_meet(deadline=clock, met_at=met_at, actor=actor)
    return cspr


def cspr_publish(
    *,
    actor: Any,
    incident: Incident,
    published_on: date | None = None,
    link: str = "",
    decision: str = "publish",
    reason: str = "",
    now: datetime | None = None,
) -> Cspr:
    """Record publication with its link, or the decision not to publish with its reason.

    Publication is refused before 7 working days have passed since the report went to the Panel
    and the Secretary of State. Either outcome meets the 6-month clock (a decision not to
    publish is the partners' answer to it) and the case moves to actions and learning.
    """
    refuse_unless(policies.can_manage(actor, incident))
    now = now or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        cspr = Cspr.objects.filter(incident=incident).first()
        if cspr is None or cspr.initiated_on is None:
            raise ValidationError({"incident": "The CSPR must be initiated before publication"})
        if cspr.publication_decision:
            return cspr
        fail(
            rules.publication_errors(
                decision=decision,
                published_on=published_on,
                link=link,
                reason=reason,
                sent_on=cspr.report_sent_on,
                initiated_on=cspr.initiated_on,
                today=today(now),
                calendar=holidays.calendar(),
            )
        )
        cspr.publication_decision = decision
        if decision == "publish":
            assert published_on is not None
            cspr.published_on = published_on
            cspr.published_link = link.strip()
            answered_on = published_on
        else:
            cspr.not_published_reason = reason.strip()
            cspr.decided_not_to_publish_on = today(now)
            answered_on = today(now)
        cspr.save()
        incident.status = Status.ACTIONS
        incident.save(update_fields=["status"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=CSPR,
            record_id=cspr.pk,
            actor=actor,
            changes={
                "publication_decision": ["", decision],
                "published_on": [None, published_on.isoformat() if published_on else None],
                "status": ["cspr", "actions"],
                **text_marks(cspr, ("not_published_reason",)),
            },
        )
        clock = open_deadline(
            kind="cspr_publication", subject_type=INCIDENT, subject_id=incident.pk
        )
        if clock is not None:
            met_at = end_of_day(answered_on) if answered_on < today(now) else now
            deadline_meet(deadline=clock, met_at=met_at, actor=actor)
    return cspr
