"""The scorecard's measures of child death reviews, counted from this module's records (ADR 0014).

Counts only: no death is identifiable from a figure, and the scorecard never reads a death's
record (the module's selectors, which audit every read, stay the only way to a death). The
numbers are small, so the measures are offered by quarter and by year only, never by month;
the scorecard is the PMSG's, not a publication (counts leaving for the public go through
``rules.suppressed``). A period that ended before the first death was notified is a gap, as is
a percentage of nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Min

from safeguard.child_deaths import rules
from safeguard.child_deaths.models import Death, JointAgencyResponse, Review
from safeguard.core.clock import london_date, start_of_day
from safeguard.core.measures import Measure, register

# The analysis's first band of time from death to completed review ("Within 6 months", 183 days,
# selectors/analysis.py). The guidance sets no fixed time for a review that was found
# (docs/child-deaths.md), so this is the partnership's measure of a timely review.
TIMELY_REVIEW_DAYS = 183
FREQUENCIES = ("quarterly", "annual")


def first_day() -> date | None:
    """The day the first death was notified: the module was not in use before it."""
    first = Death.objects.aggregate(first=Min("created_at"))["first"]
    return None if first is None else london_date(first)


def _in_use(end: date) -> bool:
    first = first_day()
    return first is not None and first < end


def _percent(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def deaths_notified(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    window = {"created_at__gte": start_of_day(start), "created_at__lt": start_of_day(end)}
    return Decimal(Death.objects.filter(**window).count())


def _completed(start: date, end: date) -> dict[str, object]:
    return {"completed_at__gte": start_of_day(start), "completed_at__lt": start_of_day(end)}


def reviews_completed(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    return Decimal(Review.objects.filter(**_completed(start, end)).count())


def reviews_timely(start: date, end: date) -> Decimal | None:
    """One query for the period's completed reviews' two dates; the days as the analysis
    counts them (London dates)."""
    if not _in_use(end):
        return None
    pairs = Review.objects.filter(**_completed(start, end)).values_list(
        "death__died_at", "completed_at"
    )
    days = [
        rules.days_between(london_date(died), london_date(done))
        for died, done in pairs
        if done is not None  # the filter keeps completed reviews only; this tells mypy
    ]
    return _percent(sum(1 for d in days if d <= TIMELY_REVIEW_DAYS), len(days))


def home_visits_timely(start: date, end: date) -> Decimal | None:
    """Of the Joint Agency Responses started in the period, the share whose SUDIC home visit
    came within ``rules.HOME_VISIT_HOURS`` of the start (a visit not recorded is not in time)."""
    if not _in_use(end):
        return None
    pairs = JointAgencyResponse.objects.filter(
        started_at__gte=start_of_day(start), started_at__lt=start_of_day(end)
    ).values_list("started_at", "home_visit_at")
    timely = sum(
        1
        for started, visited in pairs
        if visited is not None and visited <= rules.due_after_hours(started, rules.HOME_VISIT_HOURS)
    )
    return _percent(timely, len(pairs))


MEASURES = (
    Measure(
        key="child_deaths.deaths_notified",
        name="Child deaths notified",
        definition="Deaths of children notified to the Child Death Overview Panel in the "
        "period, counted once however many agencies notified each. By quarter or year only: "
        "the numbers are small.",
        unit="count",
        polarity="neither",
        theme="other",
        count=deaths_notified,
        frequencies=FREQUENCIES,
        first_day=first_day,
    ),
    Measure(
        key="child_deaths.reviews_completed",
        name="Child death reviews completed",
        definition="Reviews completed by the Child Death Overview Panel (or its neonatal panel) "
        "in the period, counted by the date the review was recorded as complete.",
        unit="count",
        polarity="neither",
        theme="other",
        count=reviews_completed,
        frequencies=FREQUENCIES,
        first_day=first_day,
    ),
    Measure(
        key="child_deaths.reviews_within_6_months",
        name="Child death reviews completed within 6 months",
        definition="Of the reviews completed in the period, the percentage completed within 6 "
        f"months ({TIMELY_REVIEW_DAYS} days) of the death. The Child Death Review Statutory "
        "and Operational Guidance sets no fixed time for the review that was found "
        "(docs/child-deaths.md); 6 months is the first band of the module's analysis of time "
        "from death to review, and the partnership's measure of a timely review.",
        unit="percentage",
        polarity="up",
        theme="other",
        count=reviews_timely,
        frequencies=FREQUENCIES,
        numerator="Reviews completed within 6 months of the death",
        denominator="Reviews completed in the period",
        first_day=first_day,
    ),
    Measure(
        key="child_deaths.home_visits_within_48_hours",
        name="SUDIC home visits within 48 hours",
        definition="Of the Joint Agency Responses started in the period, the percentage whose "
        f"SUDIC home visit took place within {rules.HOME_VISIT_HOURS} hours of the start (the "
        "annual report: usually within 48 hours). A response with no visit recorded counts as "
        "not within 48 hours.",
        unit="percentage",
        polarity="up",
        theme="other",
        count=home_visits_timely,
        frequencies=FREQUENCIES,
        numerator="Home visits within 48 hours of the start of the response",
        denominator="Joint Agency Responses started in the period",
        first_day=first_day,
    ),
)


def register_measures() -> None:
    for measure in MEASURES:
        register(measure)


register_measures()  # when the app loads (apps.py imports this module)
