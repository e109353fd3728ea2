"""Concerns Resolution: raise a concern, the other agency answers, escalate or resolve.

Each stage has a clock of 5 working days on "What is due", owned by the agency that must answer
(the other agency; the Business Unit at stage 4). Audit rows carry codes and lengths, never the
concern's words or the child.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.assurance import policies, rules
from safeguard.assurance.models import Escalation, EscalationStage
from safeguard.assurance.services._common import (
    ESCALATION,
    KIND_STAGE,
    MODULE,
    STAGE,
    fail,
    meet,
    record,
    refuse_unless,
    state,
)
from safeguard.core import holidays
from safeguard.core.clock import london_date
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.deadlines import deadline_open_working_days

_FIELDS = ("stage", "status", "theme", "other_organisation_id", "pupil_id", "resolved_at")


def escalation_link(escalation: Escalation) -> str:
    return f"/assurance/escalations/{escalation.pk}"


def _partnership() -> Organisation | None:
    return Organisation.objects.filter(kind="partnership", active=True).order_by("pk").first()


def _open_stage(
    *, escalation: Escalation, number: int, at: datetime, actor: Any
) -> EscalationStage:
    opened_on = london_date(at)
    stage = EscalationStage.objects.create(
        escalation=escalation,
        number=number,
        opened_at=at,
        due_on=rules.stage_due(opened_on, holidays.calendar()),
    )
    owner = escalation.other_organisation if number < rules.LAST_STAGE else _partnership()
    deadline_open_working_days(
        module=MODULE,
        kind=KIND_STAGE,
        title=f"Concern {escalation.reference}: answer at {rules.STAGES[number].lower()}",
        subject_type=STAGE,
        subject_id=stage.pk,
        starts_on=opened_on,
        working_days=rules.STAGE_WORKING_DAYS,
        owner_organisation=owner,
        link=escalation_link(escalation),
        actor=actor,
    )
    return stage


def _reference(at: datetime) -> str:
    year = london_date(at).year
    count = Escalation.objects.filter(reference__startswith=f"CR-{year}-").count()
    return f"CR-{year}-{count + 1:04d}"


def escalation_raise(
    *,
    actor: Any,
    pupil: Any,
    other_organisation: Organisation | None,
    theme: str,
    decision: str,
    concern: str,
    now: datetime | None = None,
) -> Escalation:
    """A practitioner records a disagreement with another agency's decision about a child."""
    refuse_unless(policies.can(actor, policies.Cap.ESCALATE))
    errors: dict[str, str] = {}
    if pupil is None:
        errors["pupil"] = "Choose the child the concern is about"
    if other_organisation is None:
        errors["other_organisation"] = "Choose the agency whose decision you disagree with"
    elif other_organisation.pk == actor.organisation_id:
        errors["other_organisation"] = "Choose another agency than your own"
    if theme not in rules.THEMES:
        errors["theme"] = "Choose what the concern is about"
    if not decision.strip():
        errors["decision"] = "Enter the decision you disagree with"
    if not concern.strip():
        errors["concern"] = "Enter why you disagree"
    fail(errors)
    assert other_organisation is not None
    at = now or timezone.now()
    with transaction.atomic():
        escalation = Escalation.objects.create(
            reference=_reference(at),
            pupil=pupil,
            raised_by=actor,
            raised_by_organisation_id=actor.organisation_id,
            other_organisation=other_organisation,
            theme=theme,
            decision=decision.strip(),
            concern=concern.strip(),
            raised_at=at,
        )
        record(
            action=AuditAction.CREATE,
            record_type=ESCALATION,
            record=escalation,
            actor=actor,
            changes=state(escalation, _FIELDS, ("decision", "concern")),
        )
        _open_stage(escalation=escalation, number=1, at=at, actor=actor)
    return escalation


def current_stage(escalation: Escalation) -> EscalationStage:
    return escalation.stages.get(number=escalation.stage)


