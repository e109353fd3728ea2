"""The scorecard's measures of DRAMM and MARAC, counted from this module's records (ADR 0014).

Registered in the kernel (``safeguard.core.measures``) when the app loads; the scorecard links a
catalogue indicator to one by key and counts each period ``start <= day < end``. Each count is
one aggregate query: no adult or child is identifiable from it. A period that ended before the
module's first incident is a gap (None), as is a percentage of no referrals.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Min, Q

from safeguard.core.clock import london_date
from safeguard.core.measures import Measure, Population, register
from safeguard.domestic_abuse import rules
from safeguard.domestic_abuse.models import (
    AdultWomenPopulation,
    Decision,
    Incident,
    Outcome,
    Referral,
    held_between,
)

SAFELIVES_REPEAT = (
    "SafeLives, Definition of a 'repeat' at Marac (safelives.org.uk/definition-repeat-marac): "
    "any instance of abuse between the same victim and perpetrator(s) within 12 months of the "
    "last referral to Marac"
)


def first_day() -> date | None:
    """The day the first incident reached Safeguard: the module was not in use before it."""
    first = Incident.objects.aggregate(first=Min("received_at"))["first"]
    return None if first is None else london_date(first)


def _in_use(end: date) -> bool:
    first = first_day()
    return first is not None and first < end


def _percent(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def marac_referrals(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    return Decimal(Referral.objects.filter(referred_on__gte=start, referred_on__lt=end).count())


def marac_repeat_rate(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    found = Referral.objects.filter(referred_on__gte=start, referred_on__lt=end).aggregate(
        all=Count("pk"), repeats=Count("pk", filter=Q(repeat=True))
    )
    return _percent(found["repeats"], found["all"])


SAFELIVES_VOLUME = (
    "SafeLives, Marac cases: five year trend analysis (safelives.org.uk/research-policy-library/"
    "marac-cases-five-year-trend-analysis): the number of cases, including repeats, divided by "
    "the adult (16+) female population the Marac covers, times 10,000; SafeLives, Reviewing "
    "your Marac data (safelives.org.uk/resources-for-professionals/marac-resources/"
    "reviewing-your-marac-data): the expected level is 40 cases a year per 10,000 of the adult "
    "female population"
)


def adult_women() -> Population | None:
    """The area's women aged 16 and over, as the Business Unit last set them (None: not yet).
    The one figure both the scorecard and the MARAC page divide by."""
    latest = AdultWomenPopulation.objects.order_by("-set_at", "-pk").first()
    if latest is None:
        return None
    return Population(
        figure=latest.figure,
        described=f"women aged 16 and over ({latest.source}, {latest.year})",
    )


def marac_cases_heard(start: date, end: date) -> int:
    """Cases heard at the MARAC meetings held ``start <= day < end``, repeats included."""
    return Referral.objects.filter(held_between(start, end, prefix="meeting__")).count()


def marac_cases_per_10k_women(start: date, end: date) -> Decimal | None:
    """SafeLives's MARAC volume for the period: cases heard per 10,000 women aged 16 and over.
    A gap before the module was in use, and while the population has not been set."""
    population = adult_women()
    if population is None or not _in_use(end):
        return None
    rate = rules.volume_per_10k_women(marac_cases_heard(start, end), population.figure)
    return None if rate is None else Decimal(str(rate))


def dramm_cases_triaged(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    return Decimal(Decision.objects.filter(board__day__gte=start, board__day__lt=end).count())


def dramm_front_door_referrals(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    return Decimal(
        Decision.objects.filter(
            board__day__gte=start, board__day__lt=end, outcome=Outcome.FRONT_DOOR
        ).count()
    )


MEASURES = (
    Measure(
        key="domestic_abuse.marac_referrals",
        name="MARAC referrals",
        definition="Victims referred to the MARAC in the period, from the DRAMM or directly by an "
        "agency, counted by the date of referral (the volume SafeLives publishes for every "
        "MARAC).",
        unit="count",
        polarity="neither",
        theme="other",
        count=marac_referrals,
        first_day=first_day,
    ),
    Measure(
        key="domestic_abuse.marac_repeat_rate",
        name="MARAC repeat referrals",
        definition="Of the MARAC referrals made in the period, the percentage that were repeats: "
        f"the case was referred again within 12 months of its last referral ({SAFELIVES_REPEAT}). "
        "Whether a referral is a repeat is decided when it is made, by the module's rule "
        "(domestic_abuse.rules.is_marac_repeat). SafeLives expects 28% to 40%: a low rate can "
        "mean repeats are not being found.",
        unit="percentage",
        polarity="neither",
        theme="other",
        count=marac_repeat_rate,
        numerator="Repeat referrals in the period",
        denominator="All MARAC referrals in the period",
        first_day=first_day,
    ),
    Measure(
        key="domestic_abuse.marac_cases_per_10k_women",
        name="MARAC cases per 10,000 adult women",
        definition="Cases heard at the MARAC's meetings in the period (repeats included), per "
        "10,000 women aged 16 and over in the area, the population the Business Unit sets on the "
        f"MARAC page from the ONS mid-year estimates ({SAFELIVES_VOLUME}). SafeLives's expected "
        "level of 40 is for a year: about 10 a quarter. Too few cases can mean high-risk victims "
        "are not being referred.",
        unit="rate_per_10000_women",
        polarity="neither",
        theme="other",
        count=marac_cases_per_10k_women,
        frequencies=("quarterly", "annual"),
        numerator="Cases heard at the MARAC in the period, repeats included",
        denominator="Women aged 16 and over in the area (ONS mid-year estimate), per 10,000",
        first_day=first_day,
        population=adult_women,
    ),
    Measure(
        key="domestic_abuse.dramm_cases_triaged",
        name="Cases triaged at the DRAMM",
        definition="Cases decided at the Daily Risk Assessment Management Meeting, counted by "
        "the day of the board that decided them.",
        unit="count",
        polarity="neither",
        theme="other",
        count=dramm_cases_triaged,
        first_day=first_day,
    ),
    Measure(
        key="domestic_abuse.dramm_front_door_referrals",
        name="Cases the DRAMM referred to the Front Door",
        definition="Cases the DRAMM decided to refer to the Front Door (children's social care), "
        "counted by the day of the board. The DRAMM's aim is fewer inappropriate referrals to "
        "the Front Door, so fewer is better.",
        unit="count",
        polarity="down",
        theme="other",
        count=dramm_front_door_referrals,
        first_day=first_day,
    ),
)


def register_measures() -> None:
    for measure in MEASURES:
        register(measure)


register_measures()  # when the app loads (apps.py imports this module)
