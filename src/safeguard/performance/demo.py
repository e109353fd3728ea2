"""The demo partnership's scorecard: the indicators the annual report uses, with synthetic values.

Every number is invented from the seed (``random.Random`` seeded per indicator, so adding an
indicator does not change the others' values); none is a real area's. The shapes are chosen so
the demo shows what the early warning does: ICPC timeliness dips and recovers, re-referrals fall
steadily (special cause improvement), second plans shift upwards and dental checks fall below
their lower limit (special cause concerns, each with an open exception), restraints spike once.
Two returns (restraints at the main site, and the LA's health assessments, which the data team
imports) are left missing for the latest month, so returns are due; their clocks are opened the
morning after the month ended, as the worker would have. Each value was submitted a few working
days after its period ended, and the early warning's exceptions opened when the latest came in
(the demo's clock, ``demo.clock_at``, back-dates what the services write).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.core import audit, holidays
from safeguard.core.clock import LONDON, london_date, start_of_day
from safeguard.core.demo import clock_at
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.organisations import OrganisationKind
from safeguard.performance import periods
from safeguard.performance.models import (
    Comparator,
    Indicator,
    IndicatorException,
    Observation,
    ObservationSource,
)
from safeguard.performance.selectors import submitters
from safeguard.performance.services.exceptions import exception_explain, exceptions_scan
from safeguard.performance.services.returns import returns_open_due

MONTHS = 36
CHILD_POPULATION = 166_000
Shape = Callable[[random.Random, int], list[float]]


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    theme: str
    unit: str
    polarity: str
    owner: str  # an organisation kind
    shape: Shape
    definition: str = ""
    numerator: str = ""
    denominator: str = ""
    target: float | None = None
    frequency: str = "monthly"
    comparators: tuple[float, float, float] | None = None  # England, neighbours, region
    skip_latest: bool = False
    census_key: str = ""  # the record-level definition a census import feeds


def _steady(base: float, spread: float) -> Shape:
    return lambda rng, n: [rng.gauss(base, spread) for _ in range(n)]


def _trend(start: float, end: float, spread: float) -> Shape:
    return lambda rng, n: [
        start + (end - start) * i / max(n - 1, 1) + rng.gauss(0, spread) for i in range(n)
    ]


def _dip(base: float, spread: float, at: int, values: tuple[float, ...]) -> Shape:
    def shape(rng: random.Random, n: int) -> list[float]:
        series = [rng.gauss(base, spread) for _ in range(n)]
        for offset, value in enumerate(values):
            if 0 <= at + offset < n:
                series[at + offset] = value
        return series

    return shape


def _step(base: float, spread: float, steps_from_end: int, new_base: float) -> Shape:
    def shape(rng: random.Random, n: int) -> list[float]:
        cut = n - steps_from_end
        return [rng.gauss(base if i < cut else new_base, spread) for i in range(n)]

    return shape


def _last(shape: Shape, value: float) -> Shape:
    def shaped(rng: random.Random, n: int) -> list[float]:
        series = shape(rng, n)
        series[-1] = value
        return series

    return shaped


_LA, _POLICE, _SECURE, _BU = (
    OrganisationKind.LOCAL_AUTHORITY,
    OrganisationKind.POLICE,
    OrganisationKind.SECURE_SETTING,
    OrganisationKind.PARTNERSHIP,
)
_CP, _CLA = "child_protection", "children_looked_after"
# Monthly catalogue code -> census key. A census gives a figure for the year to 31 March, so it
# feeds an annual series of its own (``CENSUS_PLANS``, code ``<monthly code>-year``), never the
# monthly one (issue 11: one frequency and one source per series).
_CENSUS_OF_MONTHLY = {
    "cp-children": "cp_plans_at_end",
    "cp-rate": "cp_plans_rate",
    "cp-age-under-1": "cp_age_under_1",
    "cp-age-1-4": "cp_age_1_to_4",
    "cp-age-5-9": "cp_age_5_to_9",
    "cp-age-10-15": "cp_age_10_to_15",
    "cp-age-16-plus": "cp_age_16_and_over",
    "icpc-timely": "icpc_within_15_days",
    "rcpc-timely": "cp_reviews_on_time",
    "re-referrals": "re_referrals_12_months",
    "cp-two-years": "plans_lasting_2_years",
    "cp-second-plans": "second_or_subsequent_plans",
    "cla-children": "cla_at_end",
    "cla-rate": "cla_rate",
    "cla-health": "cla_health_assessments",
    "cla-dental": "cla_dental_checks",
}
_AGES: tuple[tuple[str, str, float], ...] = (
    ("under-1", "under 1", 8.0),
    ("1-4", "1 to 4", 24.0),
    ("5-9", "5 to 9", 30.0),
    ("10-15", "10 to 15", 32.5),
    ("16-plus", "16 and over", 5.5),
)

PLANS: tuple[Plan, ...] = (
    Plan(
        "cp-children",
        "Children on a child protection plan",
        _CP,
        "count",
        "neither",
        _LA,
        _steady(615, 12),
        "Children subject to a plan on the last day of the month",
        comparators=None,
    ),
    Plan(
        "cp-rate",
        "Children on a child protection plan, rate per 10,000",
        _CP,
        "rate_per_10000",
        "neither",
        _LA,
        _steady(37.0, 0.8),
        "Children on a plan per 10,000 children aged 0 to 17",
        "Children on a plan",
        "Child population aged 0 to 17",
        comparators=(41.0, 52.0, 44.5),
    ),
    *(
        Plan(
            f"cp-age-{key}",
            f"Children on a plan aged {label} (% of cohort)",
            _CP,
            "percentage",
            "neither",
            _LA,
            _steady(share, 0.9),
            f"Share of children on a plan who are aged {label}",
            f"Children on a plan aged {label}",
            "Children on a plan",
        )
        for key, label, share in _AGES
    ),
    Plan(
        "icpc-timely",
        "Initial child protection conferences within 15 working days",
        _CP,
        "percentage",
        "up",
        _LA,
        _dip(86, 3, 12, (52.0, 11.4, 38.0, 71.0, 87.5)),
        "ICPCs held within 15 working days of the strategy discussion",
        "ICPCs on time",
        "ICPCs held",
        target=85,
        comparators=(78.1, 80.2, 81.0),
    ),
    Plan(
        "rcpc-timely",
        "Review child protection conferences on time",
        _CP,
        "percentage",
        "up",
        _LA,
        _dip(93, 2, 13, (61.0, 88.0)),
        "Review conferences held within timescale",
        "Reviews on time",
        "Reviews held",
        target=95,
        comparators=(91.0, 90.0, 92.3),
    ),
    Plan(
        "re-referrals",
        "Re-referrals within 12 months of a previous referral",
        _CP,
        "percentage",
        "down",
        _LA,
        _trend(10.7, 5.9, 0.35),
        "Referrals within 12 months of a previous referral",
        "Re-referrals",
        "Referrals",
        target=8,
        comparators=(21.5, 22.0, 20.1),
    ),
    Plan(
        "cp-two-years",
        "Plans lasting two years or more",
        _CP,
        "percentage",
        "down",
        _LA,
        _steady(1.6, 0.3),
        "Plans ending in the month that had lasted two years or more",
        "Plans of two years or more ending",
        "Plans ending",
        target=4.3,
        comparators=(3.9, 4.3, 4.0),
    ),
    Plan(
        "cp-second-plans",
        "Second or subsequent child protection plans",
        _CP,
        "percentage",
        "down",
        _LA,
        _last(_step(19, 1.2, 7, 25), 28.5),
        "Plans starting in the month that are a child's second or later plan",
        "Second or subsequent plans",
        "Plans starting",
        target=22,
        comparators=(23.3, 24.1, 22.8),
    ),
    Plan(
        "cla-children",
        "Children looked after",
        _CLA,
        "count",
        "neither",
        _LA,
        _trend(1330, 1452, 9),
        "Children looked after on the last day of the month",
    ),
    Plan(
        "cla-rate",
        "Children looked after, rate per 10,000",
        _CLA,
        "rate_per_10000",
        "neither",
        _LA,
        _trend(80.1, 87.5, 0.6),
        "Children looked after per 10,000 children",
        "Children looked after",
        "Child population aged 0 to 17",
        comparators=(70.0, 94.0, 78.0),
    ),
    Plan(
        "cla-health",
        "Health assessments of children looked after on time",
        _CLA,
        "percentage",
        "up",
        _LA,
        _steady(89.3, 1.5),
        "Annual health assessments done on time",
        "Assessments on time",
        "Assessments due",
        target=90,
        comparators=(89.0, 90.0, 88.0),
        skip_latest=True,
    ),
    Plan(
        "cla-dental",
        "Dental checks of children looked after on time",
        _CLA,
        "percentage",
        "up",
        _LA,
        _last(_steady(79, 2.5), 58.2),
        "Dental checks done within the year",
        "Checks on time",
        "Children looked after for 12 months",
        target=80,
        comparators=(70.0, 72.0, 74.0),
    ),
    Plan(
        "restraints-main",
        "Restraints in the secure setting, main site",
        "secure_settings",
        "count",
        "down",
        _SECURE,
        _dip(74, 10, 29, (42.0, 58, 67, 90, 65, 105)),
        "Restraints of any level, planned and unplanned",
        skip_latest=True,
    ),
    Plan(
        "restraints-unit",
        "Restraints in the secure setting, specialist unit",
        "secure_settings",
        "count",
        "down",
        _SECURE,
        _dip(9, 2.5, 27, (29.0, 6, 8, 10, 22, 42)),
        "Restraints of any level, planned and unplanned",
    ),
    Plan(
        "exploitation-sexual",
        "Open child sexual exploitation cases",
        "exploitation",
        "count",
        "neither",
        _POLICE,
        _steady(46, 5),
        "Children discussed at MACE for sexual exploitation",
    ),
    Plan(
        "exploitation-criminal",
        "Open child criminal exploitation cases",
        "exploitation",
        "count",
        "neither",
        _POLICE,
        _trend(38, 55, 4),
        "Children discussed at MACE for criminal exploitation",
    ),
    Plan(
        "exploitation-high-risk",
        "Exploitation cases assessed as high risk",
        "exploitation",
        "count",
        "down",
        _POLICE,
        _steady(14, 3),
        "Open exploitation cases at high risk",
    ),
    Plan(
        "exploitation-medium-risk",
        "Exploitation cases assessed as medium risk",
        "exploitation",
        "count",
        "neither",
        _POLICE,
        _steady(31, 4),
        "Open exploitation cases at medium risk",
    ),
    Plan(
        "training-completion",
        "Multi-agency safeguarding training completed",
        "training",
        "percentage",
        "up",
        _BU,
        _trend(71, 84, 2.0),
        "Places booked on partnership courses that were completed",
        "Completed",
        "Booked",
        target=80,
        frequency="quarterly",
    ),
)


def _owner(kind: str) -> Organisation:
    found = Organisation.objects.filter(kind=kind, active=True).order_by("pk")
    if kind == OrganisationKind.SECURE_SETTING:
        found = found.order_by("-name")  # the YOI sorts after the children's home
    if kind == OrganisationKind.LOCAL_AUTHORITY:
        found = found.filter(statutory_partner=True) or found
    first = found.first()
    if first is not None:
        return first
    label = OrganisationKind(kind).label
    org, _ = Organisation.objects.get_or_create(name=f"Demo {label.lower()}", kind=kind)
    return org


def _clean(value: float, unit: str) -> Decimal:
    value = max(value, 0.0)
    if unit == "percentage":
        value = min(value, 100.0)
    if unit == "count":
        return Decimal(round(value))
    return Decimal(str(round(value, 1)))


NARRATIVES = (
    "Within the usual range for the partnership.",
    "A small movement; no change in practice behind it.",
    "Checked with the service manager: recording is up to date.",
    "Seasonal pattern, as in previous years.",
)


def _starts(latest: date, frequency: str, count: int) -> list[date]:
    found = [latest]
    while len(found) < count:
        found.append(periods.containing(found[-1] - timedelta(days=1), frequency))
    return list(reversed(found))


def _values(plan: Plan, seed: int, count: int) -> list[Decimal]:
    rng = random.Random(f"{seed}:{plan.code}")
    return [_clean(v, plan.unit) for v in plan.shape(rng, count)]


# The annual report's figures that only a census gives (no monthly return counts them): an
# annual series each, fed by the census import like the ones above.
_ANNUAL_ONLY: tuple[Plan, ...] = (
    Plan(
        "cp-unborn-year",
        "Children on a plan who are unborn at 31 March (census, year to 31 March)",
        _CP,
        "percentage",
        "neither",
        _LA,
        _steady(2.0, 0.4),
        "Unborn children with a child protection plan at 31 March, of all children on a plan",
        "Unborn children on a plan at 31 March",
        "Children on a plan at 31 March",
        frequency="annual",
        comparators=(2.1, 2.3, 2.0),
        census_key="cp_age_unborn",
    ),
    Plan(
        "cp-on-plan-two-years-year",
        "Children on a plan at 31 March for two years or more (census, year to 31 March)",
        _CP,
        "percentage",
        "down",
        _LA,
        _last(_steady(2.4, 0.6), 1.3),
        "Children on a child protection plan at 31 March whose plan had lasted two years or "
        "more (DfE CIN census definition), of all children on a plan at 31 March",
        "Children on a plan at 31 March for 2 years or more",
        "Children on a plan at 31 March",
        frequency="annual",
        comparators=(2.2, 2.6, 4.3),
        census_key="cp_on_plan_2_years_at_end",
    ),
    Plan(
        "re-referred-after-plan-year",
        "Re-referred 12 to 24 months after a plan ended (census, year to 31 March)",
        _CP,
        "percentage",
        "down",
        _LA,
        _last(_steady(7.0, 0.8), 5.9),
        "Children whose plan ended 12 to 24 months before 31 March who were referred again "
        "within 12 months of its end, of all those children",
        "Children re-referred within 12 months of the plan ending",
        "Children whose plan ended 12 to 24 months before 31 March",
        frequency="annual",
        comparators=(7.5, 8.0, 7.2),
        census_key="re_referred_after_plan",
    ),
)
CENSUS_KEYS = {f"{code}-year": key for code, key in _CENSUS_OF_MONTHLY.items()}
CENSUS_KEYS |= {plan.code: plan.census_key for plan in _ANNUAL_ONLY}
CENSUS_PLANS: tuple[Plan, ...] = (
    *(
        replace(
            plan,
            code=f"{plan.code}-year",
            name=f"{plan.name} (census, year to 31 March)",
            frequency="annual",
            skip_latest=False,
        )
        for plan in PLANS
        if plan.code in _CENSUS_OF_MONTHLY
    ),
    *_ANNUAL_ONLY,
)


def _submitted(rng: random.Random, start: date, frequency: str, now: datetime) -> datetime:
    """When a period's value came in: a few working days after the period ended, in office
    hours, and by the last working day before the present at the latest."""
    day = holidays.add_working_days(periods.period_end(start, frequency), rng.randint(2, 8))
    last = london_date(now) - timedelta(days=1)
    while not holidays.is_working_day(last):
        last -= timedelta(days=1)
    day = min(day, last)
    return datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=LONDON)


def add_demo_indicators(*, seed: int, today: date | None = None) -> int:
    """Create the demo indicators with 36 months of values; returns how many were created.

    Indicators whose code already exists are left alone, so a second run adds nothing.
    """
    now = timezone.now()
    day = today or london_date(now)
    created = 0
    with transaction.atomic():
        made: list[Indicator] = []
        for plan in (*PLANS, *CENSUS_PLANS):
            if Indicator.objects.filter(code=plan.code).exists():
                # a demo made before census imports: give it the record-level definitions
                Indicator.objects.filter(code=plan.code, census_key="").update(
                    census_key=CENSUS_KEYS.get(plan.code, "")
                )
                continue
            indicator = _create(plan, seed=seed, today=day, now=now)
            made.append(indicator)
            created += 1
        for indicator in made:
            latest = indicator.observations.order_by("-submitted_at").first()
            moment = latest.submitted_at if latest and latest.submitted_at else now
            with clock_at(moment):
                exception = exceptions_scan(indicator=indicator, now=moment)
            if exception is not None and exception.due_at < now:
                _explain_in_time(exception)
        if made:
            # The worker opens a return's clock once its month has ended without a value.
            last_month = periods.latest_ended(day, "monthly")
            next_morning = periods.period_end(last_month, "monthly") + timedelta(days=1)
            opened = min(start_of_day(next_morning) + timedelta(hours=7), now)
            with clock_at(opened):
                returns_open_due(now=opened)
    return created


EXPLANATION = (
    "The owner looked at the months behind the signal: a change in how cases were recorded "
    "explains most of it. An update will follow with the next value."
)


def _explain_in_time(exception: IndicatorException) -> None:
    """An exception opened long enough ago that its explanation was due before the demo's
    present was explained in time, by the owner organisation, the working day before it was
    due (the PMSG's meetings are governance's and come later in the demo: without one the
    explanation is due in 20 working days). The latest signals stay open, with their clock."""
    owner = next(iter(submitters(exception.owner_organisation_id)), None)
    if owner is None:
        return
    day = london_date(exception.due_at) - timedelta(days=1)
    while not holidays.is_working_day(day):
        day -= timedelta(days=1)
    moment = max(datetime.combine(day, time(11), tzinfo=LONDON), exception.opened_at)
    with clock_at(moment + timedelta(minutes=30)):
        exception_explain(actor=owner, exception=exception, explanation=EXPLANATION)


def _create(plan: Plan, *, seed: int, today: date, now: Any) -> Indicator:
    unit = plan.unit
    indicator = Indicator.objects.create(
        code=plan.code,
        name=plan.name,
        theme=plan.theme,
        definition=plan.definition,
        numerator=plan.numerator,
        denominator=plan.denominator,
        unit=unit,
        child_population=CHILD_POPULATION if unit == "rate_per_10000" else None,
        polarity=plan.polarity,
        frequency=plan.frequency,
        owner_organisation=_owner(plan.owner),
        target=None if plan.target is None else Decimal(str(plan.target)),
        census_key=CENSUS_KEYS.get(plan.code, ""),
    )
    count = MONTHS if plan.frequency == "monthly" else 12
    latest = periods.latest_ended(today, plan.frequency)
    starts = _starts(latest, plan.frequency, count)
    values = _values(plan, seed, count)
    rng = random.Random(f"{seed}:{plan.code}:narrative")
    rows = [
        Observation(
            indicator=indicator,
            period_start=start,
            value=value,
            narrative=rng.choice(NARRATIVES),
            source=ObservationSource.DEMO,
            submitted_at=_submitted(rng, start, plan.frequency, now),
        )
        for start, value in zip(starts, values, strict=True)
    ]
    if plan.skip_latest:
        rows = rows[:-1]
    Observation.objects.bulk_create(rows)
    if plan.comparators:
        year = latest.year - 1 if latest.month < 4 else latest.year
        for back in range(3):
            for kind, base in zip(
                ("england", "statistical_neighbours", "region"), plan.comparators, strict=True
            ):
                Comparator.objects.create(
                    indicator=indicator,
                    kind=kind,
                    year=year - 1 - back,
                    value=_clean(base * (1 - 0.02 * back), unit),
                    source=f"Synthetic demo figure in the style of DfE statistics {year - back}",
                )
    audit.record(
        action=AuditAction.CREATE,
        record_type="performance.indicator",
        record_id=indicator.pk,
        detail=f"demo indicator with {len(rows)} values",
    )
    return indicator


# Indicators counted from the demo's own records (ADR 0014): (code, measure key, frequency,
# owner kind, target). They are made without values; the worker's hourly count, replayed as the
# demo is set up (``core.demo._replay_worker``, after every module's records exist), fills them.
COUNTED: tuple[tuple[str, str, str, str, float | None], ...] = (
    ("counted-training-places", "training.places_booked", "monthly", _BU, None),
    ("counted-training-completion", "training.completion_rate", "quarterly", _BU, 80),
    ("counted-training-evaluations", "training.evaluations_returned", "monthly", _BU, 75),
    ("counted-training-practice", "training.practice_changed", "quarterly", _BU, None),
    ("counted-marac-referrals", "domestic_abuse.marac_referrals", "monthly", _POLICE, None),
    ("counted-dramm-front-door", "domestic_abuse.dramm_front_door_referrals", "monthly", _LA, None),
    ("counted-marac-repeats", "domestic_abuse.marac_repeat_rate", "quarterly", _POLICE, None),
    (
        "counted-marac-per-10k-women",
        "domestic_abuse.marac_cases_per_10k_women",
        "quarterly",
        _POLICE,
        None,
    ),
    (
        "counted-child-deaths",
        "child_deaths.deaths_notified",
        "quarterly",
        OrganisationKind.ICB,
        None,
    ),
    (
        "counted-cdop-timely",
        "child_deaths.reviews_within_6_months",
        "quarterly",
        OrganisationKind.ICB,
        None,
    ),
    ("counted-encompass-on-time", "encompass.notifications_on_time", "monthly", _POLICE, 95),
)


def add_demo_counted_indicators(*, seed: int) -> int:
    """Create the demo's indicators linked to measures (those registered); returns how many."""
    from safeguard.core import measures

    created = 0
    for code, key, frequency, owner, target in COUNTED:
        measure = measures.get(key)
        if measure is None or Indicator.objects.filter(code=code).exists():
            continue
        indicator = Indicator.objects.create(
            code=code,
            name=measure.name,
            theme=measure.theme,
            definition=measure.definition,
            numerator=measure.numerator,
            denominator=measure.denominator,
            unit=measure.unit,
            polarity=measure.polarity,
            frequency=frequency,
            owner_organisation=_owner(owner),
            target=None if target is None else Decimal(str(target)),
            measure_key=key,
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type="performance.indicator",
            record_id=indicator.pk,
            detail="demo indicator counted from Safeguard's records",
        )
        created += 1
    return created
