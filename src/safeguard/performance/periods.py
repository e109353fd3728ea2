"""Reporting periods: pure date arithmetic, no Django.

A period is named by the date it starts. Monthly periods start on the 1st of a month; quarterly
ones on 1 April, July, October or January (financial quarters); annual ones on 1 April (the
financial year, as DfE statistics use). Files and forms write a period as ``YYYY-MM``, the month
it starts in.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHLY, QUARTERLY, ANNUAL = "monthly", "quarterly", "annual"
_MONTHS = {MONTHLY: 1, QUARTERLY: 3, ANNUAL: 12}
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def is_period_start(day: date, frequency: str) -> bool:
    if day.day != 1:
        return False
    if frequency == MONTHLY:
        return True
    if frequency == QUARTERLY:
        return day.month in (1, 4, 7, 10)
    if frequency == ANNUAL:
        return day.month == 4
    raise ValueError(f"unknown frequency {frequency!r}")


def next_start(start: date, frequency: str) -> date:
    return _add_months(start, _MONTHS[frequency])


def period_end(start: date, frequency: str) -> date:
    """The last day of the period."""
    return next_start(start, frequency) - timedelta(days=1)


def containing(day: date, frequency: str) -> date:
    """The start of the period that contains ``day``."""
    start = date(day.year, day.month, 1)
    while not is_period_start(start, frequency):
        start = _add_months(start, -1)
    return start


def latest_ended(today: date, frequency: str) -> date:
    """The start of the most recent period that ended before ``today``."""
    current = containing(today, frequency)
    return _add_months(current, -_MONTHS[frequency])


def parse(text: str, frequency: str) -> date:
    """Read ``YYYY-MM`` as a period start; ``ValueError`` with a plain message if it is not one."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise ValueError("Period must be a year and month, like 2023-04")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1990:
        raise ValueError("Period must be a real month, like 2023-04")
    start = date(year, month, 1)
    if not is_period_start(start, frequency):
        what = {
            QUARTERLY: "a quarterly indicator starts in January, April, July or October",
            ANNUAL: "an annual indicator's period starts in April",
        }[frequency]
        raise ValueError(f"Period {text.strip()} is not a period start: {what}")
    return start


def label(start: date, frequency: str) -> str:
    if frequency == MONTHLY:
        return f"{start:%B %Y}"
    if frequency == QUARTERLY:
        end = period_end(start, frequency)
        return f"{start:%b} to {end:%b %Y}"
    return f"{start.year}-{(start.year + 1) % 100:02d}"


def short(start: date) -> str:
    return f"{start:%Y-%m}"


def missing(starts: list[date], frequency: str) -> list[date]:
    """The period starts absent between the first and last of ``starts`` (sorted)."""
    gaps: list[date] = []
    if not starts:
        return gaps
    have = set(starts)
    day = starts[0]
    while day < starts[-1]:
        if day not in have:
            gaps.append(day)
        day = next_start(day, frequency)
    return gaps


def complete_from(first_day: date, today: date, frequency: str) -> list[date]:
    """The starts of every period from the one containing ``first_day`` to the last that ended
    before ``today`` (oldest first): the periods a measure is counted for. Empty when no period
    containing or after ``first_day`` has ended yet."""
    last = latest_ended(today, frequency)
    start = containing(first_day, frequency)
    found: list[date] = []
    while start <= last:
        found.append(start)
        start = next_start(start, frequency)
    return found
