"""Receiving incidents from the police: through the API or a CSV upload, the same service.

``incident_receive`` is idempotent on the force and the force's incident reference: a resend
updates the incident (its version goes up), the children are kept by their police person
reference (a child left out of a resend is marked withdrawn, never deleted, because a
notification may already point at them), and nothing is ever duplicated.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguard.children import normalise
from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.organisations import OrganisationKind
from safeguard.encompass import rules
from safeguard.encompass.models import (
    AdultRole,
    Incident,
    IncidentAdult,
    IncidentChild,
    IncidentKind,
    MatchState,
    Presence,
)
from safeguard.encompass.services import routing

RECORD_TYPE = "encompass.incident"
# A police clock a little ahead of ours is not an incident "in the future".
CLOCK_SKEW = timedelta(minutes=5)
# The most children one incident may list. Real incidents list a household's children; a
# larger number is a fault in the sending system (the API once took 5,000 in 20 seconds).
MAX_CHILDREN = rules.MAX_CHILDREN_PER_INCIDENT
# Encompass is for the next school day: an incident older than this is a fault, not a send.
MAX_AGE = timedelta(days=365)
EARLIEST_BIRTH = date(1900, 1, 1)
GENDER_MESSAGE = "Gender must be M, F or U (not known); male, female or unknown are read too"
IDENTIFYING = ("forename", "surname", "dob", "gender", "postcode", "school_name", "school_urn")
SCHOOL_NAME_MAX = 200


@dataclass(frozen=True)
class AdultData:
    role: str
    forename: str = ""
    surname: str = ""
    dob: date | None = None


@dataclass(frozen=True)
class ChildData:
    ref: str
    presence: str
    forename: str = ""
    surname: str = ""
    dob: date | None = None
    gender: str = ""
    address: str = ""
    postcode: str = ""
    where_they_were: str = ""
    voice_of_the_child: str = ""
    injuries: str = ""
    # The child's school as the police recorded it (either, both or neither; ADR 0016).
    school_name: str = ""
    school_urn: str = ""


@dataclass(frozen=True)
class IncidentData:
    reference: str
    occurred_at: datetime
    kind: str
    location: str = ""
    adults: tuple[AdultData, ...] = ()
    children: tuple[ChildData, ...] = field(default=())


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)


def gender_code(value: str) -> str:
    """``M``, ``F`` or "" (not known), from any code the roll importer reads too, so the API
    and the CSV take the same codes. Raises ValueError for an unknown code."""
    return normalise.gender(value) or ""


def _dob_problem(dob: date | None, *, incident_day: date | None, today: date) -> str:
    if dob is None:
        return ""
    if dob < EARLIEST_BIRTH:
        return "Date of birth must be on or after 1 January 1900"
    if dob > today:
        return "Date of birth is in the future"
    if incident_day is not None and dob > incident_day:
        return "Date of birth is after the incident"
    return ""


def problems(data: IncidentData, *, now: datetime | None = None) -> dict[str, str]:
    """Every problem with the incident, by field name (as the API and the CSV name them)."""
    now = now or timezone.now()
    found: dict[str, str] = {}
    incident_day: date | None = None
    if not data.reference.strip():
        found["reference"] = "Enter the incident reference"
    elif len(data.reference) > 60:
        found["reference"] = "Incident reference must be 60 characters or fewer"
    elif has_control_characters(data.reference):
        found["reference"] = "Incident reference must not contain control characters"
    if timezone.is_naive(data.occurred_at):
        found["occurred_at"] = (
            "Give the date and time with its time zone, e.g. 2026-10-23T22:00+01:00"
        )
    elif data.occurred_at > now + CLOCK_SKEW:
        found["occurred_at"] = "The incident date and time is in the future"
    elif data.occurred_at < now - MAX_AGE:
        found["occurred_at"] = (
            "The incident is more than a year old: Encompass is for the next school day"
        )
    else:
        incident_day = london_date(data.occurred_at)
    if data.kind not in IncidentKind.values:
        found["kind"] = "Kind must be incident or crime"
    if len(data.children) > MAX_CHILDREN:
        found["children"] = f"An incident can list at most {MAX_CHILDREN} children"
        return found
    for index, adult in enumerate(data.adults):
        if adult.role not in AdultRole.values:
            found[f"adults.{index}.role"] = "Role must be victim or suspect"
        problem = _dob_problem(adult.dob, incident_day=None, today=now.date())
        if problem:
            found[f"adults.{index}.dob"] = problem
    seen: set[str] = set()
    for index, child in enumerate(data.children):
        where = f"children.{index}"
        if not child.ref.strip():
            found[f"{where}.ref"] = "Enter the police person reference of the child"
        elif has_control_characters(child.ref):
            found[f"{where}.ref"] = "Person reference must not contain control characters"
        elif child.ref in seen:
            found[f"{where}.ref"] = f"The reference {child.ref} is given for two children"
        seen.add(child.ref)
        if child.presence not in Presence.values:
            found[f"{where}.presence"] = "Presence must be present, not_present or unknown"
        problem = _dob_problem(child.dob, incident_day=incident_day, today=now.date())
        if problem:
            found[f"{where}.dob"] = problem
        try:
            gender_code(child.gender)
        except ValueError:
            found[f"{where}.gender"] = GENDER_MESSAGE
        try:
            normalise.school_urn(child.school_urn)
        except ValueError as error:
            found[f"{where}.school_urn"] = str(error)
        if len(child.school_name.strip()) > SCHOOL_NAME_MAX:
            found[f"{where}.school_name"] = (
                f"School name must be {SCHOOL_NAME_MAX} characters or fewer"
            )
        elif has_control_characters(child.school_name):
            found[f"{where}.school_name"] = "School name must not contain control characters"
        if not (child.forename.strip() or child.surname.strip()):
            found[f"{where}.surname"] = "Give at least the child's forename or surname"
    return found


def _check_force(actor: Any, force: Organisation) -> None:
    if force.kind != OrganisationKind.POLICE or not force.active:
        raise PermissionDenied("Only an active police force sends incidents")
    if actor is not None and getattr(actor, "organisation_id", None) != force.pk:
        raise PermissionDenied("A police user sends incidents for their own force only")


def _child_values(child: ChildData) -> dict[str, Any]:
    return {
        "forename": child.forename.strip()[:100],
        "surname": child.surname.strip()[:100],
        "dob": child.dob,
        "gender": gender_code(child.gender),
        "address": child.address.strip()[:300],
        "postcode": child.postcode.strip().upper()[:8],
        "presence": child.presence,
        "where_they_were": child.where_they_were.strip()[:300],
        "voice_of_the_child": child.voice_of_the_child.strip(),
        "injuries": child.injuries.strip(),
        "school_name": " ".join(child.school_name.split()),
        "school_urn": normalise.school_urn(child.school_urn) or "",
        "withdrawn": False,
    }


def incident_receive(
    *, actor: Any, force: Organisation, data: IncidentData
) -> tuple[Incident, bool]:
    """Store (or update) one incident; returns it and whether it was new.

    ``actor`` is the police user of a CSV upload, or None for an API key (whose id the audit
    trail takes from the request). Children whose identifying details changed go back to
    matching unless a person confirmed their match.
    """
    _check_force(actor, force)
    found = problems(data)
    if found:
        raise ValidationError(found)
    try:
        return _store(actor=actor, force=force, data=data)
    except IntegrityError:
        # Two first sends of one incident at once: the other committed first, so this one is
        # now a resend of it.
        return _store(actor=actor, force=force, data=data)


def _store(*, actor: Any, force: Organisation, data: IncidentData) -> tuple[Incident, bool]:
    with transaction.atomic():
        incident = (
            Incident.objects.select_for_update()
            .filter(force=force, reference=data.reference.strip())
            .first()
        )
        created = incident is None
        if incident is not None and _unchanged(incident, data):
            return incident, False  # an identical resend changes nothing, not even the version
        before = {} if incident is None else _state(incident)
        if incident is None:
            incident = Incident(force=force, reference=data.reference.strip())
        else:
            incident.version += 1
        incident.occurred_at = data.occurred_at
        incident.kind = data.kind
        incident.location = data.location.strip()[:300]
        incident.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
        incident.no_children_recorded = not data.children
        incident.presence_unknown = any(c.presence == Presence.UNKNOWN for c in data.children)
        incident.save()
        incident.adults.all().delete()
        IncidentAdult.objects.bulk_create(
            IncidentAdult(
                incident=incident,
                role=a.role,
                forename=a.forename.strip()[:100],
                surname=a.surname.strip()[:100],
                dob=a.dob,
            )
            for a in data.adults
        )
        _store_children(incident, data.children, actor=actor)
        audit.record(
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=incident.pk,
            actor=actor,
            changes=audit.diff(before, _state(incident)),
        )
    return incident, created


def _store_children(incident: Incident, children: tuple[ChildData, ...], *, actor: Any) -> None:
    existing = {c.ref: c for c in incident.children.all()}
    for child in children:
        values = _child_values(child)
        row = existing.pop(child.ref, None)
        if row is None:
            IncidentChild.objects.create(incident=incident, ref=child.ref.strip(), **values)
            continue
        details_changed = any(getattr(row, name) != values[name] for name in IDENTIFYING)
        for name, value in values.items():
            setattr(row, name, value)
        if details_changed and row.match_state != MatchState.CONFIRMED:
            row.match_state = MatchState.PENDING
            row.pupil = None
            row.probability = None
            row.matched_at = None
        row.save()
    for gone in existing.values():
        if not gone.withdrawn:
            gone.withdrawn = True
            gone.save(update_fields=["withdrawn"])
            # The school is told it was withdrawn, its clocks stop, nothing escalates.
            routing.child_withdrawn(child=gone, actor=actor)


def _adult_values(adult: AdultData) -> tuple[Any, ...]:
    return (adult.role, adult.forename.strip()[:100], adult.surname.strip()[:100], adult.dob)


def _unchanged(incident: Incident, data: IncidentData) -> bool:
    """Whether the resend says exactly what is stored: same incident, adults, live children."""
    if (
        incident.occurred_at != data.occurred_at
        or incident.kind != data.kind
        or incident.location != data.location.strip()[:300]
    ):
        return False
    stored_adults = [(a.role, a.forename, a.surname, a.dob) for a in incident.adults.order_by("pk")]
    if stored_adults != [_adult_values(a) for a in data.adults]:
        return False
    stored = {c.ref: c for c in incident.children.all()}
    if {ref for ref, c in stored.items() if not c.withdrawn} != {
        c.ref.strip() for c in data.children
    }:
        return False
    for child in data.children:
        row = stored[child.ref.strip()]
        if any(getattr(row, name) != value for name, value in _child_values(child).items()):
            return False
    return True


def _state(incident: Incident) -> dict[str, Any]:
    """Ids, codes and moments only: no names, places or narratives in the audit trail."""
    return {
        "force_id": incident.force_id,
        "reference": incident.reference,
        "occurred_at": incident.occurred_at.isoformat() if incident.occurred_at else None,
        "kind": incident.kind,
        "version": incident.version,
        "children": incident.children.filter(withdrawn=False).count() if incident.pk else 0,
        "no_children_recorded": incident.no_children_recorded,
        "presence_unknown": incident.presence_unknown,
    }
