"""The oversight figures for a period: counts and shares only, no child identifiable.

Police users see their own force's incidents; the LA and the Business Unit see them all.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q

from safeguard.encompass import policies, rules
from safeguard.encompass.models import (
    Forward,
    ForwardState,
    Incident,
    IncidentChild,
    MatchState,
    Notification,
)


@dataclass(frozen=True)
class SchoolRate:
    school: str
    notifications: int
    acknowledged: int
    escalated: int

    @property
    def rate(self) -> float:
        return self.acknowledged / self.notifications if self.notifications else 0.0


@dataclass(frozen=True)
class Figures:
    start: datetime
    end: datetime
    incidents: int
    children: int
    notifications: int
    on_time: int
    median_minutes: float | None
    p95_minutes: float | None
    unmatched: int
    awaiting_review: int
    manually_matched: int
    holiday: int
    no_children_recorded: int
    presence_unknown: int
    no_date_of_birth: int
    no_key_adult: int
    calendar_gap: int
    forwards: int = 0
    forwards_on_time: int = 0
    forwards_failed: int = 0
    by_school: list[SchoolRate] = field(default_factory=list)

    @property
    def median_text(self) -> str:
        return rules.hours_and_minutes(self.median_minutes)

    @property
    def p95_text(self) -> str:
        return rules.hours_and_minutes(self.p95_minutes)

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.notifications if self.notifications else None

    @property
    def forwards_on_time_share(self) -> float | None:
        return self.forwards_on_time / self.forwards if self.forwards else None


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def figures(actor: Any, *, start: datetime, end: datetime) -> Figures:
    incidents = Incident.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    if policies.is_police(actor) and not policies.is_coordinator(actor):
        incidents = incidents.filter(force_id=actor.organisation_id)
    children = IncidentChild.objects.filter(incident__in=incidents, withdrawn=False)
    notes = Notification.objects.filter(child__in=children)
    forwards = Forward.objects.filter(child__in=children)
    delays = sorted(
        (created - occurred).total_seconds() / 60
        for created, occurred in notes.values_list("created_at", "child__incident__occurred_at")
    )
    by_school = [
        SchoolRate(row["school__name"], row["total"], row["acked"], row["escalated"])
        for row in notes.values("school__name")
        .annotate(
            total=Count("pk"),
            acked=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
        )
        .order_by("school__name")
    ]
    return Figures(
        start=start,
        end=end,
        incidents=incidents.count(),
        children=children.count(),
        notifications=notes.count(),
        on_time=sum(
            1 for created, due in notes.values_list("created_at", "school_due_at") if created <= due
        ),
        median_minutes=statistics.median(delays) if delays else None,
        p95_minutes=_percentile(delays, 0.95),
        unmatched=children.filter(match_state=MatchState.NONE).count(),
        awaiting_review=children.filter(match_state=MatchState.REVIEW).count(),
        manually_matched=children.filter(match_state=MatchState.CONFIRMED).count(),
        holiday=notes.filter(out_of_school_time=True).count(),
        no_children_recorded=incidents.filter(no_children_recorded=True).count(),
        presence_unknown=incidents.filter(presence_unknown=True).count(),
        no_date_of_birth=children.filter(dob__isnull=True).count(),
        no_key_adult=notes.filter(no_key_adult=True).count(),
        calendar_gap=notes.filter(calendar_gap=True).count(),
        forwards=forwards.count(),
        forwards_on_time=forwards.filter(sent_at__isnull=False, sent_at__lte=F("due_at")).count(),
        forwards_failed=forwards.filter(state=ForwardState.FAILED).count(),
        by_school=by_school,
    )
