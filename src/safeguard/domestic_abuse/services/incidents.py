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
from safeguard.domestic_abuse.models import (
    Adult,
    AdultRole,
    AdultsChange,
    Dash,
    FeedCursor,
    Incident,
    Referral,
    Source,
)
from safeguard.encompass.selectors.incident_feed import (
    FeedIncident,
    incidents_after,
    incidents_updated_since,
)

INCIDENT = "domestic_abuse.incident"
DASH = "domestic_abuse.dash"
ADULT = "domestic_abuse.adult"
RESENDS_CURSOR = "encompass_resends"


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
    encompass_version: int | None = None,
    encompass_updated_at: datetime | None = None,
) -> tuple[Incident, bool]:
    now = received_at or timezone.now()
    with transaction.atomic():
        incident = (
            Incident.objects.select_for_update()
            .filter(organisation=organisation, reference=data.reference.strip())
            .first()
        )
        created = incident is None
        before: list[Adult] = []
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
            before = list(incident.adults.order_by("pk"))
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
        keys_before = (incident.victim_key, incident.perpetrator_key)
        _link_new(incident, [a for a in adults if a.pk] or list(incident.adults.all()))
        changes: dict[str, Any] = {"version": incident.version, "adults": len(data.adults)}
        if encompass_version is not None:
            incident.encompass_version = encompass_version
            incident.encompass_updated_at = encompass_updated_at
            incident.save(update_fields=["encompass_version", "encompass_updated_at"])
            changes["encompass_version"] = encompass_version
        if not created:
            change = _adults_change(incident, before, data.adults, encompass_version)
            if change is not None:
                changes.update(
                    victim_changed=change.victim_changed,
                    perpetrator_changed=change.perpetrator_changed,
                    victim_key=[keys_before[0], incident.victim_key],
                    perpetrator_key=[keys_before[1], incident.perpetrator_key],
                )
                if _bridged(before):
                    linkage_refresh()
        audit.record(
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            record_type=INCIDENT,
            record_id=incident.pk,
            actor=actor,
            changes=changes,
            detail="" if created or "victim_changed" not in changes else "adults changed",
        )
    return incident, created


def _values(role: str, forename: str, surname: str, dob: date | None) -> tuple[str, ...]:
    return (role, forename.strip().casefold(), surname.strip().casefold(), str(dob or ""))


def _adults_change(
    incident: Incident,
    before: Sequence[Adult],
    after: Sequence[AdultData],
    encompass_version: int | None,
) -> AdultsChange | None:
    """Record what a resend changed in the victim or perpetrator (None when neither changed)."""

    def of(role: str, rows: Sequence[Any]) -> list[tuple[str, ...]]:
        return sorted(_values(r.role, r.forename, r.surname, r.dob) for r in rows if r.role == role)

    victim = of(AdultRole.VICTIM, before) != of(AdultRole.VICTIM, after)
    perpetrator = of(AdultRole.PERPETRATOR, before) != of(AdultRole.PERPETRATOR, after)
    if not (victim or perpetrator):
        return None
    return AdultsChange.objects.create(
        incident=incident,
        version=incident.version,
        encompass_version=encompass_version,
        changed_at=timezone.now(),
        victim_changed=victim,
        perpetrator_changed=perpetrator,
        before=[
            {
                "role": a.role,
                "forename": a.forename,
                "surname": a.surname,
                "dob": a.dob.isoformat() if a.dob else None,
            }
            for a in before
        ],
    )


def _bridged(removed: Sequence[Adult]) -> bool:
    """Whether a removed record was grouped with other records: its person may have been joined
    through it, so the people are worked out again rather than left joined."""
    keys = {a.person_key for a in removed if a.person_key}
    return Adult.objects.filter(person_key__in=keys).exists()


def linkage_refresh() -> None:
    """Regroup every adult (the rules, the model's stored pairs, people's decisions)."""
    from safeguard.domestic_abuse.services.people import adults_relink

    adults_relink()


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


def _feed_data(feed: FeedIncident) -> IncidentData:
    return IncidentData(
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


def encompass_pull(*, limit: int = 500) -> int:
    """Take the Encompass incidents not yet here; returns how many. Idempotent: each Encompass
    incident is taken once, by its id, whoever runs this and however often."""
    last = Incident.objects.aggregate(last=Max("encompass_incident_id"))["last"] or 0
    taken = 0
    for feed in incidents_after(last_id=last, limit=limit):
        if not any(a.role == "victim" for a in feed.adults):
            continue  # an Encompass incident with no adult named gives the board nothing
        force = Organisation.objects.get(pk=feed.force_id)
        if Incident.objects.filter(organisation=force, reference=feed.reference).exists():
            Incident.objects.filter(organisation=force, reference=feed.reference).update(
                encompass_incident_id=feed.id,
                children_count=feed.children,
                encompass_version=feed.version,
                encompass_updated_at=feed.updated_at,
            )
            continue  # the force sent it here too: one incident, not two
        _store(
            actor=None,
            organisation=force,
            data=_feed_data(feed),
            source=Source.ENCOMPASS,
            received_at=feed.received_at,
            encompass_id=feed.id,
            encompass_version=feed.version,
            encompass_updated_at=feed.updated_at,
        )
        taken += 1
    return taken


def encompass_resends(*, limit: int = 500) -> int:
    """Follow the police's resends of Encompass incidents already here (ADR 0015): an incident
    whose Encompass version is above the one this case follows takes the resend's adults (a
    changed victim or perpetrator is recorded as an ``AdultsChange`` and audited), and the
    board's criteria, computed from the linked people, follow. Returns how many changed.
    Idempotent: the version decides, so a second pass changes nothing."""
    cursor, _ = FeedCursor.objects.get_or_create(name=RESENDS_CURSOR)
    changed = 0
    feeds = incidents_updated_since(since=cursor.position, limit=limit)
    for feed in feeds:
        incident = Incident.objects.filter(encompass_incident_id=feed.id).first()
        if incident is None:
            continue  # not taken yet (or no victim named): ``encompass_pull`` decides
        if feed.version <= (incident.encompass_version or 1):
            if feed.updated_at and incident.encompass_updated_at != feed.updated_at:
                Incident.objects.filter(pk=incident.pk).update(encompass_updated_at=feed.updated_at)
            continue
        if not any(a.role == "victim" for a in feed.adults):
            Incident.objects.filter(pk=incident.pk).update(
                encompass_version=feed.version, encompass_updated_at=feed.updated_at
            )
            continue  # a resend naming no victim does not erase the one the case has
        _store(
            actor=None,
            organisation=incident.organisation,
            data=_feed_data(feed),
            source=incident.source,
            received_at=None,
            encompass_id=incident.encompass_incident_id,
            encompass_version=feed.version,
            encompass_updated_at=feed.updated_at,
        )
        changed += 1
    last = max((f.updated_at for f in feeds if f.updated_at is not None), default=None)
    if last is not None and (cursor.position is None or last > cursor.position):
        FeedCursor.objects.filter(pk=cursor.pk).update(position=last)
    return changed


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
