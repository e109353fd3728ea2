"""Reading the funding table: each partner's contribution by financial year.

Amounts agreed between public bodies, not personal data: everyone the policy lets see the
funding page sees the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from safeguard.governance import financial_years
from safeguard.governance.models import FundingContribution


@dataclass(frozen=True)
class FundingRow:
    partner: str
    amounts: tuple[Decimal | None, ...]  # one per year, None where nothing was recorded
    funds: str  # what the latest year's contribution funds


@dataclass(frozen=True)
class FundingTable:
    years: tuple[date, ...]  # opening 1 Aprils
    labels: tuple[str, ...]
    rows: tuple[FundingRow, ...]
    totals: tuple[Decimal, ...]


def contributions() -> QuerySet[FundingContribution]:
    return FundingContribution.objects.select_related("organisation").order_by(
        "-year_start", "organisation__name"
    )


def funding_table(years: list[date]) -> FundingTable:
    """The partners' contributions for the financial years opening on ``years`` (sorted)."""
    years = sorted(set(years))
    found = contributions().filter(year_start__in=years)
    by_partner: dict[str, dict[date, FundingContribution]] = {}
    for row in found:
        by_partner.setdefault(row.organisation.name, {})[row.year_start] = row
    rows = []
    for partner in sorted(by_partner):
        given = by_partner[partner]
        latest = given[max(given)]
        rows.append(
            FundingRow(
                partner=partner,
                amounts=tuple(given[y].amount if y in given else None for y in years),
                funds=latest.funds,
            )
        )
    totals = tuple(
        sum((r.amounts[i] or Decimal(0) for r in rows), Decimal(0)) for i in range(len(years))
    )
    return FundingTable(
        years=tuple(years),
        labels=tuple(financial_years.financial_year_label(y) for y in years),
        rows=tuple(rows),
        totals=totals,
    )


def recorded_years() -> list[date]:
    return sorted(set(FundingContribution.objects.values_list("year_start", flat=True)))
