"""The local Child Safeguarding Practice Review: commissioned, initiated, published.

Publication is due 6 calendar months after initiation (not working days), so its clock is a
plain deadline at the end of that day. Publishing meets it and moves the case on to its actions
and learning. A joint review with an adult or community safety partnership names the partner.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.clock import end_of_day, start_of_day
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.deadlines import deadline_meet, deadline_open
from safeguard.reviews import policies, rules
from safeguard.reviews.models import Cspr, Incident, Status
from safeguard.reviews.selectors import recipients
from safeguard.reviews.services._common import (
    INCIDENT,
    MODULE,
    case_link,
    fail,
    open_deadline,
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


def cspr_publish(
    *, actor: Any, incident: Incident, published_on: date, now: datetime | None = None
) -> Cspr:
    """Record publication: meets the 6-month clock; the case moves to actions and learning."""
    refuse_unless(policies.can_manage(actor, incident))
    now = now or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        cspr = Cspr.objects.filter(incident=incident).first()
        if cspr is None or cspr.initiated_on is None:
            raise ValidationError({"incident": "The CSPR must be initiated before publication"})
        if cspr.published_on is not None:
            return cspr
        errors = {}
        if published_on > today(now):
            errors["published_on"] = "The date published must be today or earlier"
        elif published_on < cspr.initiated_on:
            errors["published_on"] = "The review cannot be published before it was initiated"
        fail(errors)
        cspr.published_on = published_on
        cspr.save(update_fields=["published_on"])
        incident.status = Status.ACTIONS
        incident.save(update_fields=["status"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=CSPR,
            record_id=cspr.pk,
            actor=actor,
            changes={
                "published_on": [None, published_on.isoformat()],
                "status": ["cspr", "actions"],
            },
        )
        clock = open_deadline(
            kind="cspr_publication", subject_type=INCIDENT, subject_id=incident.pk
        )
        if clock is not None:
            met_at = end_of_day(published_on) if published_on < today(now) else now
            deadline_meet(deadline=clock, met_at=met_at, actor=actor)
    return cspr
