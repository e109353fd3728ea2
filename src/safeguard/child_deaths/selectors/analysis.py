"""The analysis the national database and the partnership's annual report ask for: deaths and
completed reviews by category, age group, expected or unexpected, deprivation decile, ethnicity
and time from death to review. The team sees exact counts; anything meant to leave the module
(the CSV for publication) has counts of 1 to 4 suppressed (``rules.suppressed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from safeguard.child_deaths import policies, rules
from safeguard.child_deaths.models import Death, Ethnicity, Review
from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models.audit import AuditAction

REVIEW_TIME_BANDS: tuple[tuple[str, int | None], ...] = (
    ("Within 6 months", 183),
    ("6 to 12 months", 365),
    ("More than 12 months", None),
)


@dataclass(frozen=True)
class Row:
    label: str
    deaths: int
    reviews: int


@dataclass(frozen=True)
class Table:
    code: str
    title: str
    rows: tuple[Row, ...]


def _band(days: int) -> str:
    for label, limit in REVIEW_TIME_BANDS:
        if limit is None or days <= limit:
            return label
    return REVIEW_TIME_BANDS[-1][0]


NOT_RECORDED = "Not recorded (reviewed before the question was asked)"
NOT_REVIEWED = "Not yet reviewed"


def _panel_answer(review: Review | None, field: str) -> str:
    """The panel's answer at its completed review; the questions came with April 2021's forms,
    so a review completed before Safeguard asked them has none."""
    if review is None or review.completed_at is None:
        return NOT_REVIEWED
    answer = getattr(review, field)
    return rules.ANSWER_LABELS[answer] if answer else NOT_RECORDED


def analysis(*, actor: Any, start: date, end: date) -> list[Table]:
    """The tables for deaths between ``start`` and ``end`` (London dates, inclusive)."""
    if not policies.is_team(actor):
        return []
    audit.record(
        action=AuditAction.VIEW,
        record_type="child_deaths.analysis",
        actor=actor,
        detail=f"{start.isoformat()} to {end.isoformat()}",
    )
    deaths = [
        d for d in Death.objects.all().order_by("pk") if start <= london_date(d.died_at) <= end
    ]
    reviews = {
        r.death_id: r
        for r in Review.objects.filter(
            death_id__in=[d.pk for d in deaths], completed_at__isnull=False
        )
    }
    keys: dict[str, list[tuple[str, bool]]] = {
        "category": [],
        "age_group": [],
        "expected": [],
        "decile": [],
        "ethnicity": [],
        "review_time": [],
        "stillbirth": [],
        "poverty": [],
        "barriers": [],
        "barrier_kinds": [],
    }
    for death in deaths:
        review = reviews.get(death.pk)
        done = review is not None
        died_on = london_date(death.died_at)
        keys["category"].append(
            (rules.CATEGORY_LABELS[review.category] if review else "Not yet reviewed", done)
        )
        keys["age_group"].append(
            (rules.AGE_GROUP_LABELS[rules.age_group(death.born_on, died_on)], done)
        )
        keys["expected"].append(("Expected" if death.expected else "Unexpected", done))
        decile = death.deprivation_decile
        keys["decile"].append(
            (
                f"Decile {decile}" + (" (most deprived)" if decile == 1 else "")
                if decile
                else "Not known",
                done,
            )
        )
        keys["ethnicity"].append((str(Ethnicity(death.ethnicity).label), done))
        if review is not None and review.completed_at is not None:
            days = rules.days_between(died_on, london_date(review.completed_at))
            keys["review_time"].append((_band(days), True))
        keys["stillbirth"].append((rules.ANSWER_LABELS[death.suspected_home_stillbirth], done))
        keys["poverty"].append((_panel_answer(review, "poverty"), done))
        keys["barriers"].append((_panel_answer(review, "barriers"), done))
        if review is not None and review.barriers == rules.YES:
            for kind in review.barrier_kinds:
                keys["barrier_kinds"].append((rules.BARRIER_LABELS[kind], True))
    orders: dict[str, list[str]] = {
        "category": [label for _, label in rules.CATEGORIES] + ["Not yet reviewed"],
        "age_group": [label for _, label in rules.AGE_GROUPS],
        "expected": ["Expected", "Unexpected"],
        "decile": [f"Decile {n}" + (" (most deprived)" if n == 1 else "") for n in range(1, 11)]
        + ["Not known"],
        "ethnicity": [str(label) for _, label in Ethnicity.choices],
        "review_time": [label for label, _ in REVIEW_TIME_BANDS],
        "stillbirth": [label for _, label in rules.ANSWERS],
        "poverty": [label for _, label in rules.ANSWERS] + [NOT_RECORDED, NOT_REVIEWED],
        "barriers": [label for _, label in rules.ANSWERS] + [NOT_RECORDED, NOT_REVIEWED],
        "barrier_kinds": [label for _, label in rules.BARRIER_KINDS],
    }
    titles = {
        "category": "Category of death",
        "age_group": "Age at death",
        "expected": "Expected or unexpected",
        "decile": "Deprivation decile of the home area",
        "ethnicity": "Ethnicity",
        "review_time": "Time from death to completed review",
        "stillbirth": "Suspected stillbirth at home",
        "poverty": "Lived in poverty or deprivation (the panel's answer)",
        "barriers": "Family met barriers to accessing services (the panel's answer)",
        "barrier_kinds": "Barriers the family met, by kind (a death may count under several)",
    }
    tables = []
    for code, found in keys.items():
        rows = tuple(
            Row(
                label,
                sum(1 for k, _ in found if k == label),
                sum(1 for k, done in found if k == label and done),
            )
            for label in orders[code]
        )
        tables.append(Table(code, titles[code], rows))
    return tables


def totals(tables: list[Table]) -> tuple[int, int]:
    if not tables:
        return 0, 0
    first = tables[0]
    return sum(r.deaths for r in first.rows), sum(r.reviews for r in first.rows)
