"""Meetings' rules, without Django: the dates of a schedule, when papers are due, whose minutes
may be approved, the agenda's timings, and how often an organisation attended.

Every date a schedule produces falls on a working day: a meeting that would land on a weekend
or a bank holiday moves to the next working day. The working-day test is passed in
(``core.holidays.is_working_day``) so these rules are tested without a database.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

IsWorkingDay = Callable[[date], bool]

ONCE = "once"
WEEKLY = "weekly"
FORTNIGHTLY = "fortnightly"
MONTHLY = "monthly"
BIMONTHLY = "bimonthly"
QUARTERLY = "quarterly"

FREQUENCIES: dict[str, str] = {
    ONCE: "Once",
    WEEKLY: "Every week",
    FORTNIGHTLY: "Every two weeks",
    MONTHLY: "Every month (the same weekday of the month as the first meeting)",
    BIMONTHLY: "Every two months (the same weekday of the month)",
    QUARTERLY: "Every three months (the same weekday of the month)",
}
_MONTHS = {MONTHLY: 1, BIMONTHLY: 2, QUARTERLY: 3}
_WEEKS = {WEEKLY: 1, FORTNIGHTLY: 2}
MAX_OCCURRENCES = 52

# Attended: present in person or through a deputy.
ATTENDED = ("present", "deputy")


def first_working_day_from(day: date, is_working_day: IsWorkingDay) -> date:
    """``day`` itself when it is a working day, else the next working day."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth (1-5) ``weekday`` of a month; the last one when the month has fewer."""
    days = [
        date(year, month, d)
        for d in range(1, _calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    return days[min(nth, len(days)) - 1]


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def occurrences(
    first: date, *, frequency: str, count: int, is_working_day: IsWorkingDay
) -> list[date]:
    """The dates of a schedule of ``count`` meetings starting on ``first``.

    Weekly schedules step by whole weeks; monthly ones keep the weekday and its place in the
    month ("the second Tuesday"), the last such weekday when a month has no fifth. A date on a
    weekend or holiday moves to the next working day; the dates are strictly increasing and
    never more than ``MAX_OCCURRENCES``.
    """
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    count = 1 if frequency == ONCE else max(1, min(count, MAX_OCCURRENCES))
    nth = (first.day - 1) // 7 + 1
    found: list[date] = []
    for index in range(count):
        if frequency in _WEEKS:
            day = first + timedelta(weeks=_WEEKS[frequency] * index)
        elif frequency in _MONTHS:
            year, month = _add_months(first.year, first.month, _MONTHS[frequency] * index)
            day = _nth_weekday(year, month, first.weekday(), nth)
        else:
            day = first
        day = first_working_day_from(day, is_working_day)
        if found and day <= found[-1]:
            continue
        found.append(day)
    return found


def working_days_before(day: date, n: int, is_working_day: IsWorkingDay) -> date:
    """The n-th working day before ``day`` (``day`` itself never counts): when papers are due."""
    found = day
    while n > 0:
        found -= timedelta(days=1)
        if is_working_day(found):
            n -= 1
    return found


@dataclass(frozen=True)
class Slot:
    """An agenda item's place in the meeting: it starts at ``starts`` and lasts ``minutes``."""

    starts: time
    minutes: int


def timings(start: time, minutes: Iterable[int]) -> list[Slot]:
    """Each item's start time, the items following one another from the meeting's start."""
    slots = []
    clock = start.hour * 60 + start.minute
    for length in minutes:
        slots.append(Slot(time((clock // 60) % 24, clock % 60), length))
        clock += length
    return slots


def overruns(*, start: time, end: time, minutes: Iterable[int]) -> int:
    """How many minutes the agenda runs past the meeting's end (0 when it fits)."""
    total = sum(minutes)
    available = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return max(0, total - available)


def may_approve_minutes(
    *, minutes_status: str, held_on: date, next_meeting_on: date | None, today: date
) -> bool:
    """Draft minutes are approved at the group's next meeting: so only once that meeting has
    been held (its day has come), and never twice."""
    return (
        minutes_status == "draft"
        and next_meeting_on is not None
        and next_meeting_on > held_on
        and next_meeting_on <= today
    )


def attendance_rate(statuses: Iterable[str]) -> tuple[int, int]:
    """(attended, recorded): a deputy counts as attended, apologies do not."""
    recorded = attended = 0
    for status in statuses:
        recorded += 1
        attended += status in ATTENDED
    return attended, recorded


def percent(attended: int, recorded: int) -> str:
    """ "75%", or "No meetings" when none were recorded."""
    if recorded == 0:
        return "No meetings"
    return f"{round(100 * attended / recorded)}%"
