"""The scorecard's measures of serious incidents and Rapid Reviews, counted from this module's
records (ADR 0014): referrals submitted, and Rapid Reviews submitted within 15 working days of
the notification to the Panel (``RapidReview.due_on`` is that day, ``rules.rapid_review_due``).

Counts only, one aggregate query each; by quarter or year, the numbers being small. A period
that ended before the first referral is a gap, as is a percentage of no Rapid Reviews.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Min, Q

from safeguard.core.clock import london_date, start_of_day
from safeguard.core.measures import Measure, register
from safeguard.reviews.models import Incident, RapidReview

FREQUENCIES = ("quarterly", "annual")


def first_day() -> date | None:
    """The day the first referral was submitted: the module was not in use before it."""
    first = Incident.objects.aggregate(first=Min("submitted_at"))["first"]
    return None if first is None else london_date(first)


def _in_use(end: date) -> bool:
    first = first_day()
    return first is not None and first < end


def referrals(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    return Decimal(
        Incident.objects.filter(
            submitted_at__gte=start_of_day(start), submitted_at__lt=start_of_day(end)
        ).count()
    )


def rapid_reviews_on_time(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    found = RapidReview.objects.filter(submitted_on__gte=start, submitted_on__lt=end).aggregate(
        all=Count("pk"), on_time=Count("pk", filter=Q(submitted_on__lte=F("due_on")))
    )
    if not found["all"]:
        return None
    return (Decimal(100) * found["on_time"] / found["all"]).quantize(Decimal("0.1"))


MEASURES = (
    Measure(
        key="reviews.referrals",
        name="Serious incident referrals",
        definition="Possible serious child safeguarding incidents referred to the Review "
        "Advisory Group in the period, by any agency (counted when submitted).",
        unit="count",
        polarity="neither",
        theme="child_protection",
        count=referrals,
        frequencies=FREQUENCIES,
        first_day=first_day,
    ),
    Measure(
        key="reviews.rapid_reviews_on_time",
        name="Rapid Reviews within 15 working days",
        definition="Of the Rapid Reviews submitted to the Child Safeguarding Practice Review "
        "Panel in the period, the percentage submitted within 15 working days of the "
        "notification to the Panel (Working Together to Safeguard Children 2023).",
        unit="percentage",
        polarity="up",
        theme="child_protection",
        count=rapid_reviews_on_time,
        frequencies=FREQUENCIES,
        numerator="Rapid Reviews submitted by their due day",
        denominator="Rapid Reviews submitted in the period",
        first_day=first_day,
    ),
)


def register_measures() -> None:
    for measure in MEASURES:
        register(measure)


register_measures()  # when the app loads (apps.py imports this module)
