"""Reads of the action plan: the actions a person may see, one action, its history, and what
sources ask (does this review still have open actions?)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from safeguard.core import audit, holidays
from safeguard.core.clock import HolidayDataExhausted, WorkingCalendar
from safeguard.core.models import ApiKey, AuditEvent, Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.governance import policies, rules, sources
from safeguard.governance.models import Action

ACTION = "governance.action"


def visible_actions(actor: Any) -> QuerySet[Action]:
    """The actions this actor may see: all for the Business Unit, their organisation's, and
    those of sources whose people they are (``sources.register(may_view=...)``)."""
    everything = Action.objects.select_related("owner_organisation", "owner_person")
    if isinstance(actor, ApiKey):
        if policies.SCOPE not in actor.scopes:
            return Action.objects.none()
        return everything.filter(owner_organisation_id=actor.organisation_id)
    if policies.sees_all(actor):
        return everything
    if not policies.can(actor, policies.Cap.USE):
        return Action.objects.none()
    allowed = Q(owner_organisation_id=actor.organisation_id)
    for source in sources.kinds():
        if source.visible is not None:
            shown = source.visible(actor)
            # A query (of the ids as text) stays in the database as a subquery: the plan never
            # carries a module's every record id through Python.
            ids = shown if isinstance(shown, QuerySet) else [str(i) for i in shown]
            allowed |= Q(source_kind=source.kind, source_id__in=ids)
        elif source.may_view is not None:
            seen = {
                source_id
                for source_id in Action.objects.filter(source_kind=source.kind)
                .values_list("source_id", flat=True)
                .distinct()
                if source.may_view(actor, source_id)
            }
            allowed |= Q(source_kind=source.kind, source_id__in=sorted(seen))
    return everything.filter(allowed)


def refused(actor: Any, pk: object) -> None:
    """A refused attempt on an action is audited like a read (DESIGN.md section 3)."""
    audit.record(
        action=AuditAction.DENIED,
        record_type=ACTION,
        record_id=pk,
        actor=None if isinstance(actor, ApiKey) else actor,
    )


def action_for(*, actor: Any, pk: int) -> Action:
    """One action the actor may see, or 404 with the refusal audited."""
    return action_to_change(actor=actor, pk=pk, may=policies.may_view)


def action_to_change(*, actor: Any, pk: int, may: Callable[[Any, Action], bool]) -> Action:
    """The action this person may act on this way; otherwise 404 with the refusal audited."""
    action = (
        Action.objects.select_related("owner_organisation", "owner_person").filter(pk=pk).first()
    )
    if action is None or not may(actor, action):
        refused(actor, pk)
        raise Http404
    return action


def actions_of_source(*, source_kind: str, source_ids: list[str]) -> QuerySet[Action]:
    """Every action of these source records, for the source module's own pages (the source
    module has already decided who may see them)."""
    return Action.objects.filter(
        source_kind=source_kind, source_id__in=[str(i) for i in source_ids]
    ).select_related("owner_organisation", "owner_person")


def actions_of_source_kind(source_kind: str) -> QuerySet[Action]:
    """Every action of one kind of source, for the source module's own reads."""
    return Action.objects.filter(source_kind=source_kind).select_related(
        "owner_organisation", "owner_person"
    )


def open_action_count(*, source_kind: str, source_ids: list[str]) -> int:
    """How many actions of these source records are still open: a review cannot close while
    any is."""
    return (
        actions_of_source(source_kind=source_kind, source_ids=source_ids)
        .filter(status__in=rules.OPEN_STATUSES)
        .count()
    )


def working_days_overdue(
    action: Action, *, today: date, calendar: WorkingCalendar | None = None
) -> int | None:
    """Working days past the due date (0 when not overdue); None when the date lies beyond
    the holiday data, so that the page says "overdue" without inventing a count. A long list
    passes one ``holidays.calendar()`` for all its rows."""
    between = (calendar or holidays.calendar()).working_days_between
    try:
        return rules.working_days_overdue(
            status=action.status,
            due_on=action.due_on,
            today=today,
            working_days_between=between,
        )
    except HolidayDataExhausted:
        return None


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    what: str
    who: str


_DETAILS = {
    "action corrected": "Corrected",
    "progress recorded": "Progress recorded",
    "action completed": "Completed",
    "action withdrawn": "Withdrawn",
    "evidence of impact": "Evidence of impact added",
}


def _who(event: AuditEvent, people: dict[int, Person], orgs: dict[int, str]) -> str:
    if event.actor_id is not None and event.actor_id in people:
        person = people[event.actor_id]
        return f"{person.full_name}, {orgs.get(person.organisation_id, '')}".rstrip(", ")
    if event.api_key_id is not None:
        return "A partner system (API key)"
    return "Safeguard"


def history(action: Action) -> list[HistoryLine]:
    """Every change to the action, oldest first, including those made before it moved here
    from a module's own table (``carried_from``)."""
    where = Q(record_type=ACTION, record_id=str(action.pk))
    if action.carried_from and ":" in action.carried_from:
        record_type, record_id = action.carried_from.rsplit(":", 1)
        where |= Q(record_type=record_type, record_id=record_id)
    events = list(
        AuditEvent.objects.filter(where)
        .exclude(action__in=(AuditAction.VIEW, AuditAction.DENIED))
        .order_by("seq")
    )
    people = {p.pk: p for p in Person.objects.filter(pk__in={e.actor_id for e in events})}
    orgs = dict(
        Organisation.objects.filter(
            pk__in={p.organisation_id for p in people.values()}
        ).values_list("pk", "name")
    )
    lines = []
    for event in events:
        if event.action == AuditAction.CREATE:
            what = "Created"
        elif event.changes.get("status", [None, None])[1] == rules.COMPLETED:
            what = "Completed"
        else:
            what = _DETAILS.get(event.detail, "Changed")
        lines.append(HistoryLine(event.occurred_at, what, _who(event, people, orgs)))
    return lines
