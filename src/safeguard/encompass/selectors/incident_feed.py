"""A read of Encompass incidents for other modules (domestic abuse triage): plain data, no models.

DESIGN.md section 2: two domain modules talk through a service or selector of the other, never
its models. ``domestic_abuse`` builds its board on the incidents the police already send here
(ADR 0011), so this is the only door it uses: the incidents received after an id, with their
adults, and for each the number of children and of schools told. No child's details leave.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q

from safeguard.encompass.models import Incident, Notification


@dataclass(frozen=True)
class FeedAdult:
    role: str  # "victim" or "suspect", as the police record them
    forename: str
    surname: str
    dob: date | None


@dataclass(frozen=True)
class FeedIncident:
    id: int
    force_id: int
    reference: str
    occurred_at: datetime
    received_at: datetime
    location: str
    adults: tuple[FeedAdult, ...]
    children: int
    schools_told: int
    # Added for resends (ADR 0015): the police's resend raises the version.
    version: int = 1
    updated_at: datetime | None = None


def _feed_rows(rows: Any) -> list[FeedIncident]:
    return [
        FeedIncident(
            id=row.pk,
            force_id=row.force_id,
            reference=row.reference,
            occurred_at=row.occurred_at,
            received_at=row.received_at,
            location=row.location,
            adults=tuple(
                FeedAdult(role=a.role, forename=a.forename, surname=a.surname, dob=a.dob)
                for a in row.adults.all()
            ),
            children=row.n_children,
            schools_told=row.n_told,
            version=row.version,
            updated_at=row.updated_at,
        )
        for row in rows
    ]


def _counted(rows: Any) -> Any:
    return rows.annotate(
        n_children=Count("children", filter=Q(children__withdrawn=False), distinct=True),
        n_told=Count(
            "children__notifications",
            filter=Q(children__notifications__withdrawn_at__isnull=True),
            distinct=True,
        ),
    ).prefetch_related("adults")


def incidents_updated_since(*, since: datetime | None, limit: int = 500) -> list[FeedIncident]:
    """Encompass incidents changed at or after ``since`` (every one when None), oldest change
    first, at most ``limit``: a resend by the police changes the incident and raises its
    ``version``. The reader keeps the last ``updated_at`` it saw as its cursor; "at or after"
    so that two changes in the same instant are not lost between two reads."""
    rows = Incident.objects.all()
    if since is not None:
        rows = rows.filter(updated_at__gte=since)
    return _feed_rows(_counted(rows.order_by("updated_at", "pk"))[:limit])


def incidents_after(*, last_id: int, limit: int = 500) -> list[FeedIncident]:
    """Encompass incidents with an id above ``last_id``, oldest first, at most ``limit``."""
    return _feed_rows(_counted(Incident.objects.filter(pk__gt=last_id).order_by("pk"))[:limit])


@dataclass(frozen=True)
class PupilNotification:
    """One Encompass notification about a pupil: when, which school, whether told and seen."""

    incident_on: date
    school: str
    told_at: datetime | None
    acknowledged: bool
    withdrawn: bool


def notifications_of_pupil(*, pupil_id: int) -> list[PupilNotification]:
    """A pupil's Encompass history (newest first), for the LA reading a home education notice
    beside it: dates and schools, no narrative."""
    rows = (
        Notification.objects.filter(child__pupil_id=pupil_id)
        .select_related("school", "child__incident")
        .order_by("-child__incident__occurred_at")
    )
    return [
        PupilNotification(
            incident_on=row.child.incident.occurred_at.date(),
            school=row.school.name,
            told_at=row.told_at,
            acknowledged=row.acknowledged_at is not None,
            withdrawn=row.withdrawn_at is not None,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class FeedChild:
    """A child named in an Encompass incident, for the DRAMM's household history (issue 12): who,
    and the Operation Encompass notifications about them (dates and schools, no narrative).

    ``id`` is the Encompass child record's id, for the reader's audit row; ``pupil_id`` the
    child index's pupil the child was matched to (None while unmatched), by which the same child
    named in several incidents is recognised. ``notifications`` are every notification about that
    pupil (any incident), newest first, or the record's own when unmatched."""

    id: int
    incident_id: int
    forename: str
    surname: str
    dob: date | None
    pupil_id: int | None
    notifications: tuple[PupilNotification, ...]


def _pupil_notification(row: Notification) -> PupilNotification:
    return PupilNotification(
        incident_on=row.child.incident.occurred_at.date(),
        school=row.school.name,
        told_at=row.told_at,
        acknowledged=row.acknowledged_at is not None,
        withdrawn=row.withdrawn_at is not None,
    )


def children_of_incidents(*, incident_ids: Sequence[int]) -> dict[int, list[FeedChild]]:
    """The children (not withdrawn) of these Encompass incidents, by incident id, each with
    their notifications. Three queries whatever the number of incidents. Callers decide who may
    see them and audit each child they show (``encompass.incident_child``)."""
    from safeguard.encompass.models import IncidentChild

    children = list(
        IncidentChild.objects.filter(incident_id__in=list(incident_ids), withdrawn=False).order_by(
            "incident_id", "pk"
        )
    )
    pupil_ids = {c.pupil_id for c in children if c.pupil_id is not None}
    unmatched = [c.pk for c in children if c.pupil_id is None]
    by_pupil: dict[int, list[PupilNotification]] = {}
    by_child: dict[int, list[PupilNotification]] = {}
    notes = (
        Notification.objects.filter(Q(child__pupil_id__in=pupil_ids) | Q(child_id__in=unmatched))
        .select_related("school", "child__incident")
        .order_by("-child__incident__occurred_at", "-pk")
    )
    for note in notes:
        if note.child.pupil_id in pupil_ids:
            by_pupil.setdefault(note.child.pupil_id, []).append(_pupil_notification(note))
        else:
            by_child.setdefault(note.child_id, []).append(_pupil_notification(note))
    found: dict[int, list[FeedChild]] = {}
    for child in children:
        found.setdefault(child.incident_id, []).append(
            FeedChild(
                id=child.pk,
                incident_id=child.incident_id,
                forename=child.forename,
                surname=child.surname,
                dob=child.dob,
                pupil_id=child.pupil_id,
                notifications=tuple(
                    by_pupil.get(child.pupil_id, [])
                    if child.pupil_id is not None
                    else by_child.get(child.pk, [])
                ),
            )
        )
    return found
