"""Creating, correcting, progressing, completing and withdrawing actions, for every source.

A module feeds the plan by calling ``action_create`` with its source kind and id (registered
with ``sources.register``). Each action's due date is a clock on "What is due" owned by the
owner organisation; completing meets it, withdrawing cancels it, a new date or owner moves it.
Every change is audited with its before and after (free text by length only).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.clock import end_of_day, start_of_day
from safeguard.core.models import Deadline, Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.outbox import message_enqueue
from safeguard.core.services.deadlines import deadline_cancel, deadline_meet, deadline_open
from safeguard.governance import policies, rules, sources
from safeguard.governance.models import Action, ActionProgress, ActionStatus
from safeguard.governance.selectors.recipients import people_to_tell
from safeguard.governance.services._common import (
    MODULE,
    fail,
    person_of,
    refuse_unless,
    state,
    text_marks,
    today,
)

ACTION = "governance.action"
_FIELDS = ("owner_organisation_id", "owner_person_id", "due_on", "status")
_TEXT = ("title", "description")


def action_link(action: Action) -> str:
    return f"/governance/actions/{action.pk}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _check(
    *, title: str, owner_organisation: Organisation | None, due_on: date | None
) -> dict[str, str]:
    errors = {}
    if not title.strip():
        errors["title"] = "Enter what the action is"
    elif len(title.strip()) > 300:
        errors["title"] = "The action must be 300 characters or fewer"
    if owner_organisation is None:
        errors["owner_organisation"] = "Choose the organisation that owns the action"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    return errors


def _owner_person_error(owner_person: Person | None, owner: Organisation | None) -> dict[str, str]:
    if owner_person is not None and owner is not None and owner_person.organisation_id != owner.pk:
        return {"owner_person": "Choose a person in the organisation that owns the action"}
    return {}


def _clock(action: Action, *, actor: Any, moment: datetime) -> Deadline:
    return deadline_open(
        module=MODULE,
        kind="action",
        title=f"Action {action.pk}: {sources.label(action.source_kind)}",
        subject_type=ACTION,
        subject_id=action.pk,
        starts_at=min(moment, start_of_day(action.due_on)),
        due_at=end_of_day(action.due_on),
        rule=f"Action plan: due {_day(action.due_on)}",
        owner_organisation=action.owner_organisation,
        owner_person=action.owner_person,
        link=action_link(action),
        actor=actor,
    )


def action_clock(action: Action) -> Deadline | None:
    return Deadline.objects.filter(
        module=MODULE, kind="action", subject_type=ACTION, subject_id=str(action.pk)
    ).first()


def _tell_owner(action: Action, *, event: str, now_owns: bool = False) -> None:
    verb = "now owns" if now_owns else "owns"
    for person in people_to_tell(action):
        message_enqueue(
            recipient=person,
            subject="An action for your organisation",
            body=f"Your organisation {verb} an action in the partnership's action plan"
            f" ({sources.label(action.source_kind)}), due by {_day(action.due_on)}."
            " Sign in to see it and record progress.",
            link=action_link(action),
            reason="governance.action_assigned",
            record_type=ACTION,
            record_id=action.pk,
            dedupe_key=f"governance:{event}:{action.pk}:{person.pk}",
        )


def action_create(
    *,
    actor: Any,
    source_kind: str,
    source_id: object,
    title: str,
    owner_organisation: Organisation | None,
    due_on: date | None,
    description: str = "",
    owner_person: Person | None = None,
    source_title: str = "",
    now: datetime | None = None,
) -> Action:
    """Add an action to the plan from a source; its owner is told and its clock starts.

    The caller's own policy may be stricter; this one asks the source who manages it."""
    refuse_unless(policies.may_create(actor, source_kind=source_kind, source_id=str(source_id)))
    fail(
        _check(title=title, owner_organisation=owner_organisation, due_on=due_on)
        | _owner_person_error(owner_person, owner_organisation)
    )
    assert owner_organisation is not None and due_on is not None
    moment = now or timezone.now()
    with transaction.atomic():
        action = Action.objects.create(
            title=title.strip(),
            description=description.strip(),
            source_kind=source_kind,
            source_id=str(source_id),
            source_title=source_title.strip()[:300],
            owner_organisation=owner_organisation,
            owner_person=owner_person,
            due_on=due_on,
            created_at=moment,
            created_by=person_of(actor),
            changed_at=moment,
            changed_by=person_of(actor),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=ACTION,
            record_id=action.pk,
            actor=actor,
            changes=audit.diff(
                {},
                {
                    "source_kind": source_kind,
                    "source_id": str(source_id),
                    **state(action, _FIELDS),
                    **text_marks(action, _TEXT),
                },
            ),
        )
        _clock(action, actor=actor, moment=moment)
        _tell_owner(action, event="assigned")
    return action


