"""The indicators the census computes, by key, and which return each is counted from.

A catalogue indicator carries one of these keys (``Indicator.census_key``) when its definition is
the record-level one; an import then feeds it only if the return it needs came in that import,
so a CIN census alone never writes a zero for children looked after.
"""

from __future__ import annotations

from safeguard.performance.census.indicators import AGE_BANDS

CIN, SSDA903 = "cin", "ssda903"

COUNT, PERCENTAGE, RATE = "count", "percentage", "rate_per_10000"

# key -> (name, the return it is counted from, the unit of its value)
KEYS: dict[str, tuple[str, str, str]] = {
    "cp_plans_at_end": ("Children on a child protection plan", CIN, COUNT),
    "cp_plans_rate": ("Children on a child protection plan per 10,000", CIN, RATE),
    **{
        f"cp_age_{band.replace(' ', '_')}": (f"Children on a plan aged {band}", CIN, PERCENTAGE)
        for band in AGE_BANDS
    },
    "icpc_within_15_days": ("Initial conferences within 15 working days", CIN, PERCENTAGE),
    "cp_reviews_on_time": ("Child protection plan reviews on time", CIN, PERCENTAGE),
    "re_referrals_12_months": ("Re-referrals within 12 months", CIN, PERCENTAGE),
    "plans_lasting_2_years": ("Plans ending that lasted 2 years or more", CIN, PERCENTAGE),
    "cp_on_plan_2_years_at_end": (
        "Children on a plan at 31 March for 2 years or more",
        CIN,
        PERCENTAGE,
    ),
    "re_referred_after_plan": (
        "Re-referred within 12 months of a plan ending (plans ended 12 to 24 months before)",
        CIN,
        PERCENTAGE,
    ),
    "second_or_subsequent_plans": ("Second or subsequent plans", CIN, PERCENTAGE),
    "cla_at_end": ("Children looked after", SSDA903, COUNT),
    "cla_rate": ("Children looked after per 10,000", SSDA903, RATE),
    "cla_health_assessments": (
        "Health assessments of children looked after 12 months",
        SSDA903,
        PERCENTAGE,
    ),
    "cla_dental_checks": ("Dental checks of children looked after 12 months", SSDA903, PERCENTAGE),
}


def unit_of(key: str) -> str:
    return KEYS[key][2]


def choices() -> list[tuple[str, str]]:
    """For the catalogue form: no definition, then every key with its name."""
    return [("", "None: values come by return"), *((k, v[0]) for k, v in KEYS.items())]
