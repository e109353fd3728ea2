"""The working-day clock: statutory deadlines count working days, not calendar days.

Pure logic, no Django: the holidays come in from ``safeguard.core.holidays``. A working day is a
weekday that is not an England and Wales bank holiday (substitute days included).

Counting convention, used everywhere in the service: the start date is day 0 and is never
counted, even when it is itself a working day. "5 working days from Friday 18 December 2026"
is the fifth working day AFTER that Friday: Monday 21, Tuesday 22, Wednesday 23, Thursday 24,
then (25 December and the Boxing Day substitute on the 28th being bank holidays) Tuesday 29
December 2026. A referral that arrives on a Saturday starts its clock the same way: the first
counted day is the Monday.

The holiday data ends somewhere (``govuk-bank-holidays`` 0.19 bundles 2012 to 2028). A clock that
reaches past the data cannot know whether a day is a holiday, and counting weekdays instead
would quietly give a wrong statutory date, so it raises ``HolidayDataExhausted`` (DESIGN.md
section 3, "Time").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_ONE_DAY = timedelta(days=1)


class HolidayDataExhausted(Exception):
    """A working-day computation went past the dates the holiday data covers."""

    def __init__(self, day: date, covers_from: date, covers_until: date) -> None:
        self.day = day
        self.covers_from = covers_from
        self.covers_until = covers_until
        super().__init__(
            f"HOLIDAY DATA EXHAUSTED: cannot count working days at {day.isoformat()} because the"
            f" bank holiday data covers only {covers_from.isoformat()} to"
            f" {covers_until.isoformat()}. Refusing to guess by counting weekdays. Upgrade"
            " govuk-bank-holidays (or add the announced holidays) and try again."
        )


@dataclass(frozen=True)
class WorkingCalendar:
    """Holidays plus the span of dates the holiday data speaks for.

    ``covers_until`` is the last date whose holiday status is known (31 December of the last year
    in the data); ``covers_from`` the first. Any question about a date outside raises.
    """

    holidays: frozenset[date]
    covers_until: date
    covers_from: date = date.min
    _sorted: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.covers_until < self.covers_from:
            raise ValueError("covers_until is before covers_from")
        object.__setattr__(self, "_sorted", tuple(sorted(self.holidays)))

    @classmethod
    def of(
        cls, holidays: Iterable[date], *, covers_until: date, covers_from: date = date.min
    ) -> WorkingCalendar:
        return cls(frozenset(holidays), covers_until=covers_until, covers_from=covers_from)

    def _check(self, day: date) -> None:
        if not self.covers_from <= day <= self.covers_until:
            raise HolidayDataExhausted(day, self.covers_from, self.covers_until)

    def is_holiday(self, day: date) -> bool:
        self._check(day)
        return day in self.holidays

    def is_working_day(self, day: date) -> bool:
        self._check(day)
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself is day 0 and never counts).

        ``n == 0`` returns ``start`` unchanged, whatever day it is. Raises
        ``HolidayDataExhausted`` if the count reaches past the holiday data.
        """
        if n < 0:
            raise ValueError("n must be zero or more working days")
        self._check(start)
        day = start
        remaining = n
        while remaining:
            day += _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``.

        The inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n))
        == n``. When ``end`` is before ``start`` the answer is negative (the count from ``end``
        to ``start``, negated), which reads naturally as "days overdue".
        """
        if end < start:
            return -self.working_days_between(end, start)
        self._check(start)
        self._check(end)
        weekdays = _weekdays_after_until(start, end)
        holidays = sum(1 for h in self._sorted if start < h <= end and h.weekday() < 5)
        return weekdays - holidays


def _weekdays_after_until(start: date, end: date) -> int:
    """Weekdays d with start < d <= end, in constant time."""
    days = (end - start).days
    full_weeks, extra = divmod(days, 7)
    count = full_weeks * 5
    weekday = start.weekday()
    for offset in range(1, extra + 1):
        if (weekday + offset) % 7 < 5:
            count += 1
    return count


def end_of_day(day: date) -> datetime:
    """The due moment for a date: the last microsecond of that day in London, as UTC.

    A deadline "due on the 29th" is met by anything done on the 29th, British time, whether the
    clocks say GMT or BST.
    """
    return datetime.combine(day, time.max, tzinfo=LONDON).astimezone(UTC)


def start_of_day(day: date) -> datetime:
    """Midnight at the start of a date in London, as UTC."""
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def london_date(moment: datetime) -> date:
    """The calendar date in London of an aware moment."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(LONDON).date()


def is_end_of_day(moment: datetime) -> bool:
    """Whether a moment is a due moment made by ``end_of_day`` (so it shows as a date alone)."""
    return moment == end_of_day(london_date(moment))


def describe_rule(starts_on: date, working_days: int) -> str:
    """The human rule recorded on a deadline, e.g. "5 working days from 18 Dec 2026"."""
    unit = "working day" if working_days == 1 else "working days"
    return f"{working_days} {unit} from {starts_on.day} {starts_on:%b %Y}"
