"""The daily board: the incidents since the last meeting that meet a criterion, computed.

Criteria are never typed: each comes from ``rules.criteria`` over the incident's DASH and the
history of its linked victim (every incident from any agency, every MARAC referral).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.domestic_abuse import policies, rules
from safeguard.domestic_abuse.models import Adult, Board, Dash, Incident, Referral
from safeguard.encompass.selectors.incident_feed import (
    FeedChild,
    PupilNotification,
    children_of_incidents,
)
from safeguard.governance import rules as action_rules
from safeguard.governance.models import Action
from safeguard.governance.selectors.actions import actions_of_source, visible_actions

INCIDENT = "domestic_abuse.incident"
ENCOMPASS_CHILD = "encompass.incident_child"
# The source kind of MARAC actions on the shared action plan (``services.marac.ACTION_SOURCE``).
MARAC_ACTIONS = "domestic_abuse.marac_referral"


@dataclass(frozen=True)
class HistoryRow:
    incident_id: int
    occurred_on: date
    organisation: str
    source: str


@dataclass(frozen=True)
class HouseholdChild:
    """A child of the household (named in one of the victim's Operation Encompass incidents),
    with their Encompass notifications, newest first."""

    forename: str
    surname: str
    dob: date | None
    notifications: tuple[PupilNotification, ...]
    record_ids: tuple[int, ...]  # the Encompass child records shown (each read audited)


@dataclass
class BoardCase:
    incident: Incident
    findings: list[rules.Finding]
    dash: Dash | None
    earlier_incidents: list[HistoryRow] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    # Filled for a person by ``board_for``: the household's children and the open plans.
    children: list[HouseholdChild] = field(default_factory=list)
    open_actions: list[Action] = field(default_factory=list)
    # The Encompass incidents of the household (the victim's), for ``household_for``.
    encompass_ids: list[int] = field(default_factory=list)

    @property
    def victim(self) -> Adult | None:
        return next((a for a in self.incident.adults.all() if a.role == "victim"), None)

    @property
    def perpetrator(self) -> Adult | None:
        return next((a for a in self.incident.adults.all() if a.role == "perpetrator"), None)


def _facts(incident: Any, dash: Dash | None = None) -> rules.IncidentFacts:
    return rules.IncidentFacts(
        id=incident.pk,
        occurred_on=london_date(incident.occurred_at),
        victim=incident.victim_key,
        perpetrator=incident.perpetrator_key,
        dash_count=dash.yes_count if dash else None,
        judgement=dash.judgement if dash else None,
    )


def board_cases(*, day: date, audit_actor: Any = None) -> list[BoardCase]:
    """Every case on ``day``'s board (no access check: callers check membership)."""
    incidents = list(
        Incident.objects.filter(board_day=day)
        .select_related("organisation")
        .prefetch_related(
            "adults",
            "adult_changes",
            Prefetch("dashes", queryset=Dash.objects.order_by("-version")),
        )
        .order_by("received_at", "pk")
    )
    keys = {i.victim_key for i in incidents if i.victim_key is not None}
    history: dict[int, list[Any]] = defaultdict(list)
    for row in (
        Incident.objects.filter(victim_key__in=keys)
        .select_related("organisation")
        .only(
            "pk",
            "occurred_at",
            "victim_key",
            "perpetrator_key",
            "source",
            "organisation__name",
            "encompass_incident_id",
        )
    ):
        history[row.victim_key].append(row)  # type: ignore[index]
    referrals: dict[int, list[Referral]] = defaultdict(list)
    for referral in Referral.objects.filter(victim_key__in=keys).select_related("meeting__sitting"):
        referrals[referral.victim_key].append(referral)
    cases = []
    for incident in incidents:
        dashes = list(incident.dashes.all())
        dash = dashes[0] if dashes else None
        facts = _facts(incident, dash)
        mine = history.get(incident.victim_key, []) if incident.victim_key else []
        theirs = referrals.get(incident.victim_key, []) if incident.victim_key else []
        findings = rules.criteria(
            facts,
            victim_incidents=[_facts(other) for other in mine],
            victim_referrals=[
                rules.ReferralFacts(
                    id=r.pk,
                    referred_on=r.referred_on,
                    victim=r.victim_key,
                    perpetrator=r.perpetrator_key,
                    incident=r.incident_id,
                )
                for r in theirs
            ],
        )
        if not findings:
            continue
        earlier = sorted(
            (
                HistoryRow(
                    o.pk,
                    london_date(o.occurred_at),
                    o.organisation.name,
                    o.get_source_display(),
                )
                for o in mine
                if o.pk != incident.pk and o.occurred_at <= incident.occurred_at
            ),
            key=lambda h: h.occurred_on,
            reverse=True,
        )
        household = {o.encompass_incident_id for o in mine if o.encompass_incident_id}
        if incident.encompass_incident_id:
            household.add(incident.encompass_incident_id)
        cases.append(
            BoardCase(incident, findings, dash, earlier, theirs, encompass_ids=sorted(household))
        )
    if audit_actor is not None:
        # One audit row per incident on the board, appended under one lock for the board.
        audit.record_views(
            actor=audit_actor, record_type=INCIDENT, record_ids=[c.incident.pk for c in cases]
        )
    return cases


def board_for(*, actor: Any, day: date) -> list[BoardCase]:
    if not policies.is_dramm_member(actor):
        return []
    cases = board_cases(day=day, audit_actor=actor)
    household_for(cases, actor=actor)
    return cases


def _same_child(child: FeedChild) -> tuple[object, ...]:
    """One child across incidents: by the child index's pupil once matched, else by name and
    date of birth as the police recorded them."""
    if child.pupil_id is not None:
        return ("pupil", child.pupil_id)
    return ("named", child.forename.casefold(), child.surname.casefold(), child.dob)


def household_for(cases: list[BoardCase], *, actor: Any) -> None:
    """Fill each case's household children and open plans, for a DRAMM member.

    Children and their Operation Encompass notifications come through Encompass's incident feed
    only (ADR 0011); each child record shown is a read of a child's record, audited. Open plans
    are the open actions of the shared action plan (``governance``) from the victim's MARAC
    referrals: all of them for a MARAC member (as the source registers), otherwise those the
    action plan shows this person (``visible_actions``).
    """
    feed = children_of_incidents(incident_ids=sorted({i for c in cases for i in c.encompass_ids}))
    referral_ids = {str(r.pk) for c in cases for r in c.referrals}
    actions: dict[str, list[Action]] = defaultdict(list)
    if referral_ids:
        found = actions_of_source(
            source_kind=MARAC_ACTIONS, source_ids=sorted(referral_ids)
        ).filter(status__in=action_rules.OPEN_STATUSES)
        if not policies.is_marac_member(actor):
            # MARAC actions are the MARAC's members' (the source's registration); anyone else
            # sees those the action plan itself shows them (their organisation's, say).
            found = found.filter(pk__in=visible_actions(actor).values("pk"))
        for action in found.order_by("due_on", "pk"):
            actions[action.source_id].append(action)
    audited: set[int] = set()
    shown: list[int] = []
    for case in cases:
        grouped: dict[tuple[object, ...], list[FeedChild]] = {}
        for encompass_id in case.encompass_ids:
            for child in feed.get(encompass_id, []):
                grouped.setdefault(_same_child(child), []).append(child)
        case.children = []
        for records in grouped.values():
            latest = records[-1]
            case.children.append(
                HouseholdChild(
                    forename=latest.forename,
                    surname=latest.surname,
                    dob=latest.dob,
                    notifications=_merged(records),
                    record_ids=tuple(r.id for r in records),
                )
            )
            for record in records:
                if record.id not in audited:
                    audited.add(record.id)
                    shown.append(record.id)
        case.children.sort(key=lambda c: (c.surname.casefold(), c.forename.casefold()))
        case.open_actions = [a for r in case.referrals for a in actions.get(str(r.pk), [])]
    # One audit row per child record shown, appended under one lock for the board.
    audit.record_views(actor=actor, record_type=ENCOMPASS_CHILD, record_ids=shown)


def _merged(records: list[FeedChild]) -> tuple[PupilNotification, ...]:
    seen: list[PupilNotification] = []
    for record in records:
        for note in record.notifications:
            if note not in seen:
                seen.append(note)
    return tuple(sorted(seen, key=lambda n: n.incident_on, reverse=True))


def board_record(day: date) -> Board | None:
    return Board.objects.filter(day=day).prefetch_related("attendees").first()


def incidents_for(actor: Any) -> QuerySet[Incident]:
    return policies.incidents_visible(actor, Incident.objects.all())


ADULT = "domestic_abuse.adult"


def adult_for(*, actor: Any, pk: int | str) -> Adult | None:
    """An adult record of an incident this person may see; None otherwise (the caller refuses)."""
    return (
        Adult.objects.filter(pk=pk, incident__in=incidents_for(actor))
        .select_related("incident")
        .first()
    )


def linked_records(*, actor: Any, adult: Adult) -> list[Adult]:
    """The same person's records in the other incidents this person may see, each read audited.

    An adult's details are personal data under the same audit as a child's (issue 12), so the
    incident page's "also recorded as" list is a read of each record it shows.
    """
    found = list(
        Adult.objects.filter(person_key=adult.person_key, incident__in=incidents_for(actor))
        .exclude(pk=adult.pk)
        .select_related("incident")
        .order_by("-incident__occurred_at")
    )
    audit.record_views(actor=actor, record_type=ADULT, record_ids=[other.pk for other in found])
    return found


def adult_changes(incident: Incident) -> list[Any]:
    """The resends that changed the incident's victim or perpetrator, newest first, each with
    the adults as they were (dates of birth in words). The caller has audited the incident's
    read; these are part of it."""
    from datetime import date as _date

    found = list(incident.adult_changes.all())
    for change in found:
        for adult in change.before:
            if adult.get("dob"):
                born = _date.fromisoformat(adult["dob"])
                adult["dob"] = f"{born.day} {born:%B %Y}"
    return found
