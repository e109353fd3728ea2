"""Domestic abuse's part of the annual report (``core.report_tables``, section
"domestic_abuse"): the DRAMM's volumes and decisions and MARAC's referrals, year on year.

Counts only. No other module may read domestic abuse records (pyproject's import contracts),
so this file lives here and hands the report finished tables. The module has no list page for
a year's cases (the board is a day's, a MARAC list a meeting's), so the figures carry no links.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db.models import Count

from safeguard.core import report_tables
from safeguard.core.report_tables import Table, Year, year_table
from safeguard.domestic_abuse.models import (
    Board,
    Decision,
    Incident,
    Outcome,
    Referral,
    ReferralSource,
)


def _in(year: Year, field: str) -> dict[str, object]:
    return {f"{field}__gte": year.start, f"{field}__lte": year.end - timedelta(days=1)}


def domestic_abuse_tables(years: Sequence[Year]) -> list[Table]:
    triaged, boards, marac, outcomes, sources, repeats = [], [], [], [], [], []
    for year in years:
        triaged.append(Incident.objects.filter(**_in(year, "board_day")).count())
        boards.append(Board.objects.filter(closed_at__isnull=False, **_in(year, "day")).count())
        decided = dict(
            Decision.objects.filter(**_in(year, "board__day"))
            .values_list("outcome")
            .annotate(n=Count("pk"))
            .order_by()
        )
        outcomes.append(decided)
        referred = Referral.objects.filter(**_in(year, "referred_on"))
        marac.append(referred.count())
        sources.append(dict(referred.values_list("source").annotate(n=Count("pk")).order_by()))
        repeats.append(referred.filter(repeat=True).count())
    return [
        year_table(
            key="dramm_volumes",
            caption="Daily Risk Assessment Management Meeting (DRAMM): cases and decisions",
            first_heading="",
            years=years,
            rows=[
                ("DRAMM meetings held", boards),
                ("Incidents triaged", triaged),
                *(
                    (f"Decided: {label}", [o.get(value, 0) for o in outcomes])
                    for value, label in Outcome.choices
                ),
            ],
        ),
        year_table(
            key="marac_volumes",
            caption="MARAC referrals",
            first_heading="",
            years=years,
            rows=[
                ("Referrals to MARAC", marac),
                *(
                    (
                        f"Referred by {label[0].lower()}{label[1:]}",
                        [s.get(value, 0) for s in sources],
                    )
                    for value, label in ReferralSource.choices
                ),
                ("Repeat referrals", repeats),
            ],
        ),
    ]


def register() -> None:
    report_tables.register(
        section="domestic_abuse", module="domestic_abuse", build=domestic_abuse_tables
    )
