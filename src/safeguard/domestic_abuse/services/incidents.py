"""Incidents in (from the API, a page, or Operation Encompass) and their DASH checklists.

Idempotent on the sender's reference: a resend of an incident updates it. An Encompass incident
is taken from the Encompass module's own feed (``encompass.selectors.incident_feed``), keyed by
its id, so the police send each incident once (ADR 0011).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from safeguard.core import audit, holidays
from safeguard.core.clock import london_date
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.domestic_abuse import linkage, rules
from safeguard.domestic_abuse.models import Adult, AdultRole, Dash, Incident, Referral, Source
from safeguard.encompass.selectors.incident_feed import incidents_after

INCIDENT = "domestic_abuse.incident"
DASH = "domestic_abuse.dash"
ADULT = "domestic_abuse.adult"


@dataclass(frozen=True)
class AdultData:
    role: str
    forename: str = ""
    surname: str = ""
    dob: date | None = None
    gender: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class IncidentData:
    reference: str
    occurred_at: datetime
    adults: tuple[AdultData, ...]
    summary: str = ""
    children_count: int = 0


def _board_day(received_at: datetime) -> date:
    return rules.board_day(london_date(received_at), holidays.calendar())


def incident_receive(
    *,
    actor: Any,
    organisation: Organisation,
    data: IncidentData,
    source: str = Source.API,
    received_at: datetime | None = None,
) -> tuple[Incident, bool]:
    """Store (or update) an incident the organisation sent; returns it and whether it was new."""
    if data.occurred_at.tzinfo is None:
        raise ValidationError({"occurred_at": "Give the time zone of the date and time"})
    if not data.reference.strip():
        raise ValidationError({"reference": "Enter the incident reference"})
    if not any(a.role == AdultRole.VICTIM for a in data.adults):
        raise ValidationError({"adults": "Name the victim"})
    try:
        return _store(
            actor=actor,
            organisation=organisation,
            data=data,
            source=source,
            received_at=received_at,
            encompass_id=None,
        )
    except IntegrityError:
        return _store(
            actor=actor,
            organisation=organisation,
            data=data,
            source=source,
            received_at=received_at,
            encompass_id=None,
        )


def _store(
    *,
    actor: Any,
    organisation: Organisation,
    data: IncidentData,
    source: str,
    received_at: datetime | None,
    encompass_id: int | None,
) -> tuple[Incident, bool]:
    now = received_at or timezone.now()
    with transaction.atomic():
        incident = (
            Incident.objects.select_for_update()
            .filter(organisation=organisation, reference=data.reference.strip())
            .first()
        )
        created = incident is None
        if incident is None:
            incident = Incident(
                organisation=organisation,
                reference=data.reference.strip(),
                source=source,
                received_at=now,
                board_day=_board_day(now),
                encompass_incident_id=encompass_id,
            )
        else:
            incident.version += 1
            incident.adults.all().delete()
        incident.occurred_at = data.occurred_at
        incident.summary = data.summary.strip()
        incident.children_count = data.children_count
        incident.save()
        adults = Adult.objects.bulk_create(
            Adult(
                incident=incident,
                role=a.role,
                forename=a.forename.strip()[:100],
                surname=a.surname.strip()[:100],
                dob=a.dob,
                gender=a.gender[:1],
                postcode=a.postcode.strip()[:8],
            )
            for a in data.adults
        )
        _link_new(incident, [a for a in adults if a.pk] or list(incident.adults.all()))
        audit.record(
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            record_type=INCIDENT,
            record_id=incident.pk,
            actor=actor,
            changes={"version": incident.version, "adults": len(data.adults)},
        )
    return incident, created


def _candidates(adult: Adult) -> list[Adult]:
    wanted = Q(forename__iexact=adult.forename, surname__iexact=adult.surname)
    if adult.dob is not None:
        wanted |= Q(dob=adult.dob)
        swapped = linkage.transposed(adult.dob)
        if swapped is not None:
            wanted |= Q(dob=swapped)
    return list(Adult.objects.filter(wanted).exclude(incident_id=adult.incident_id))


def _pure(adult: Adult) -> linkage.Adult:
    return linkage.Adult(
        id=adult.pk,
        forename=adult.forename,
        surname=adult.surname,
        dob=adult.dob,
        postcode=adult.postcode,
    )


def _link_new(incident: Incident, adults: Sequence[Adult]) -> None:
    """Give each new record the person of the earlier records it matches (merging people the
    record shows to be one), then the incident its victim's and perpetrator's person."""
    for adult in adults:
        keys = {
            other.person_key
            for other in _candidates(adult)
            if other.person_key and linkage.same_person(_pure(adult), _pure(other))
        }
        key = min(keys | {adult.pk})
        adult.person_key = key
        adult.save(update_fields=["person_key"])
        merged = keys - {key}
        if merged:
            Adult.objects.filter(person_key__in=merged).update(person_key=key)
            Incident.objects.filter(victim_key__in=merged).update(victim_key=key)
            Incident.objects.filter(perpetrator_key__in=merged).update(perpetrator_key=key)
            Referral.objects.filter(victim_key__in=merged).update(victim_key=key)
            Referral.objects.filter(perpetrator_key__in=merged).update(perpetrator_key=key)
    incident_keys_refresh(incident)


def incident_keys_refresh(incident: Incident) -> None:
    victim = incident.adults.filter(role=AdultRole.VICTIM).order_by("pk").first()
    perpetrator = incident.adults.filter(role=AdultRole.PERPETRATOR).order_by("pk").first()
    incident.victim_key = victim.person_key if victim else None
    incident.perpetrator_key = perpetrator.person_key if perpetrator else None
    incident.save(update_fields=["victim_key", "perpetrator_key"])


# --- Operation Encompass ------------------------------------------------------------------------


def encompass_pull(*, limit: int = 500) -> int:
    """Take the Encompass incidents not yet here; returns how many. Idempotent: each Encompass
    incident is taken once, by its id, whoever runs this and however often."""
    last = Incident.objects.aggregate(last=Max("encompass_incident_id"))["last"] or 0
    taken = 0
    for feed in incidents_after(last_id=last, limit=limit):
        if not any(a.role == "victim" for a in feed.adults):
            continue  # an Encompass incident with no adult named gives the board nothing
        data = IncidentData(
            reference=feed.reference,
            occurred_at=feed.occurred_at,
            adults=tuple(
                AdultData(
                    role=AdultRole.VICTIM if a.role == "victim" else AdultRole.PERPETRATOR,
                    forename=a.forename,
                    surname=a.surname,
                    dob=a.dob,
                )
                for a in feed.adults
            ),
            children_count=feed.children,
        )
        force = Organisation.objects.get(pk=feed.force_id)
        if Incident.objects.filter(organisation=force, reference=feed.reference).exists():
            Incident.objects.filter(organisation=force, reference=feed.reference).update(
                encompass_incident_id=feed.id, children_count=feed.children
            )
            continue  # the force sent it here too: one incident, not two
        _store(
            actor=None,
            organisation=force,
            data=data,
            source=Source.ENCOMPASS,
            received_at=feed.received_at,
            encompass_id=feed.id,
        )
        taken += 1
    return taken


# --- DASH ---------------------------------------------------------------------------------------


def dash_record(
    *,
    actor: Any,
    organisation: Organisation,
    incident: Incident,
    answers: Mapping[str, str],
    judgement: str = "",
    judgement_reason: str = "",
) -> Dash:
    """Store a DASH for the incident: a new version if one exists (revisions are kept)."""
    try:
        count = rules.yes_count(answers)
    except rules.IncompleteChecklist as error:
        raise ValidationError({"answers": "Answer each of the 24 questions"}) from error
    if judgement and judgement not in set(rules.Level):
        raise ValidationError({"judgement": "Choose standard, medium or high"})
    if judgement and not judgement_reason.strip():
        raise ValidationError({"judgement_reason": "Give the reason for your judgement"})
    if actor is not None and getattr(actor, "organisation_id", None) != organisation.pk:
        raise PermissionDenied
    with transaction.atomic():
        Incident.objects.select_for_update().filter(pk=incident.pk).first()
        latest = incident.dashes.order_by("-version").first()
        wanted = {code: answers[code] for code in rules.QUESTION_CODES}
        if (
            latest is not None
            and latest.answers == wanted
            and latest.judgement == judgement
            and latest.judgement_reason == judgement_reason.strip()
        ):
            return latest  # a resend of the same checklist is not a revision
        version = (incident.dashes.aggregate(v=Max("version"))["v"] or 0) + 1
        dash = Dash.objects.create(
            incident=incident,
            version=version,
            answers={code: answers[code] for code in rules.QUESTION_CODES},
            yes_count=count,
            level=rules.final_level(count, judgement or None),
            judgement=judgement,
            judgement_reason=judgement_reason.strip(),
            completed_by_organisation=organisation,
            completed_by=actor if getattr(actor, "is_authenticated", False) else None,
            completed_at=timezone.now(),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=DASH,
            record_id=dash.pk,
            actor=actor,
            changes={"incident": incident.pk, "version": version, "count": count},
        )
    return dash
