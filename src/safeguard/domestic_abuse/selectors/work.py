"""The home page's domestic abuse work: today's undecided board cases for DRAMM members, and
the next MARAC's referrals still without the agency's research for MARAC members."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from safeguard.core import holidays
from safeguard.core.clock import london_date
from safeguard.core.work import WorkItem
from safeguard.domestic_abuse import policies
from safeguard.domestic_abuse.models import Decision, Referral, held_on_day, midnight
from safeguard.domestic_abuse.selectors.board import board_cases


def home_work(person: Any) -> list[WorkItem]:
    items: list[WorkItem] = []
    today = london_date(timezone.now())
    calendar = holidays.calendar()
    if policies.is_dramm_member(person):
        day = today if calendar.is_working_day(today) else calendar.next_working_day(today)
        cases = board_cases(day=day)
        decided = set(
            Decision.objects.filter(incident__in=[c.incident for c in cases]).values_list(
                "incident_id", flat=True
            )
        )
        items.append(
            WorkItem(
                "Cases on the DRAMM board without a decision",
                sum(1 for c in cases if c.incident.pk not in decided),
                reverse("domestic_abuse:board", kwargs={"day": day.isoformat()}),
            )
        )
    if policies.is_marac_member(person):
        next_start = (
            Referral.objects.filter(meeting__sitting__starts_at__gte=midnight(today))
            .order_by("meeting__sitting__starts_at")
            .values_list("meeting__sitting__starts_at", flat=True)
            .first()
        )
        if next_start is not None:
            upcoming = london_date(next_start)
            waiting = (
                Referral.objects.filter(held_on_day(upcoming, prefix="meeting__"))
                .exclude(research__organisation_id=person.organisation_id)
                .count()
            )
            items.append(
                WorkItem(
                    "Referrals for the next MARAC without your agency's research",
                    waiting,
                    reverse("domestic_abuse:marac_meeting", kwargs={"day": upcoming.isoformat()}),
                )
            )
    return items