def escalation_respond(
    *, actor: Any, escalation: Escalation, response: str, now: datetime | None = None
) -> EscalationStage:
    """The other agency answers the current stage; its clock is met."""
    refuse_unless(policies.can_respond_escalation(actor, escalation))
    fail({} if response.strip() else {"response": "Enter your agency's answer"})
    at = now or timezone.now()
    with transaction.atomic():
        stage = current_stage(escalation)
        before = state(stage, ("responded_at",), ("response",))
        stage.response = response.strip()
        stage.responded_at = at
        stage.responded_by = actor
        stage.save(update_fields=["response", "responded_at", "responded_by"])
        record(
            action=AuditAction.UPDATE,
            record_type=STAGE,
            record=stage,
            actor=actor,
            changes={"before": before, "after": state(stage, ("responded_at",), ("response",))},
        )
        meet(kind=KIND_STAGE, subject_type=STAGE, subject_id=stage.pk, at=at, actor=actor)
    return stage


def _close_stage(
    *, actor: Any, escalation: Escalation, outcome: str, note: str, at: datetime
) -> EscalationStage:
    stage = current_stage(escalation)
    stage.outcome = outcome
    stage.outcome_note = note.strip()
    stage.closed_at = at
    stage.closed_by = actor
    stage.save(update_fields=["outcome", "outcome_note", "closed_at", "closed_by"])
    record(
        action=AuditAction.UPDATE,
        record_type=STAGE,
        record=stage,
        actor=actor,
        changes=state(stage, ("number", "outcome", "closed_at"), ("outcome_note",)),
    )
    meet(kind=KIND_STAGE, subject_type=STAGE, subject_id=stage.pk, at=at, actor=actor)
    return stage


def escalation_escalate(
    *, actor: Any, escalation: Escalation, note: str, now: datetime | None = None
) -> Escalation:
    """Not resolved: the concern moves to the next stage, with a new 5-day clock."""
    refuse_unless(policies.can_decide_escalation(actor, escalation))
    errors: dict[str, str] = {}
    if not rules.may_escalate(stage=escalation.stage, status=escalation.status):
        errors["outcome"] = "The partnership is the last stage: the concern can only be resolved"
    if not note.strip():
        errors["note"] = "Enter why the concern is not resolved"
    fail(errors)
    at = now or timezone.now()
    with transaction.atomic():
        before = state(escalation, _FIELDS)
        _close_stage(
            actor=actor, escalation=escalation, outcome=rules.OUTCOME_ESCALATED, note=note, at=at
        )
        following = rules.next_stage(escalation.stage)
        assert following is not None
        escalation.stage = following
        escalation.save(update_fields=["stage"])
        _open_stage(escalation=escalation, number=following, at=at, actor=actor)
        record(
            action=AuditAction.UPDATE,
            record_type=ESCALATION,
            record=escalation,
            actor=actor,
            changes={"before": before, "after": state(escalation, _FIELDS)},
        )
    return escalation


def escalation_resolve(
    *, actor: Any, escalation: Escalation, note: str, now: datetime | None = None
) -> Escalation:
    """The concern is resolved at its current stage."""
    refuse_unless(policies.can_decide_escalation(actor, escalation))
    fail({} if note.strip() else {"note": "Enter how the concern was resolved"})
    at = now or timezone.now()
    with transaction.atomic():
        before = state(escalation, _FIELDS)
        _close_stage(
            actor=actor, escalation=escalation, outcome=rules.OUTCOME_RESOLVED, note=note, at=at
        )
        escalation.status = rules.RESOLVED
        escalation.resolved_at = at
        escalation.save(update_fields=["status", "resolved_at"])
        record(
            action=AuditAction.UPDATE,
            record_type=ESCALATION,
            record=escalation,
            actor=actor,
            changes={"before": before, "after": state(escalation, _FIELDS)},
        )
    return escalation
