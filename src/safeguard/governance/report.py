"""Governance's part of the annual report: the funding section (``core.report_tables``).

Each partner's contribution by financial year, with what it funds and the total, year on year;
the figures link to the funding page, which opens for those the funding policy lets see it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from safeguard.core import report_tables
from safeguard.core.report_tables import Cell, Table, Year
from safeguard.governance import policies
from safeguard.governance.selectors import funding


def funding_tables(years: Sequence[Year]) -> list[Table]:
    found = funding.funding_table([year.start for year in years])
    link = reverse("governance:funding")
    labels = [year.label for year in years]
    rows = [
        (
            Cell(row.partner),
            *(Cell(amount, link) for amount in row.amounts),
            Cell(row.funds),
        )
        for row in found.rows
    ]
    rows.append((Cell("Total"), *(Cell(t, link) for t in found.totals), Cell("")))
    return [
        Table(
            key="funding_by_partner",
            caption="Partners' contributions to the partnership's budget",
            headings=(
                "Partner",
                *(f"{label} (£)" for label in labels),
                "What it funds (latest year)",
            ),
            rows=tuple(rows),
            chart="bar",
            note="Amounts in pounds for each financial year (April to March).",
            total_row=True,
        )
    ]


def register() -> None:
    report_tables.register(
        section="funding",
        module="governance",
        build=funding_tables,
        opens=policies.may_view_funding,
    )


def connect() -> None:
    """Called once from ``apps.ready``: the funding and priority capabilities, their menu
    entries and the funding section of the annual report (the demo's funding and priorities
    come with the report's demo, ``reports.demo``)."""
    from safeguard.core import labels, navigation, roles

    for role, capabilities in policies.FUNDING_GRANTS.items():
        roles.grant(role, capabilities)
    navigation.register(
        navigation.NavItem(
            "Priorities",
            "governance:priorities",
            policies.PriorityCap.VIEW,
            group=navigation.PARTNERSHIP,
        )
    )
    navigation.register(
        navigation.NavItem(
            "Funding", "governance:funding", policies.FundingCap.VIEW, group=navigation.PARTNERSHIP
        )
    )
    register()
    labels.register_many(
        {
            "governance.funding": "Funding contribution",
            "governance.priority": "Priority",
            "governance.priority_evidence": "Priority evidence",
            "governance.priority_update": "Priority progress update",
        }
    )
