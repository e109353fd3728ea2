"""The oversight figures for a period: counts and shares only, no child identifiable.

Police users see their own force's incidents; the LA and the Business Unit see them all.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)

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
    """One school's (or one police force's) notifications in the period."""

    school: str
    notifications: int
    acknowledged: int
    escalated: int
    on_time: int = 0
    median_minutes: float | None = None

    @property
    def rate(self) -> float:
        return self.acknowledged / self.notifications if self.notifications else 0.0

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.notifications) if self.notifications else None

    @property
    def median_text(self) -> str:
        return rules.hours_and_minutes(self.median_minutes)


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
    by_force: list[SchoolRate] = field(default_factory=list)
    not_told: int = 0

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


# (school or force, incident to delivery, on time, acknowledged, escalated): worked out in SQL,
# so a year of notifications reads one interval and three flags each, not five timestamps (the
# annual report reads two years of them: 2.7 s on issue 18's load database before).
_Timing = tuple[str, timedelta | None, int, int, int]


def _minutes(delay: timedelta) -> float:
    return delay.total_seconds() / 60


def _rates(rows: list[_Timing]) -> list[SchoolRate]:
    """Per name (a school or a force): notifications, acknowledged, escalated, delivered
    before the school day, and the median time from incident to delivery."""
    grouped: dict[str, list[_Timing]] = {}
    for row in rows:
        grouped.setdefault(str(row[0]), []).append(row)
    found = []
    for name in sorted(grouped):
        notes = grouped[name]
        delays = [_minutes(delay) for _, delay, *_ in notes if delay is not None]
        found.append(
            SchoolRate(
                school=name,
                notifications=len(notes),
                acknowledged=sum(acked for *_, acked, _ in notes),
                escalated=sum(escalated for *_, escalated in notes),
                on_time=sum(on_time for _, _, on_time, *_ in notes),
                median_minutes=statistics.median(delays) if delays else None,
            )
        )
    return found


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _timing(notes: Any) -> list[tuple[str, str, timedelta | None, int, int, int]]:
    """Each notification's school, force, time to delivery and flags."""
    return list(
        notes.annotate(
            delay=ExpressionWrapper(
                F("told_at") - F("child__incident__occurred_at"), output_field=DurationField()
            ),
            on_time=_flag(Q(told_at__isnull=False, told_at__lte=F("school_due_at"))),
            acked=_flag(Q(acknowledged_at__isnull=False)),
            escalated=_flag(Q(escalated_at__isnull=False)),
        ).values_list(
            "school__name", "child__incident__force__name", "delay", "on_time", "acked", "escalated"
        )
    )


def figures(actor: Any, *, start: datetime, end: datetime) -> Figures:
    """The period's figures. "On time" and the time to notification count from when the
    message was delivered to the school (``told_at``), not when it was queued: a notification
    not yet delivered is not on time and has no time to notification."""
    incidents = Incident.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    if policies.is_police(actor) and not policies.is_coordinator(actor):
        incidents = incidents.filter(force_id=actor.organisation_id)
    children = IncidentChild.objects.filter(incident__in=incidents, withdrawn=False)
    notes = Notification.objects.filter(child__in=children)
    forwards = Forward.objects.filter(child__in=children)
    timing = _timing(notes)
    by_school = _rates([(school, d, on, ack, esc) for school, _, d, on, ack, esc in timing])
    by_force = _rates([(force, d, on, ack, esc) for _, force, d, on, ack, esc in timing])
    delays = sorted(_minutes(delay) for _, _, delay, *_ in timing if delay is not None)
    # One aggregate per table rather than a count per figure (14 queries were 4 times slower
    # on the load database of issue 18).
    counted = incidents.aggregate(
        incidents=Count("pk"),
        no_children_recorded=Count("pk", filter=Q(no_children_recorded=True)),
        presence_unknown=Count("pk", filter=Q(presence_unknown=True)),
    )
    counted |= children.aggregate(
        children=Count("pk"),
        unmatched=Count("pk", filter=Q(match_state=MatchState.NONE)),
        awaiting_review=Count("pk", filter=Q(match_state=MatchState.REVIEW)),
        manually_matched=Count("pk", filter=Q(match_state=MatchState.CONFIRMED)),
        no_date_of_birth=Count("pk", filter=Q(dob__isnull=True)),
    )
    counted |= notes.aggregate(
        holiday=Count("pk", filter=Q(out_of_school_time=True)),
        no_key_adult=Count("pk", filter=Q(no_key_adult=True)),
        calendar_gap=Count("pk", filter=Q(calendar_gap=True)),
    )
    counted |= forwards.aggregate(
        forwards=Count("pk"),
        forwards_on_time=Count("pk", filter=Q(sent_at__isnull=False, sent_at__lte=F("due_at"))),
        forwards_failed=Count("pk", filter=Q(state=ForwardState.FAILED)),
    )
    return Figures(
        start=start,
        end=end,
        notifications=len(timing),
        on_time=sum(on_time for _, _, _, on_time, _, _ in timing),
        median_minutes=statistics.median(delays) if delays else None,
        p95_minutes=_percentile(delays, 0.95),
        **counted,
        by_school=by_school,
        by_force=by_force,
        not_told=sum(1 for _, _, delay, *_ in timing if delay is None),
    )
