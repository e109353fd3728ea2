"""Recommendations, and the actions that carry them out in the partnership's action plan.

A review's actions live in the shared action plan (``safeguard.governance``), fed from here
with the source kind ``reviews.recommendation`` and the recommendation's id; these functions
keep the reviews pages' and API's behaviour and call the plan's services. Each action has an
owner organisation and a due date (a clock on "what is due"), a status, and evidence: of
completion (required to complete it) and of impact. Overdue actions are chased by the plan.

The Business Unit corrects an action (its wording, owner or due date: every change audited, the
clock moved with it) and withdraws one that no longer applies, with the reason; a withdrawn
action keeps its place in the plan, its clock stops, and it does not hold the case open.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguard.core import audit
from safeguard.core.models import ApiKey, Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.governance.models import Action
from safeguard.governance.selectors.actions import actions_of_source, open_action_count
from safeguard.governance.services import actions as plan
from safeguard.reviews import policies, rules
from safeguard.reviews.models import Incident, Recommendation, Status
from safeguard.reviews.services._common import (
    INCIDENT,
    fail,
    refuse_unless,
    text_marks,
)

RECOMMENDATION = "reviews.recommendation"
# The kind of source the plan knows a review's actions by; its id is the recommendation's.
SOURCE = rules.ACTION_SOURCE
ACTION = plan.ACTION
TITLE_LENGTH = 300
WITH_RECOMMENDATIONS = (
    Status.RAPID_REVIEW,
    Status.RAPID_REVIEW_SUBMITTED,
    Status.CSPR,
    Status.ACTIONS,
)
OPEN = ("not_started", "in_progress")


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


def title_and_detail(text: str) -> tuple[str, str]:
    """A review's action is one text; the plan's title holds it whole when it fits, else its
    start, with the whole text as the detail."""
    text = text.strip()
    if len(text) <= TITLE_LENGTH:
        return text, ""
    return text[: TITLE_LENGTH - 1].rstrip() + "…", text


def action_text(action: Action) -> str:
    """The action's words as the reviews pages show them."""
    return action.description or action.title


def recommendation_of(action: Action) -> Recommendation:
    if action.source_kind != SOURCE:
        raise PermissionDenied
    found = Recommendation.objects.select_related("incident").filter(pk=action.source_id).first()
    if found is None:
        raise PermissionDenied
    return found


def incident_of(action: Action) -> Incident:
    return recommendation_of(action).incident


def actions_of_case(incident: Incident) -> list[Action]:
    """The case's actions in the plan, soonest due first."""
    ids = [str(pk) for pk in incident.recommendations.values_list("pk", flat=True)]
    return list(actions_of_source(source_kind=SOURCE, source_ids=ids).order_by("due_on", "pk"))


def _source_title(recommendation: Recommendation) -> str:
    """The recommendation's words (recommendations are learning, and carry no case reference:
    the plan is read by the owner's staff, who may not know the case)."""
    text = " ".join(recommendation.text.split())
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1] + "…"


def _check(description: str, owner_organisation: Organisation | None, due_on: date | None) -> None:
    errors = {}
    if not description.strip():
        errors["description"] = "Describe the action"
    if owner_organisation is None:
        errors["owner_organisation"] = "Choose the organisation that owns the action"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    fail(errors)


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
    refuse_unless(policies.can_manage(actor, recommendation.incident))
    _check(description, owner_organisation, due_on)
    title, detail = title_and_detail(description)
    return plan.action_create(
        actor=actor,
        source_kind=SOURCE,
        source_id=recommendation.pk,
        source_title=_source_title(recommendation),
        title=title,
        description=detail,
        owner_organisation=owner_organisation,
        due_on=due_on,
        now=now,
    )


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
    incident = incident_of(action)
    refuse_unless(policies.can_update_action(actor, incident, action.owner_organisation_id))
    return _progress(actor, action, status, evidence_of_completion, evidence_of_impact, now=now)


def action_progress_receive(
    *,
    key: ApiKey,
    action: Action,
    status: str,
    evidence_of_completion: str = "",
    evidence_of_impact: str = "",
    now: datetime | None = None,
) -> Action:
    """A partner system reports progress on an action its organisation owns."""
    incident = incident_of(action)
    if action.owner_organisation_id != key.organisation_id or incident.status in (
        Status.DRAFT,
        Status.CLOSED,
    ):
        raise PermissionDenied
    return _progress(key, action, status, evidence_of_completion, evidence_of_impact, now=now)


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
    if status not in (*OPEN, "completed"):
        errors["status"] = "Choose the status of the action"
    if status == "completed" and not evidence_of_completion.strip():
        errors["evidence_of_completion"] = "Give the evidence that the action is complete"
    fail(errors)
    action.refresh_from_db()
    if action.status == "withdrawn":
        raise ValidationError({"status": "This action was withdrawn"})
    if action.status == "completed":
        if status != "completed":
            raise ValidationError({"status": "A completed action stays complete"})
        return plan.action_impact_update(
            actor=actor, action=action, evidence_of_impact=evidence_of_impact
        )
    if status == "completed":
        return plan.action_complete(
            actor=actor,
            action=action,
            evidence=evidence_of_completion,
            evidence_of_impact=evidence_of_impact,
            now=now,
        )
    return plan.action_status_set(actor=actor, action=action, status=status, now=now)


def _may_correct(actor: Any, action: Action) -> Incident:
    incident = incident_of(action)
    refuse_unless(policies.can_manage(actor, incident) and incident.status != Status.CLOSED)
    return incident


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
    _may_correct(actor, action)
    _check(description, owner_organisation, due_on)
    action.refresh_from_db()
    if action.status == "withdrawn":
        raise ValidationError({"description": "A withdrawn action cannot be changed"})
    title, detail = title_and_detail(description)
    return plan.action_update(
        actor=actor,
        action=action,
        title=title,
        description=detail,
        owner_organisation=owner_organisation,
        owner_person=action.owner_person,
        due_on=due_on,
        now=now,
    )


def action_withdraw(
    *, actor: Any, action: Action, reason: str, now: datetime | None = None
) -> Action:
    """Withdraw an action that no longer applies, with the reason: it stays in the plan, its
    clock stops, and it no longer holds the case open. A completed action is not withdrawn."""
    _may_correct(actor, action)
    return plan.action_withdraw(actor=actor, action=action, reason=reason, now=now)


def case_close(*, actor: Any, incident: Incident) -> Incident:
    """Close a case whose every action is complete or withdrawn."""
    refuse_unless(policies.can_manage(actor, incident))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status != Status.ACTIONS:
            raise ValidationError({"incident": "Only a case at actions and learning can close"})
        still_open = open_action_count(
            source_kind=SOURCE,
            source_ids=[str(pk) for pk in incident.recommendations.values_list("pk", flat=True)],
        )
        if still_open:
            raise ValidationError({"incident": f"{still_open} actions are not yet complete"})
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
