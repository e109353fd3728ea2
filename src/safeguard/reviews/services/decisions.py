"""The LA's decision whether to notify the Child Safeguarding Practice Review Panel.

Only a person with the LA decision role decides (the duty cannot be delegated), with a rationale
either way that every statutory partner can read. A notification records the date it was sent
and the Panel's reference, and opens the Rapid Review with its own 15-working-day clock.

Working Together 2023 (chapter 5; paragraph not verified) adds: where the child was looked after
or in a regulated setting or service, the LA also tells Ofsted and the Secretary of State. The
decision records both answers and the dates those notifications were sent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit, holidays
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.deadlines import deadline_meet, deadline_open_working_days
from safeguard.reviews import policies, rules
from safeguard.reviews.models import Decision, Incident, RapidReview, Status
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

RAPID_REVIEW = "reviews.rapid_review"
_FIELDS = (
    "status",
    "decision",
    "decided_by_id",
    "decided_at",
    "panel_notified_on",
    "panel_reference",
    "looked_after",
    "regulated_setting",
    "ofsted_notified_on",
    "secretary_of_state_notified_on",
)


def _audit_state(incident: Incident) -> dict[str, Any]:
    return {**state(incident, _FIELDS), **text_marks(incident, ("decision_rationale",))}


def incident_decide(
    *,
    actor: Any,
    incident: Incident,
    decision: str,
    rationale: str,
    panel_notified_on: date | None = None,
    panel_reference: str = "",
    looked_after: bool | None = None,
    regulated_setting: bool | None = None,
    ofsted_notified_on: date | None = None,
    secretary_of_state_notified_on: date | None = None,
    require_setting_answers: bool = False,
    now: datetime | None = None,
) -> Incident:
    """Record notify / do not notify. Refused without the role, without a rationale, or twice.

    The page asks whether the child was looked after or in a regulated setting
    (``require_setting_answers``); a partner system that does not send those answers leaves
    them unknown (None).
    """
    refuse_unless(policies.can(actor, policies.Cap.DECIDE))
    now = now or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status != Status.AWAITING_DECISION:
            raise ValidationError({"decision": "This case is not awaiting the LA's decision"})
        errors = rules.decision_errors(
            decision=decision,
            rationale=rationale,
            panel_notified_on=panel_notified_on,
            aware_on=incident.la_aware_on,
            today=today(now),
        )
        answered = looked_after is not None or regulated_setting is not None
        dated = ofsted_notified_on is not None or secretary_of_state_notified_on is not None
        if require_setting_answers or answered or dated:
            errors = {
                **rules.notification_errors(
                    looked_after=looked_after,
                    regulated_setting=regulated_setting,
                    ofsted_notified_on=ofsted_notified_on,
                    secretary_of_state_notified_on=secretary_of_state_notified_on,
                    aware_on=incident.la_aware_on,
                    today=today(now),
                ),
                **errors,
            }
        fail(errors)
        before = _audit_state(incident)
        notify = decision == Decision.NOTIFY
        incident.decision = decision
        incident.decision_rationale = rationale.strip()
        incident.decided_by = actor
        incident.decided_at = now
        incident.panel_notified_on = panel_notified_on if notify else None
        incident.panel_reference = panel_reference.strip() if notify else ""
        incident.looked_after = looked_after
        incident.regulated_setting = regulated_setting
        incident.ofsted_notified_on = ofsted_notified_on
        incident.secretary_of_state_notified_on = secretary_of_state_notified_on
        incident.status = Status.RAPID_REVIEW if notify else Status.NOT_NOTIFIED
        incident.save()
        audit.record(
            action=AuditAction.UPDATE,
            record_type=INCIDENT,
            record_id=incident.pk,
            actor=actor,
            changes=audit.diff(before, _audit_state(incident)),
            detail=f"LA decision: {decision}",
        )
        clock = open_deadline(kind="la_decision", subject_type=INCIDENT, subject_id=incident.pk)
        if clock is not None:
            deadline_meet(deadline=clock, met_at=now, actor=actor)
        if notify:
            assert panel_notified_on is not None
            _open_rapid_review(incident, actor=actor, notified_on=panel_notified_on)
        tell(
            people=recipients.everyone_who_must_know()
            + ([incident.referrer] if incident.referrer else []),
            subject=f"LA decision recorded on {incident.reference}",
            body=f"The LA has recorded its decision and rationale on {incident.reference}."
            " Sign in to read them.",
            link=case_link(incident),
            reason="reviews.decision_recorded",
            record_type=INCIDENT,
            record_id=incident.pk,
            event="decided",
        )
    return incident


def _open_rapid_review(incident: Incident, *, actor: Any, notified_on: date) -> RapidReview:
    due_on = rules.rapid_review_due(notified_on, holidays.calendar())
    review = RapidReview.objects.create(incident=incident, opened_on=notified_on, due_on=due_on)
    audit.record(
        action=AuditAction.CREATE,
        record_type=RAPID_REVIEW,
        record_id=review.pk,
        actor=actor,
        changes=audit.diff({}, state(review, ("incident_id", "opened_on", "due_on"))),
    )
    deadline_open_working_days(
        module=MODULE,
        kind="rapid_review",
        title=f"Rapid Review to the Panel: {incident.reference}",
        subject_type=INCIDENT,
        subject_id=incident.pk,
        starts_on=notified_on,
        working_days=rules.RAPID_REVIEW_WORKING_DAYS,
        owner_organisation=the_local_authority(),
        group=the_rag(),
        link=case_link(incident) + "/rapid-review",
        actor=actor,
    )
    return review


def rapid_review_open(*, actor: Any, incident: Incident) -> RapidReview:
    """A Rapid Review follows a notification and nothing else: refused before one."""
    refuse_unless(policies.can(actor, policies.Cap.MANAGE))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.decision != Decision.NOTIFY or incident.panel_notified_on is None:
            raise ValidationError(
                {"incident": "A Rapid Review opens only after the LA has notified the Panel"}
            )
        existing = RapidReview.objects.filter(incident=incident).first()
        if existing is not None:
            return existing
        return _open_rapid_review(incident, actor=actor, notified_on=incident.panel_notified_on)
