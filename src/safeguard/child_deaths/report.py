"""Child deaths' part of the annual report (``core.report_tables``, section "child_deaths"):
deaths notified and reviews completed, completed reviews by category and by whether modifiable
factors were found, and deaths by the deprivation decile of the home area, year on year.

A death counts in the year it happened; a review in the year the panel completed it. Every
count is of children, so all are marked small numbers for the public version. The figures link
to the module's analysis page for the year, which opens only for CDOP's own members.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django.db.models import Count
from django.urls import reverse

from safeguard.child_deaths import policies, rules
from safeguard.child_deaths.models import Death, Review
from safeguard.core import report_tables
from safeguard.core.clock import LONDON
from safeguard.core.report_tables import Table, Year, year_table


def _between(year: Year, field: str) -> dict[str, datetime]:
    return {
        f"{field}__gte": datetime.combine(year.start, time(0), tzinfo=LONDON),
        f"{field}__lt": datetime.combine(year.end, time(0), tzinfo=LONDON),
    }


def _link(year: Year) -> str:
    return f"{reverse('child_deaths:analysis')}?year={year.start.year}"


def child_death_tables(years: Sequence[Year]) -> list[Table]:
    deaths, reviews, categories, conclusions, deciles = [], [], [], [], []
    for year in years:
        died = Death.objects.filter(**_between(year, "died_at"))
        done = Review.objects.filter(**_between(year, "completed_at"))
        deaths.append(died.count())
        reviews.append(done.count())
        categories.append(dict(done.values_list("category").annotate(n=Count("pk")).order_by()))
        conclusions.append(dict(done.values_list("conclusion").annotate(n=Count("pk")).order_by()))
        deciles.append(
            dict(died.values_list("deprivation_decile").annotate(n=Count("pk")).order_by())
        )

    def table(
        key: str, caption: str, first: str, rows: list[tuple[str, list[int]]], **kw: Any
    ) -> Table:
        return year_table(
            key=key, caption=caption, first_heading=first, years=years, rows=rows, link=_link, **kw
        )

    decile_rows = [
        (
            f"Decile {n}" + (" (most deprived)" if n == 1 else ""),
            [d.get(n, 0) for d in deciles],
        )
        for n in range(1, 11)
    ]
    decile_rows.append(("Not known", [d.get(None, 0) for d in deciles]))
    return [
        table(
            "cd_volumes",
            "Child deaths notified and reviews completed",
            "",
            [("Deaths of children", deaths), ("Reviews completed by CDOP", reviews)],
        ),
        table(
            "cd_categories",
            "Reviews completed by category of death",
            "Category",
            [(label, [c.get(code, 0) for c in categories]) for code, label in rules.CATEGORIES],
            total=True,
        ),
        table(
            "cd_modifiable",
            "Reviews completed: modifiable factors",
            "Panel's conclusion",
            [(label, [c.get(code, 0) for c in conclusions]) for code, label in rules.CONCLUSIONS],
            total=True,
        ),
        table(
            "cd_deprivation",
            "Deaths by deprivation decile of the home area",
            "Decile (1 is the most deprived tenth of England)",
            decile_rows,
            total=True,
            chart="stacked_bar",
        ),
    ]


def register() -> None:
    report_tables.register(
        section="child_deaths",
        module="child_deaths",
        build=child_death_tables,
        opens=policies.is_team,
    )
