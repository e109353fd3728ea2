"""Financial years, 1 April to 31 March, as the partnership budgets and reports: pure.

Funding is agreed by financial year and the annual report covers whole financial years, so
both speak of a year by the 1 April that opens it and label it "2022/23".
"""

from __future__ import annotations

from datetime import date


def financial_year_start(day: date) -> date:
    """The 1 April that opens the financial year ``day`` falls in."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def financial_year_label(day: date) -> str:
    """ "2022/23" for any day from 1 April 2022 to 31 March 2023."""
    start = financial_year_start(day).year
    return f"{start}/{(start + 1) % 100:02d}"


def financial_years(start: date, end: date) -> list[date]:
    """The opening 1 Aprils of every financial year from the one holding ``start`` to the one
    holding ``end`` (inclusive); empty when ``end`` is before ``start``."""
    if end < start:
        return []
    first = financial_year_start(start).year
    last = financial_year_start(end).year
    return [date(year, 4, 1) for year in range(first, last + 1)]
