"""Meetings' pure rules: schedules on working days, papers' due dates, agenda timings,
approving minutes, attendance shares."""

from __future__ import annotations

from datetime import date, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.governance import scheduling

# 25 and 28 December 2026 are bank holidays (Christmas Day, and Boxing Day moved to Monday).
HOLIDAYS = {date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)}


def working(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def test_a_one_off_meeting_on_a_holiday_moves_to_the_next_working_day() -> None:
    assert scheduling.occurrences(
        date(2026, 12, 25), frequency="once", count=9, is_working_day=working
    ) == [date(2026, 12, 29)]


def test_weekly_meetings_step_by_weeks_and_skip_holidays() -> None:
    found = scheduling.occurrences(
        date(2026, 12, 14), frequency="weekly", count=3, is_working_day=working
    )
    assert found == [date(2026, 12, 14), date(2026, 12, 21), date(2026, 12, 29)]


def test_fortnightly() -> None:
    found = scheduling.occurrences(
        date(2026, 11, 3), frequency="fortnightly", count=3, is_working_day=working
    )
    assert found == [date(2026, 11, 3), date(2026, 11, 17), date(2026, 12, 1)]


def test_monthly_keeps_the_weekday_and_its_place_in_the_month() -> None:
    # 8 December 2026 is the second Tuesday.
    found = scheduling.occurrences(
        date(2026, 12, 8), frequency="monthly", count=3, is_working_day=working
    )
    assert found == [date(2026, 12, 8), date(2027, 1, 12), date(2027, 2, 9)]


def test_a_fifth_weekday_falls_back_to_the_last_in_a_short_month() -> None:
    # 29 December 2026 is the fifth Tuesday; February 2027 has four.
    found = scheduling.occurrences(
        date(2026, 12, 29), frequency="bimonthly", count=2, is_working_day=working
    )
    assert found == [date(2026, 12, 29), date(2027, 2, 23)]


def test_quarterly() -> None:
    found = scheduling.occurrences(
        date(2026, 10, 6), frequency="quarterly", count=3, is_working_day=working
    )
    assert found == [date(2026, 10, 6), date(2027, 1, 5), date(2027, 4, 6)]


def test_an_unknown_frequency_is_refused() -> None:
    with pytest.raises(ValueError):
        scheduling.occurrences(
            date(2026, 12, 8), frequency="yearly", count=1, is_working_day=working
        )


@given(
    first=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 6, 30)),
    frequency=st.sampled_from(sorted(scheduling.FREQUENCIES)),
    count=st.integers(min_value=-3, max_value=80),
)
def test_every_date_is_a_working_day_increasing_and_bounded(
    first: date, frequency: str, count: int
) -> None:
    found = scheduling.occurrences(first, frequency=frequency, count=count, is_working_day=working)
    assert 1 <= len(found) <= scheduling.MAX_OCCURRENCES
    assert all(working(day) for day in found)
    assert all(a < b for a, b in pairwise(found))
    assert found[0] >= first and (found[0] - first).days <= 7


def test_papers_are_due_working_days_before_the_meeting() -> None:
    # Five working days before Tuesday 5 January 2027, skipping the New Year holidays.
    assert scheduling.working_days_before(date(2027, 1, 5), 5, working) == date(2026, 12, 24)
    assert scheduling.working_days_before(date(2027, 1, 5), 0, working) == date(2027, 1, 5)


@given(
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 6, 30)),
    n=st.integers(min_value=1, max_value=20),
)
def test_papers_due_on_a_working_day_before(day: date, n: int) -> None:
    due = scheduling.working_days_before(day, n, working)
    assert due < day and working(due)
    between = sum(working(due + timedelta(days=k)) for k in range(1, (day - due).days))
    assert between == n - 1


def test_timings_follow_one_another_from_the_start() -> None:
    slots = scheduling.timings(time(10), [5, 25, 40])
    assert [slot.starts for slot in slots] == [time(10), time(10, 5), time(10, 30)]


def test_overruns() -> None:
    assert scheduling.overruns(start=time(10), end=time(12), minutes=[60, 60]) == 0
    assert scheduling.overruns(start=time(10), end=time(12), minutes=[60, 75]) == 15


@pytest.mark.parametrize(
    ("status", "next_on", "today", "expected"),
    [
        ("draft", date(2027, 1, 12), date(2027, 1, 12), True),
        ("draft", date(2027, 1, 12), date(2027, 1, 11), False),  # not held yet
        ("draft", None, date(2027, 1, 12), False),  # no next meeting
        ("approved", date(2027, 1, 12), date(2027, 1, 12), False),  # never twice
        ("not_written", date(2027, 1, 12), date(2027, 1, 12), False),
    ],
)
def test_minutes_are_approved_at_the_next_meeting_once_held(
    status: str, next_on: date | None, today: date, expected: bool
) -> None:
    assert (
        scheduling.may_approve_minutes(
            minutes_status=status, held_on=date(2026, 12, 8), next_meeting_on=next_on, today=today
        )
        is expected
    )


def test_attendance_counts_deputies_not_apologies() -> None:
    assert scheduling.attendance_rate(["present", "deputy", "apologies", "absent"]) == (2, 4)
    assert scheduling.percent(2, 4) == "50%"
    assert scheduling.percent(0, 0) == "No meetings"
