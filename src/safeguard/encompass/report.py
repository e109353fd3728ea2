"""Operation Encompass's part of the annual report (``core.report_tables``, section
"encompass"): notifications to schools and their timeliness, year on year, for the whole area.

The figures are the oversight page's (``selectors.oversight.figures``) for each financial year;
each links to that page for the year. A police officer's oversight page shows their own force
only, so the links are offered to those who see the whole area.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.urls import reverse

from safeguard.core import report_tables
from safeguard.core.clock import LONDON
from safeguard.core.report_tables import Table, Year, year_table
from safeguard.encompass import policies
from safeguard.encompass.selectors import oversight


def _link(year: Year) -> str:
    last = year.end - timedelta(days=1)
    return f"{reverse('encompass:oversight')}?start={year.start:%d/%m/%Y}&end={last:%d/%m/%Y}"


def _whole_area(actor: Any) -> bool:
    return policies.can(actor, policies.Cap.VIEW_OVERSIGHT) and (
        policies.is_coordinator(actor) or not policies.is_police(actor)
    )


def encompass_tables(years: Sequence[Year]) -> list[Table]:
    found = [
        oversight.figures(
            None,  # the whole area: no police force's own view
            start=datetime.combine(year.start, time(0), tzinfo=LONDON),
            end=datetime.combine(year.end, time(0), tzinfo=LONDON),
        )
        for year in years
    ]
    hours = [
        None
        if f.median_minutes is None
        else Decimal(f.median_minutes / 60).quantize(Decimal("0.1"))
        for f in found
    ]
    on_time = [
        None
        if not f.notifications
        else Decimal(100 * f.on_time / f.notifications).quantize(Decimal("1"))
        for f in found
    ]
    return [
        year_table(
            key="encompass_volumes",
            caption="Operation Encompass: incidents and notifications to schools",
            first_heading="",
            years=years,
            rows=[
                (
                    "Domestic abuse incidents with children, notified by police",
                    [f.incidents for f in found],
                ),
                ("Children in those incidents", [f.children for f in found]),
                ("Notifications to schools", [f.notifications for f in found]),
                (
                    "Acknowledged by the school",
                    [sum(s.acknowledged for s in f.by_school) for f in found],
                ),
                ("Forwarded to another partnership", [f.forwards for f in found]),
            ],
            link=_link,
        ),
        _with_counts(
            year_table(
                key="encompass_timeliness",
                caption="Operation Encompass: timeliness of notifications",
                first_heading="Measure",
                years=years,
                rows=[
                    ("Told before the start of the next school day (%)", on_time),
                    ("Median time from incident to the school being told (hours)", hours),
                ],
                link=_link,
                small_number=False,
                chart="",
            ),
            [(f.on_time, f.notifications) for f in found],
        ),
    ]


def _with_counts(table: Table, counts: list[tuple[int, int]]) -> Table:
    """The percentage row carries its counts, so the public version withholds a share made of
    a few notifications (ADR 0024) as it withholds the few themselves."""
    share, *rest = table.rows
    counted = (
        share[0],
        *(
            replace(cell, numerator=numerator, denominator=denominator)
            for cell, (numerator, denominator) in zip(share[1:], counts, strict=True)
        ),
    )
    return replace(table, rows=(counted, *rest))


def register() -> None:
    report_tables.register(
        section="encompass", module="encompass", build=encompass_tables, opens=_whole_area
    )
