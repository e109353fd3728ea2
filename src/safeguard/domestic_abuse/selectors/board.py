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

INCIDENT = "domestic_abuse.incident"


@dataclass(frozen=True)
class HistoryRow:
    incident_id: int
    occurred_on: date
    organisation: str
    source: str


@dataclass
class BoardCase:
    incident: Incident
    findings: list[rules.Finding]
    dash: Dash | None
    earlier_incidents: list[HistoryRow] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)

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
        .prefetch_related("adults", Prefetch("dashes", queryset=Dash.objects.order_by("-version")))
        .order_by("received_at", "pk")
    )
    keys = {i.victim_key for i in incidents if i.victim_key is not None}
    history: dict[int, list[Any]] = defaultdict(list)
    for row in (
        Incident.objects.filter(victim_key__in=keys)
        .select_related("organisation")
        .only("pk", "occurred_at", "victim_key", "perpetrator_key", "source", "organisation__name")
    ):
        history[row.victim_key].append(row)  # type: ignore[index]
    referrals: dict[int, list[Referral]] = defaultdict(list)
    for referral in Referral.objects.filter(victim_key__in=keys).select_related("meeting"):
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
        cases.append(BoardCase(incident, findings, dash, earlier, theirs))
        if audit_actor is not None:
            audit.record_view(actor=audit_actor, record_type=INCIDENT, record_id=incident.pk)
    return cases


def board_for(*, actor: Any, day: date) -> list[BoardCase]:
    if not policies.is_dramm_member(actor):
        return []
    return board_cases(day=day, audit_actor=actor)


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
    for other in found:
        audit.record_view(actor=actor, record_type=ADULT, record_id=other.pk)
    return found