def action_update(
    *,
    actor: Any,
    action: Action,
    title: str,
    owner_organisation: Organisation | None,
    due_on: date | None,
    description: str | None = None,
    owner_person: Person | None = None,
    now: datetime | None = None,
) -> Action:
    """Correct an action's wording, owner or due date (``description=None`` keeps it).

    Audited with before and after; the clock follows the new date and owner (a met clock stays
    met); a new owner organisation is told, as on creation."""
    refuse_unless(policies.may_correct(actor, action))
    fail(
        _check(title=title, owner_organisation=owner_organisation, due_on=due_on)
        | _owner_person_error(owner_person, owner_organisation)
    )
    assert owner_organisation is not None and due_on is not None
    moment = now or timezone.now()
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if not rules.is_open(action.status):
            raise ValidationError({"title": "A completed or withdrawn action cannot be changed"})
        before = {**state(action, _FIELDS), **text_marks(action, _TEXT)}
        words = {name: getattr(action, name) for name in _TEXT}
        new_owner = action.owner_organisation_id != owner_organisation.pk
        action.title = title.strip()
        if description is not None:
            action.description = description.strip()
        action.owner_organisation = owner_organisation
        action.owner_person = owner_person
        action.due_on = due_on
        changes = audit.diff(before, {**state(action, _FIELDS), **text_marks(action, _TEXT)})
        for name, old in words.items():
            # The same length can hide new words: the audit says the wording changed.
            if getattr(action, name) != old and f"{name}_length" not in changes:
                changes[f"{name}_changed"] = [False, True]
        if not changes:
            return action
        action.changed_at = moment
        action.changed_by = person_of(actor)
        action.save()
        audit.record(
            action=AuditAction.UPDATE,
            record_type=ACTION,
            record_id=action.pk,
            actor=actor,
            changes=changes,
            detail="action corrected",
        )
        clock = action_clock(action)
        if clock is None or clock.met_at is None:
            _clock(action, actor=actor, moment=moment)
        if new_owner:
            _tell_owner(action, event=f"assigned-{owner_organisation.pk}", now_owns=True)
    return action


