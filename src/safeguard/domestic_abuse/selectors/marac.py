"""MARAC meetings and their lists, built from the referrals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet

from safeguard.core import audit, holidays
from safeguard.core.measures import Population
from safeguard.domestic_abuse import measures, policies, rules
from safeguard.domestic_abuse.models import MaracMeeting, Referral, held_between, held_on_day
from safeguard.domestic_abuse.services.marac import REFERRAL, marac_anchor


def upcoming_meetings(*, start: date, weeks: int = 8) -> list[date]:
    end = date.fromordinal(start.toordinal() + weeks * 7)
    return rules.marac_dates(marac_anchor(), start, end, holidays.calendar())


def meetings_with_referrals() -> QuerySet[MaracMeeting]:
    """Meetings newest first, each with its governance meeting and ``referral_count``."""
    return (
        MaracMeeting.objects.select_related("sitting")
        .annotate(referral_count=Count("referrals"))
        .order_by("-sitting__starts_at", "-pk")
    )


def meeting_on(day: date) -> MaracMeeting | None:
    """The MARAC meeting held on ``day`` (its governance meeting's date), if any."""
    return (
        MaracMeeting.objects.select_related("sitting")
        .filter(held_on_day(day))
        .order_by("pk")
        .first()
    )


def meeting_list(*, actor: Any, held_on: date) -> list[Referral]:
    """The referrals heard at the meeting: the MARAC's list, each read audited."""
    rows = list(
        policies.referrals_visible(
            actor,
            Referral.objects.filter(held_on_day(held_on, prefix="meeting__"))
            .select_related("incident", "referred_by", "meeting__sitting")
            .prefetch_related("incident__adults", "research"),
        )
    )
    audit.record_views(actor=actor, record_type=REFERRAL, record_ids=[row.pk for row in rows])
    return rows


def referral_for(*, actor: Any, pk: int) -> Referral | None:
    return (
        policies.referrals_visible(actor, Referral.objects.all())
        .select_related("incident", "meeting__sitting", "referred_by")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class Measures:
    start: date
    end: date
    cases: int
    repeats: int
    repeat_rate: float | None
    per_10k_women: Decimal | None
    adult_women: Population | None


def marac_measures(*, end: date) -> Measures:
    """The two SafeLives MARAC measures over the 12 months to ``end``: the repeat rate (repeat
    cases as a share of cases heard) and the volume of cases per 10,000 adult women, counted by
    the scorecard's own measure (``measures.marac_cases_per_10k_women``) with the same
    population, so the page and the scorecard cannot disagree."""
    start = rules.add_months(end, -12) + timedelta(days=1)
    heard = Referral.objects.filter(
        held_between(start, end + timedelta(days=1), prefix="meeting__")
    )
    cases = heard.count()
    repeats = heard.filter(repeat=True).count()
    after = end + timedelta(days=1)
    return Measures(
        start=start,
        end=end,
        cases=cases,
        repeats=repeats,
        repeat_rate=rules.repeat_rate(repeats, cases),
        per_10k_women=measures.marac_cases_per_10k_women(start, after),
        adult_women=measures.adult_women(),
    )
