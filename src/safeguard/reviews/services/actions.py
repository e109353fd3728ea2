"""Recommendations and the actions that carry them out.

Each action has an owner organisation, a due date (a clock on "what is due", owned by that
organisation), a status, and evidence: of completion (required to complete it) and of impact.
Overdue actions are chased through the outbox by ``tasks.chase_overdue``.

The Business Unit corrects an action (its wording, owner or due date: every change audited, the
clock moved with it) and withdraws one that no longer applies, with the reason; a withdrawn
action keeps its place in the plan, its clock stops, and it does not hold the case open.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.clock import end_of_day, start_of_day
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.deadlines import deadline_cancel, deadline_meet, deadline_open
from safeguard.reviews import policies, rules
from safeguard.reviews.models import Action, ActionStatus, Incident, Recommendation, Status
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
    today,
)
from safeguard.reviews.services.rapid_reviews import agency_people

RECOMMENDATION = "reviews.recommendation"
ACTION = "reviews.action"
WITH_RECOMMENDATIONS = (
    Status.RAPID_REVIEW,
    Status.RAPID_REVIEW_SUBMITTED,
    Status.CSPR,
    Status.ACTIONS,
)


def recommendation_add(*, actor: Any, incident: Incident, text: str) -> Recommendation:
    refuse_unless(policies.can_manage(actor, incident))
    if not text.strip():
        raise ValidationError({"text": "Enter the recommendation"})
    if incident.status not in WITH_RECOMMENDATIONS:
        raise ValidationError(
            {"text": "Recommendations come from a Rapid Review or a CSPR of this case"}
        )
    with transaction.atomic():
        recommendation = Recommendation.objects.create(incident=incident, text=text.strip())
        audit.record(
            action=AuditAction.CREATE,
            record_type=RECOMMENDATION,
            record_id=recommendation.pk,
            actor=actor,
            changes=audit.diff(
                {}, {"incident_id": incident.pk, **text_marks(recommendation, ("text",))}
            ),
        )
    return recommendation


def action_add(
    *,
    actor: Any,
    recommendation: Recommendation,
    description: str,
    owner_organisation: Organisation | None,
    due_on: date | None,
    now: datetime | None = None,
) -> Action:
    """An action needs an owner and a due date; its owner is told and its clock starts."""
    incident = recommendation.incident
    refuse_unless(policies.can_manage(actor, incident))
    errors = {}
    if not description.strip():
        errors["description"] = "Describe the action"
    if owner_organisation is None:
        errors["owner_organisation"] = "Choose the organisation that owns the action"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    fail(errors)
    assert owner_organisation is not None and due_on is not None
    with transaction.atomic():
        action = Action.objects.create(
            recommendation=recommendation,
            description=description.strip(),
            owner_organisation=owner_organisation,
            due_on=due_on,
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=ACTION,
            record_id=action.pk,
            actor=actor,
            changes=audit.diff(
                {},
                {
                    **state(action, ("recommendation_id", "owner_organisation_id", "due_on")),
                    **text_marks(action, ("description",)),
                },
            ),
        )
        moment = now or timezone.now()
        deadline_open(
            module=MODULE,
            kind="action",
            title=f"Review action {action.pk} for {incident.reference}",
            subject_type=ACTION,
            subject_id=action.pk,
            starts_at=min(moment, start_of_day(due_on)),
            due_at=end_of_day(due_on),
            rule=f"Action plan: due {due_on.day} {due_on:%B %Y}",
            owner_organisation=owner_organisation,
            link=case_link(incident) + "/actions",
            actor=actor,
        )
        tell(
            people=agency_people(owner_organisation),
            subject=f"Review action for your organisation: {incident.reference}",
            body=f"Your organisation owns an action from the review of {incident.reference},"
            f" due by {due_on.day} {due_on:%B %Y}. Sign in to see it and record progress.",
            link=case_link(incident) + "/actions",
            reason="reviews.action_assigned",
            record_type=ACTION,
            record_id=action.pk,
            event="assigned",
        )
    return action


_ACTION_FIELDS = ("status", "completed_on")
_ACTION_TEXT = ("evidence_of_completion", "evidence_of_impact")


def action_update(
    *,
    actor: Any,
    action: Action,
    status: str,
    evidence_of_completion: str = "",
    evidence_of_impact: str = "",
    now: datetime | None = None,
) -> Action:
    """Progress an action. Completing it needs evidence of completion and meets its clock."""
    incident = action.recommendation.incident
    refuse_unless(policies.can_update_action(actor, incident, action.owner_organisation_id))
    return _progress(actor, action, status, evidence_of_completion, evidence_of_impact, now=now)


def action_progress_receive(
    *,
    organisation: Organisation,
    action: Action,
    status: str,
    evidence_of_completion: str = "",
    evidence_of_impact: str = "",
    now: datetime | None = None,
) -> Action:
    """A partner system reports progress on an action its organisation owns."""
    incident = action.recommendation.incident
    if action.owner_organisation_id != organisation.pk or incident.status in ("draft", "closed"):
        raise PermissionDenied
    return _progress(None, action, status, evidence_of_completion, evidence_of_impact, now=now)


def _progress(
    actor: Any,
    action: Action,
    status: str,
    evidence_of_completion: str,
    evidence_of_impact: str,
    *,
    now: datetime | None,
) -> Action:
    errors = {}
    if status not in ActionStatus.values or status == ActionStatus.WITHDRAWN:
        errors["status"] = "Choose the status of the action"
    if status == ActionStatus.COMPLETED and not evidence_of_completion.strip():
        errors["evidence_of_completion"] = "Give the evidence that the action is complete"
    fail(errors)
    moment = now or timezone.now()
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if action.status == ActionStatus.WITHDRAWN:
            raise ValidationError({"status": "This action was withdrawn"})
        before = {**state(action, _ACTION_FIELDS), **text_marks(action, _ACTION_TEXT)}
        action.status = status
        action.evidence_of_completion = evidence_of_completion.strip()
        action.evidence_of_impact = evidence_of_impact.strip()
        if status == ActionStatus.COMPLETED and action.completed_on is None:
            action.completed_on = today(moment)
        elif status != ActionStatus.COMPLETED:
            action.completed_on = None
        action.save()
        changes = audit.diff(
            before, {**state(action, _ACTION_FIELDS), **text_marks(action, _ACTION_TEXT)}
        )
        if changes:
            audit.record(
                action=AuditAction.UPDATE,
                record_type=ACTION,
                record_id=action.pk,
                actor=actor,
                changes=changes,
            )
        clock = open_deadline(kind="action", subject_type=ACTION, subject_id=action.pk)
        if clock is not None and status == ActionStatus.COMPLETED:
            deadline_meet(deadline=clock, met_at=moment, actor=actor)
    return action


def _action_clock(action: Action, *, actor: Any, moment: datetime) -> None:
    incident = action.recommendation.incident
    deadline_open(
        module=MODULE,
        kind="action",
        title=f"Review action {action.pk} for {incident.reference}",
        subject_type=ACTION,
        subject_id=action.pk,
        starts_at=min(moment, start_of_day(action.due_on)),
        due_at=end_of_day(action.due_on),
        rule=f"Action plan: due {action.due_on.day} {action.due_on:%B %Y}",
        owner_organisation=action.owner_organisation,
        link=case_link(incident) + "/actions",
        actor=actor,
    )


_EDITED = ("owner_organisation_id", "due_on")


def action_edit(
    *,
    actor: Any,
    action: Action,
    description: str,
    owner_organisation: Organisation | None,
    due_on: date | None,
    now: datetime | None = None,
) -> Action:
    """Correct an action's wording, owner or due date. Audited; its clock follows the new date
    and owner (a met clock stays met); a new owner is told, as on adding."""
    incident = action.recommendation.incident
    refuse_unless(policies.can_manage(actor, incident) and incident.status != Status.CLOSED)
    errors = {}
    if not description.strip():
        errors["description"] = "Describe the action"
    if owner_organisation is None:
        errors["owner_organisation"] = "Choose the organisation that owns the action"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    fail(errors)
    assert owner_organisation is not None and due_on is not None
    moment = now or timezone.now()
    with transaction.atomic():
        action = (
            Action.objects.select_for_update()
            .select_related("recommendation__incident")
            .get(pk=action.pk)
        )
        if action.status == ActionStatus.WITHDRAWN:
            raise ValidationError({"description": "A withdrawn action cannot be changed"})
        before = {**state(action, _EDITED), **text_marks(action, ("description",))}
        new_owner = action.owner_organisation_id != owner_organisation.pk
        action.description = description.strip()
        action.owner_organisation = owner_organisation
        action.due_on = due_on
        action.save(update_fields=["description", "owner_organisation", "due_on"])
        changes = audit.diff(
            before, {**state(action, _EDITED), **text_marks(action, ("description",))}
        )
        if not changes:
            return action
        audit.record(
            action=AuditAction.UPDATE,
            record_type=ACTION,
            record_id=action.pk,
            actor=actor,
            changes=changes,
            detail="action corrected",
        )
        clock = open_deadline(kind="action", subject_type=ACTION, subject_id=action.pk)
        if clock is not None and clock.met_at is None:
            _action_clock(action, actor=actor, moment=moment)
        if new_owner:
            tell(
                people=agency_people(owner_organisation),
                subject=f"Review action for your organisation: {incident.reference}",
                body=f"Your organisation now owns an action from the review of"
                f" {incident.reference}, due by {due_on.day} {due_on:%B %Y}. Sign in to see it"
                " and record progress.",
                link=case_link(incident) + "/actions",
                reason="reviews.action_assigned",
                record_type=ACTION,
                record_id=action.pk,
                event=f"assigned-{owner_organisation.pk}",
            )
    return action


def action_withdraw(
    *, actor: Any, action: Action, reason: str, now: datetime | None = None
) -> Action:
    """Withdraw an action that no longer applies, with the reason: it stays in the plan, its
    clock stops, and it no longer holds the case open. A completed action is not withdrawn."""
    incident = action.recommendation.incident
    refuse_unless(policies.can_manage(actor, incident) and incident.status != Status.CLOSED)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for withdrawing the action"})
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if action.status == ActionStatus.WITHDRAWN:
            return action
        if action.status == ActionStatus.COMPLETED:
            raise ValidationError({"reason": "A completed action cannot be withdrawn"})
        before = state(action, ("status", "withdrawn_on"))
        action.status = ActionStatus.WITHDRAWN
        action.withdrawn_reason = reason.strip()
        action.withdrawn_on = today(now)
        action.save(update_fields=["status", "withdrawn_reason", "withdrawn_on"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=ACTION,
            record_id=action.pk,
            actor=actor,
            changes={
                **audit.diff(before, state(action, ("status", "withdrawn_on"))),
                **audit.diff({}, text_marks(action, ("withdrawn_reason",))),
            },
            detail="action withdrawn",
        )
        clock = open_deadline(kind="action", subject_type=ACTION, subject_id=action.pk)
        if clock is not None and clock.met_at is None:
            deadline_cancel(deadline=clock, actor=actor)
    return action


def case_close(*, actor: Any, incident: Incident) -> Incident:
    """Close a case whose every action is complete or withdrawn."""
    refuse_unless(policies.can_manage(actor, incident))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status != Status.ACTIONS:
            raise ValidationError({"incident": "Only a case at actions and learning can close"})
        open_actions = Action.objects.filter(
            recommendation__incident=incident, status__in=rules.OPEN_ACTION_STATUSES
        )
        if open_actions.exists():
            raise ValidationError(
                {"incident": f"{open_actions.count()} actions are not yet complete"}
            )
        incident.status = Status.CLOSED
        incident.save(update_fields=["status"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=INCIDENT,
            record_id=incident.pk,
            actor=actor,
            changes={"status": [Status.ACTIONS, Status.CLOSED]},
        )
    return incident
