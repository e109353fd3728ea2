"""England and Wales bank holidays: the bundled data of ``govuk-bank-holidays`` plus extra holidays.

The bundled data travels with the release, so the service never needs the network to know a
holiday. Holidays announced after the release (the 2022 State Funeral was announced nine days
ahead) are ``ExtraHoliday`` rows an administrator adds. Extra holidays do not extend the data's
coverage: a single added date says nothing about the rest of a later year.

``calendar()`` reads the extra holiday dates on every call (a handful of rows, one indexed query)
and keeps one built ``WorkingCalendar`` per distinct set of them, so a holiday added in one web
process or worker is seen by every other at its next call.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from govuk_bank_holidays.bank_holidays import BankHolidays

from safeguard.core.clock import WorkingCalendar
from safeguard.core.models import ExtraHoliday


@dataclass(frozen=True)
class Holiday:
    date: date
    name: str
    added: bool  # True for an ExtraHoliday an administrator added


@dataclass(frozen=True)
class _Bundled:
    names: dict[date, str]
    covers_from: date
    covers_until: date


@functools.cache
def _bundled() -> _Bundled:
    data = BankHolidays(use_cached_holidays=True)  # bundled file, never the network
    rows = data.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    names = {row["date"]: row["title"] for row in rows}
    years = [d.year for d in names]
    return _Bundled(
        names=names,
        covers_from=date(min(years), 1, 1),
        covers_until=date(max(years), 12, 31),
    )


def coverage() -> tuple[date, date]:
    """The first and last dates whose holiday status the bundled data knows."""
    bundled = _bundled()
    return bundled.covers_from, bundled.covers_until


@functools.lru_cache(maxsize=16)
def _calendar_for(extra: frozenset[date]) -> WorkingCalendar:
    bundled = _bundled()
    return WorkingCalendar(
        frozenset(bundled.names) | extra,
        covers_until=bundled.covers_until,
        covers_from=bundled.covers_from,
    )


def calendar() -> WorkingCalendar:
    """The working calendar as it stands now, extra holidays included."""
    extra = frozenset(ExtraHoliday.objects.values_list("date", flat=True))
    return _calendar_for(extra)


def holidays_between(start: date, end: date) -> list[Holiday]:
    """Every holiday from ``start`` to ``end`` inclusive, bundled and added, in date order."""
    found = {
        day: Holiday(day, name, added=False)
        for day, name in _bundled().names.items()
        if start <= day <= end
    }
    for extra in ExtraHoliday.objects.filter(date__gte=start, date__lte=end):
        found.setdefault(extra.date, Holiday(extra.date, extra.name, added=True))
    return [found[day] for day in sorted(found)]


def add_working_days(start: date, n: int) -> date:
    """Shortcut for ``calendar().add_working_days``: see ``safeguard.core.clock``."""
    return calendar().add_working_days(start, n)


def working_days_between(start: date, end: date) -> int:
    return calendar().working_days_between(start, end)


def is_working_day(day: date) -> bool:
    return calendar().is_working_day(day)


def next_working_day(day: date) -> date:
    return calendar().next_working_day(day)