def action_progress_add(
    *,
    actor: Any,
    action: Action,
    text: str,
    status: str = ActionStatus.IN_PROGRESS,
    on: date | None = None,
    now: datetime | None = None,
    sender_reference: str = "",
) -> ActionProgress:
    """A dated note of progress from the owner, leaving the action not started or in progress.

    A partner system names its update (``sender_reference``): the same reference again returns
    the first update and changes nothing."""
    if sender_reference:
        earlier = ActionProgress.objects.filter(
            action_id=action.pk, sender_reference=sender_reference
        ).first()
        if earlier is not None and policies.may_view(actor, action):
            return earlier
    refuse_unless(policies.may_progress(actor, action))
    moment = now or timezone.now()
    errors = {}
    if not text.strip():
        errors["text"] = "Describe the progress made"
    if status not in rules.PROGRESS_STATUSES:
        errors["status"] = "Choose whether the action is not started or in progress"
    if on is not None and on > today(moment):
        errors["on"] = "The date of the progress must be today or in the past"
    fail(errors)
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if not rules.is_open(action.status):
            raise ValidationError({"text": "This action is already complete or withdrawn"})
        before = state(action, ("status",))
        progress = ActionProgress.objects.create(
            action=action,
            on=on or today(moment),
            text=text.strip(),
            status=status,
            recorded_at=moment,
            recorded_by=person_of(actor),
            sender_reference=sender_reference,
        )
        action.status = status
        action.changed_at = moment
        action.changed_by = person_of(actor)
        action.save(update_fields=["status", "changed_at", "changed_by"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=ACTION,
            record_id=action.pk,
            actor=actor,
            changes={
                **audit.diff(before, state(action, ("status",))),
                "progress": [None, progress.pk],
                "progress_on": [None, progress.on.isoformat()],
            },
            detail="progress recorded",
        )
    return progress


def action_complete(
    *,
    actor: Any,
    action: Action,
    evidence: str,
    evidence_of_impact: str = "",
    completed_on: date | None = None,
    now: datetime | None = None,
) -> Action:
    """Mark an action complete with the evidence that it is; its clock is met."""
    refuse_unless(policies.may_progress(actor, action))
    moment = now or timezone.now()
    errors = {}
    if not evidence.strip():
        errors["evidence"] = "Give the evidence that the action is complete"
    if completed_on is not None and completed_on > today(moment):
        errors["completed_on"] = "The date of completion must be today or in the past"
    fail(errors)
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if not rules.may_complete(action.status):
            raise ValidationError({"evidence": "This action is already complete or withdrawn"})
        before = {**state(action, ("status", "completed_on")), **_evidence_marks(action)}
        action.status = ActionStatus.COMPLETED
        action.completion_evidence = evidence.strip()
        action.evidence_of_impact = evidence_of_impact.strip()
        action.completed_on = completed_on or today(moment)
        action.changed_at = moment
        action.changed_by = person_of(actor)
        action.save()
        audit.record(
            action=AuditAction.UPDATE,
            record_type=ACTION,
            record_id=action.pk,
            actor=actor,
            changes=audit.diff(
                before, {**state(action, ("status", "completed_on")), **_evidence_marks(action)}
            ),
            detail="action completed",
        )
        clock = action_clock(action)
        if clock is not None and clock.cancelled_at is None:
            deadline_meet(deadline=clock, met_at=moment, actor=actor)
    return action


def _evidence_marks(action: Action) -> dict[str, Any]:
    return text_marks(action, ("completion_evidence", "evidence_of_impact"))


def action_impact_update(*, actor: Any, action: Action, evidence_of_impact: str) -> Action:
    """Evidence of impact often comes after completion: the owner may add it then."""
    refuse_unless(policies.may_add_impact(actor, action))
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        before = _evidence_marks(action)
        action.evidence_of_impact = evidence_of_impact.strip()
        action.save(update_fields=["evidence_of_impact"])
        changes = audit.diff(before, _evidence_marks(action))
        if changes:
            audit.record(
                action=AuditAction.UPDATE,
                record_type=ACTION,
                record_id=action.pk,
                actor=actor,
                changes=changes,
                detail="evidence of impact",
            )
    return action


def action_withdraw(
    *, actor: Any, action: Action, reason: str, now: datetime | None = None
) -> Action:
    """Withdraw an action that no longer applies, with the reason: it stays in the plan, its
    clock stops, and it no longer holds its source open. A completed action is not withdrawn."""
    refuse_unless(
        policies.may_create(actor, source_kind=action.source_kind, source_id=action.source_id)
    )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for withdrawing the action"})
    moment = now or timezone.now()
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if action.status == ActionStatus.WITHDRAWN:
            return action
        if not rules.may_withdraw(action.status):
            raise ValidationError({"reason": "A completed action cannot be withdrawn"})
        before = state(action, ("status", "withdrawn_on"))
        action.status = ActionStatus.WITHDRAWN
        action.withdrawal_reason = reason.strip()
        action.withdrawn_on = today(moment)
        action.changed_at = moment
        action.changed_by = person_of(actor)
        action.save()
        audit.record(
            action=AuditAction.UPDATE,
            record_type=ACTION,
            record_id=action.pk,
            actor=actor,
            changes={
                **audit.diff(before, state(action, ("status", "withdrawn_on"))),
                **audit.diff({}, text_marks(action, ("withdrawal_reason",))),
            },
            detail="action withdrawn",
        )
        clock = action_clock(action)
        if clock is not None and clock.met_at is None:
            deadline_cancel(deadline=clock, actor=actor)
    return action
