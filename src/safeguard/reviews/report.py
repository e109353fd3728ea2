"""Serious incidents' part of the annual report (``core.report_tables``, section
"serious_incidents"): referrals by agency, notifications and decisions, Rapid Reviews by age
band, gender and harm, CSPRs, the Panel's agreement and timeliness, year on year.

The figures are the oversight table's (``selectors.oversight``), counted for each financial
year; each links to the oversight page for that year, which opens for those who may see it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.urls import reverse

from safeguard.core import report_tables
from safeguard.core.report_tables import Cell, Table, Year, year_table
from safeguard.reviews import policies
from safeguard.reviews.selectors.oversight import Oversight, oversight_between


def _link(year: Year) -> str:
    last = year.end - timedelta(days=1)
    return f"{reverse('reviews:oversight')}?start={year.start:%d/%m/%Y}&end={last:%d/%m/%Y}"


def _pairs(tables: list[Oversight], attribute: str) -> list[tuple[str, list[int]]]:
    """Rows of (label, count per year) from a list-of-pairs field of the oversight table."""
    labels: list[str] = []
    for table in tables:
        for label, _ in getattr(table, attribute):
            if label not in labels:
                labels.append(label)
    return [
        (label, [dict(getattr(table, attribute)).get(label, 0) for table in tables])
        for label in labels
    ]


def serious_incident_tables(years: Sequence[Year]) -> list[Table]:
    found = [oversight_between(y.start, y.end - timedelta(days=1)) for y in years]

    def table(
        key: str, caption: str, first: str, rows: list[tuple[str, list[int]]], **kw: object
    ) -> Table:
        return year_table(
            key=key,
            caption=caption,
            first_heading=first,
            years=years,
            rows=rows,
            link=_link,
            **kw,  # type: ignore[arg-type]
        )

    timeliness = []
    for label, attribute in (
        ("LA decisions within 5 working days", "decisions_on_time"),
        ("Rapid Reviews to the Panel within 15 working days", "rapid_reviews_on_time"),
        ("CSPRs published within 6 months", "csprs_on_time"),
    ):
        cells = [Cell(label)]
        for year, t in zip(years, found, strict=True):
            share = getattr(t, attribute)
            cells.append(Cell(share.met, _link(year), True))
            cells.append(Cell(share.total, _link(year), True))
        timeliness.append(tuple(cells))
    return [
        table(
            "si_referrals_by_agency",
            "Referrals to the Review Advisory Group by agency",
            "Referring agency",
            _pairs(found, "referrals_by_agency_type"),
            total=True,
        ),
        table(
            "si_decisions",
            "Notifications to the National Panel and decisions",
            "",
            [
                ("Referrals", [t.referrals for t in found]),
                ("Notified to the Panel", [t.notifications for t in found]),
                ("Not notified", [t.not_notified for t in found]),
                ("Rapid Reviews", [t.rapid_reviews for t in found]),
                ("Local CSPRs commissioned", [t.csprs_commissioned for t in found]),
            ],
        ),
        table(
            "si_rr_age",
            "Children in Rapid Reviews by age band",
            "Age band",
            _pairs(found, "by_age"),
            total=True,
            chart="stacked_bar",
        ),
        table(
            "si_rr_gender",
            "Children in Rapid Reviews by gender",
            "Gender",
            _pairs(found, "by_gender"),
            total=True,
            chart="stacked_bar",
        ),
        table(
            "si_rr_harm",
            "Children in Rapid Reviews by harm",
            "Harm",
            _pairs(found, "by_harm"),
            total=True,
            chart="stacked_bar",
        ),
        table(
            "si_panel",
            "The National Panel's response to the Rapid Reviews",
            "Panel response",
            [
                ("Agreed with the partnership", [t.panel_agrees for t in found]),
                ("Disagreed", [t.panel_disagrees for t in found]),
                ("Took a national review", [t.panel_national_reviews for t in found]),
                ("Response awaited", [t.panel_awaited for t in found]),
            ],
        ),
        Table(
            key="si_timeliness",
            caption="Timeliness of decisions, Rapid Reviews and CSPRs",
            headings=(
                "Standard",
                *(f"{y.label} {part}" for y in years for part in ("on time", "in all")),
            ),
            rows=tuple(timeliness),
            note="Each step counted in the year it was taken (decided, submitted, published).",
        ),
    ]


def register() -> None:
    report_tables.register(
        section="serious_incidents",
        module="reviews",
        build=serious_incident_tables,
        opens=lambda actor: policies.can(actor, policies.Cap.VIEW_OVERSIGHT),
    )
