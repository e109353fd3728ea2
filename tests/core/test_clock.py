"""The working-day clock against real England and Wales dates, from the bundled holiday data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from govuk_bank_holidays.bank_holidays import BankHolidays
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.core.clock import (
    HolidayDataExhausted,
    WorkingCalendar,
    describe_rule,
    end_of_day,
    is_end_of_day,
    london_date,
    start_of_day,
)


def _bundled_calendar() -> WorkingCalendar:
    rows = BankHolidays(use_cached_holidays=True).get_holidays(
        division=BankHolidays.ENGLAND_AND_WALES
    )
    days = {row["date"] for row in rows}
    return WorkingCalendar.of(
        days,
        covers_from=date(min(d.year for d in days), 1, 1),
        covers_until=date(max(d.year for d in days), 12, 31),
    )


CAL = _bundled_calendar()


def test_the_bundled_data_covers_2012_to_2028():
    assert CAL.covers_from == date(2012, 1, 1)
    assert CAL.covers_until == date(2028, 12, 31)


def test_five_working_days_from_friday_18_december_2026_is_tuesday_29th():
    # 25 Dec 2026 is a Friday; Boxing Day falls on Saturday so Monday 28th is its substitute.
    assert CAL.add_working_days(date(2026, 12, 18), 5) == date(2026, 12, 29)
    assert CAL.working_days_between(date(2026, 12, 18), date(2026, 12, 29)) == 5
    assert not CAL.is_working_day(date(2026, 12, 25))
    assert not CAL.is_working_day(date(2026, 12, 28))


def test_zero_working_days_is_the_start_itself_even_on_a_sunday():
    assert CAL.add_working_days(date(2026, 12, 20), 0) == date(2026, 12, 20)
    assert CAL.working_days_between(date(2026, 12, 20), date(2026, 12, 20)) == 0


def test_a_clock_started_on_a_saturday_first_counts_the_monday():
    assert CAL.add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)


def test_christmas_and_boxing_day_on_a_weekend_2021_move_to_monday_and_tuesday():
    # 25 Dec 2021 Saturday, 26 Sunday: substitutes on Monday 27 and Tuesday 28.
    assert not CAL.is_working_day(date(2021, 12, 27))
    assert not CAL.is_working_day(date(2021, 12, 28))
    assert CAL.next_working_day(date(2021, 12, 24)) == date(2021, 12, 29)


def test_christmas_on_a_sunday_2022_moves_to_tuesday_27th():
    # 25 Dec 2022 Sunday: Boxing Day is Monday 26, and Christmas's substitute is Tuesday 27.
    assert not CAL.is_working_day(date(2022, 12, 26))
    assert not CAL.is_working_day(date(2022, 12, 27))
    assert CAL.is_working_day(date(2022, 12, 28))
    assert CAL.next_working_day(date(2022, 12, 23)) == date(2022, 12, 28)


def test_easter_2026():
    assert not CAL.is_working_day(date(2026, 4, 3))  # Good Friday
    assert not CAL.is_working_day(date(2026, 4, 6))  # Easter Monday
    assert CAL.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    # Thursday 2, then Tuesday 7 and Wednesday 8: the long weekend counts for nothing.
    assert CAL.working_days_between(date(2026, 4, 1), date(2026, 4, 8)) == 3


def test_year_end_new_years_day_2027_and_the_2028_substitute():
    # 1 Jan 2027 is a Friday; 1 Jan 2028 a Saturday so Monday 3 Jan 2028 is the holiday.
    assert CAL.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert not CAL.is_working_day(date(2028, 1, 3))
    assert CAL.add_working_days(date(2027, 12, 31), 1) == date(2028, 1, 4)


def test_one_off_holidays_in_the_bundled_data():
    assert not CAL.is_working_day(date(2022, 9, 19))  # State Funeral of Queen Elizabeth II
    assert not CAL.is_working_day(date(2023, 5, 8))  # Coronation of King Charles III
    assert CAL.add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)


def test_reaching_2029_raises_loudly_instead_of_counting_weekdays():
    with pytest.raises(HolidayDataExhausted) as raised:
        CAL.add_working_days(date(2028, 12, 20), 10)
    message = str(raised.value)
    assert "HOLIDAY DATA EXHAUSTED" in message
    assert "2028-12-31" in message
    assert raised.value.day == date(2029, 1, 1)


def test_every_question_outside_the_data_raises():
    with pytest.raises(HolidayDataExhausted):
        CAL.is_working_day(date(2029, 1, 2))
    with pytest.raises(HolidayDataExhausted):
        CAL.working_days_between(date(2028, 12, 1), date(2029, 1, 5))
    with pytest.raises(HolidayDataExhausted):
        CAL.next_working_day(date(2028, 12, 29))
    with pytest.raises(HolidayDataExhausted):
        CAL.is_working_day(date(2011, 12, 30))


def test_the_last_covered_day_still_answers():
    # Friday 29 Dec 2028 -> 31 Dec is a Sunday; the next working day is in 2029.
    assert CAL.add_working_days(date(2028, 12, 27), 2) == date(2028, 12, 29)


def test_negative_counts_are_refused_and_backwards_spans_are_negative():
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 1, 5), -1)
    assert CAL.working_days_between(date(2026, 12, 29), date(2026, 12, 18)) == -5


def test_an_extra_holiday_moves_the_count():
    extra = WorkingCalendar.of(CAL.holidays | {date(2026, 12, 21)}, covers_until=CAL.covers_until)
    assert extra.add_working_days(date(2026, 12, 18), 5) == date(2026, 12, 30)


def test_covers_until_before_covers_from_is_refused():
    with pytest.raises(ValueError):
        WorkingCalendar.of([], covers_from=date(2026, 1, 1), covers_until=date(2025, 1, 1))


def test_due_moment_is_the_end_of_the_london_day_in_winter_and_summer():
    winter = end_of_day(date(2026, 12, 29))
    assert winter == datetime(2026, 12, 29, 23, 59, 59, 999999, tzinfo=UTC)
    summer = end_of_day(date(2026, 7, 1))  # BST: 23:59 London is 22:59 UTC
    assert summer == datetime(2026, 7, 1, 22, 59, 59, 999999, tzinfo=UTC)
    assert london_date(summer) == date(2026, 7, 1)
    assert is_end_of_day(summer)
    assert not is_end_of_day(summer - timedelta(hours=1))
    assert start_of_day(date(2026, 7, 1)) == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)


def test_london_date_refuses_naive_moments():
    with pytest.raises(ValueError):
        london_date(datetime(2026, 7, 1, 12, 0))


def test_rule_text():
    assert describe_rule(date(2026, 12, 18), 5) == "5 working days from 18 Dec 2026"
    assert describe_rule(date(2026, 1, 2), 1) == "1 working day from 2 Jan 2026"


starts = st.dates(min_value=date(2013, 1, 1), max_value=date(2027, 12, 31))
counts = st.integers(min_value=0, max_value=200)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=counts)
def test_between_is_the_inverse_of_add(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    if n > 0:
        assert end > start
        assert end.weekday() < 5
        assert end not in CAL.holidays
        # It is the n-th: the day before it has one fewer working day.
        assert CAL.working_days_between(start, end - timedelta(days=1)) == n - 1


@settings(max_examples=200, deadline=None)
@given(start=starts, n=st.integers(min_value=0, max_value=199))
def test_adding_is_strictly_monotonic_in_n(start, n):
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)


@settings(max_examples=200, deadline=None)
@given(a=starts, b=starts)
def test_between_counts_the_same_as_walking_day_by_day(a, b):
    start, end = min(a, b), max(a, b)
    if (end - start).days > 400:
        end = start + timedelta(days=400)
    walked = sum(
        1 for k in range(1, (end - start).days + 1) if CAL.is_working_day(start + timedelta(k))
    )
    assert CAL.working_days_between(start, end) == walked
