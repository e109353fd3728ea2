"""Reads of the audit trail, for the data protection officer.

Each selector checks the capability itself, as well as the page's decorator, so a new caller
cannot forget it; and each read of the trail is itself written to the trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from safeguard.core import audit, policies
from safeguard.core.models import AuditEvent, Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.roles import Capability

AUDIT_RECORD_TYPE = "core.audit"


@dataclass(frozen=True)
class AuditSearch:
    record_type: str = ""
    record_id: str = ""
    person_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    action: str = ""

    def describe(self) -> str:
        """The search as ids and codes, for the audit row of the search itself."""
        parts = [
            f"record={self.record_type}:{self.record_id}" if self.record_type else "",
            f"person={self.person_id}" if self.person_id else "",
            f"from={self.date_from.isoformat()}" if self.date_from else "",
            f"to={self.date_to.isoformat()}" if self.date_to else "",
            f"action={self.action}" if self.action else "",
        ]
        return " ".join(p for p in parts if p) or "all"


@dataclass(frozen=True)
class Actor:
    """Who acted, as the DPO sees them: the name now, the organisation at the time."""

    person_id: int | None
    name: str
    organisation: str


def _require(actor: Any) -> None:
    if not policies.can(actor, Capability.VIEW_AUDIT):
        raise PermissionDenied


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def audit_search(*, actor: Any, search: AuditSearch) -> QuerySet[AuditEvent]:
    """Events matching the search, newest first. Dates are whole days in Europe/London."""
    _require(actor)
    events = AuditEvent.objects.order_by("-seq")
    if search.record_type:
        events = events.filter(record_type=search.record_type)
    if search.record_id:
        events = events.filter(record_id=search.record_id)
    if search.person_id:
        events = events.filter(actor_id=search.person_id)
    if search.date_from:
        events = events.filter(occurred_at__gte=_local_midnight(search.date_from))
    if search.date_to:
        events = events.filter(occurred_at__lt=_local_midnight(search.date_to + timedelta(days=1)))
    if search.action:
        events = events.filter(action=search.action)
    audit.record(
        action=AuditAction.VIEW,
        record_type=AUDIT_RECORD_TYPE,
        record_id="search",
        actor=actor,
        detail=search.describe(),
    )
    return events


def record_history(*, actor: Any, record_type: str, record_id: str) -> QuerySet[AuditEvent]:
    """Who viewed or changed one record, and when, newest first."""
    _require(actor)
    audit.record_view(
        actor=actor, record_type=AUDIT_RECORD_TYPE, record_id=f"{record_type}:{record_id}"[:64]
    )
    return AuditEvent.objects.filter(record_type=record_type, record_id=record_id).order_by("-seq")


def record_views(*, actor: Any, record_type: str, record_id: str) -> QuerySet[AuditEvent]:
    """The views of one record, newest first, for the record's page.

    The calling module has already decided that ``actor`` may see the record itself; this
    decides whether they may see who else did. Reading the list is itself audited.
    """
    if not policies.can(actor, Capability.VIEW_RECORD_VIEWERS):
        raise PermissionDenied
    audit.record_view(
        actor=actor,
        record_type=AUDIT_RECORD_TYPE,
        record_id=f"views:{record_type}:{record_id}"[:64],
    )
    return AuditEvent.objects.filter(
        record_type=record_type, record_id=record_id, action=AuditAction.VIEW
    ).order_by("-seq")


def person_activity(*, actor: Any, person_id: int) -> QuerySet[AuditEvent]:
    """Everything one person did (as the actor), newest first."""
    _require(actor)
    audit.record_view(actor=actor, record_type=AUDIT_RECORD_TYPE, record_id=f"person:{person_id}")
    return AuditEvent.objects.filter(actor_id=person_id).order_by("-seq")


def actors_of(*, actor: Any, events: list[AuditEvent]) -> dict[int, Actor]:
    """Names and organisations for the events' actors, keyed by event seq, in two queries."""
    if not (
        policies.can(actor, Capability.VIEW_AUDIT)
        or policies.can(actor, Capability.VIEW_RECORD_VIEWERS)
    ):
        raise PermissionDenied
    person_ids = {e.actor_id for e in events if e.actor_id is not None}
    organisation_ids = {e.actor_organisation_id for e in events if e.actor_organisation_id}
    names = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "full_name"))
    organisations = dict(
        Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name")
    )
    found: dict[int, Actor] = {}
    for event in events:
        if event.actor_id is None:
            label = f"API key {event.api_key_id}" if event.api_key_id else "The system"
            found[event.seq] = Actor(None, label, "")
            continue
        found[event.seq] = Actor(
            event.actor_id,
            names.get(event.actor_id, f"Person {event.actor_id} (no longer on record)"),
            organisations.get(event.actor_organisation_id or 0, ""),
        )
    return found


def person_label(*, actor: Any, person_id: int) -> Actor:
    """The heading of one person's activity page."""
    _require(actor)
    someone = Person.objects.select_related("organisation").filter(pk=person_id).first()
    if someone is None:
        return Actor(person_id, f"Person {person_id} (no longer on record)", "")
    return Actor(person_id, someone.full_name, someone.organisation.name)
