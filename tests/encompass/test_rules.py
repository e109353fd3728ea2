"""The next-school-day rule on real dates, around weekends, half terms, INSET days and clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.core.clock import LONDON, WorkingCalendar
from safeguard.encompass.rules import (
    CalendarNotCovering,
    Recipient,
    SchoolCalendar,
    Term,
    notification_due,
    notification_plan,
)

# England and Wales bank holidays of 2026 and early 2027, as GOV.UK publishes them.
BANK_HOLIDAYS = WorkingCalendar.of(
    [
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 1),
    ],
    covers_from=date(2026, 1, 1),
    covers_until=date(2027, 12, 31),
)
TERMS = (
    Term(date(2026, 1, 5), date(2026, 2, 13)),
    Term(date(2026, 2, 23), date(2026, 3, 27)),
    Term(date(2026, 4, 13), date(2026, 5, 22)),
    Term(date(2026, 6, 1), date(2026, 7, 22)),
    Term(date(2026, 9, 3), date(2026, 10, 23)),
    Term(date(2026, 11, 2), date(2026, 12, 18)),
    Term(date(2027, 1, 4), date(2027, 2, 12)),
)


def calendar(*, inset: tuple[date, ...] = (), starts: time = time(8, 45)) -> SchoolCalendar:
    return SchoolCalendar(TERMS, frozenset(inset), starts, BANK_HOLIDAYS)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def test_friday_night_before_half_term_waits_for_the_monday_after() -> None:
    incident = london(2026, 10, 23, 22, 0)  # Friday, BST; half term 26-30 October
    due = notification_due(incident, calendar())
    # Clocks went back on 25 October: 08:45 GMT is 08:45 UTC.
    assert due == datetime(2026, 11, 2, 8, 45, tzinfo=UTC)


def test_friday_night_before_half_term_goes_to_the_on_duty_key_adult_by_saturday() -> None:
    plan = notification_plan(london(2026, 10, 23, 22, 0), calendar(), has_on_duty_key_adult=True)
    assert plan.out_of_school_time
    assert [(s.recipient, s.due_at) for s in plan.steps] == [
        (Recipient.ON_DUTY_KEY_ADULT, datetime(2026, 10, 24, 7, 45, tzinfo=UTC))
    ]


def test_without_an_on_duty_key_adult_the_la_is_told_and_the_school_again_later() -> None:
    plan = notification_plan(london(2026, 10, 23, 22, 0), calendar(), has_on_duty_key_adult=False)
    assert [(s.recipient, s.due_at) for s in plan.steps] == [
        (Recipient.LA_HOLIDAY_CONTACT, datetime(2026, 10, 24, 7, 45, tzinfo=UTC)),
        (Recipient.SCHOOL, datetime(2026, 11, 2, 8, 45, tzinfo=UTC)),
    ]
    # GOV.UK style since issue 8 item 3 (it read "08:45 on Mon 2 Nov 2026").
    assert plan.steps[1].rule == "start of the next school day (8:45am on Monday 2 November 2026)"


def test_a_school_night_goes_to_the_school_for_the_next_morning() -> None:
    plan = notification_plan(london(2026, 10, 13, 19, 0), calendar(), has_on_duty_key_adult=True)
    assert not plan.out_of_school_time
    assert [(s.recipient, s.due_at) for s in plan.steps] == [
        (Recipient.SCHOOL, london(2026, 10, 14, 8, 45))
    ]


def test_before_school_starts_the_same_day_counts() -> None:
    assert notification_due(london(2026, 10, 13, 7, 0), calendar()) == london(2026, 10, 13, 8, 45)


def test_during_the_school_day_it_is_the_next_day() -> None:
    assert notification_due(london(2026, 10, 13, 9, 0), calendar()) == london(2026, 10, 14, 8, 45)


def test_the_schools_own_start_time_is_used() -> None:
    due = notification_due(london(2026, 10, 13, 19, 0), calendar(starts=time(8, 15)))
    assert due == london(2026, 10, 14, 8, 15)


def test_a_bank_holiday_monday_is_not_a_school_day() -> None:
    plan = notification_plan(london(2026, 5, 1, 20, 0), calendar(), has_on_duty_key_adult=False)
    assert plan.next_school_day_starts == london(2026, 5, 5, 8, 45)
    assert plan.out_of_school_time


def test_an_inset_day_is_not_a_school_day() -> None:
    due = notification_due(london(2026, 10, 23, 22, 0), calendar(inset=(date(2026, 11, 2),)))
    assert due == london(2026, 11, 3, 8, 45)


def test_the_easter_holidays_across_the_spring_clock_change() -> None:
    due = notification_due(london(2026, 3, 27, 21, 0), calendar())  # GMT, last day of term
    assert due == datetime(2026, 4, 13, 7, 45, tzinfo=UTC)  # 08:45 BST


def test_the_summer_holidays_and_christmas() -> None:
    assert notification_due(london(2026, 7, 30, 12, 0), calendar()) == london(2026, 9, 3, 8, 45)
    assert notification_due(london(2026, 12, 18, 16, 0), calendar()) == london(2027, 1, 4, 8, 45)


def test_a_calendar_that_ends_too_soon_says_so() -> None:
    with pytest.raises(CalendarNotCovering) as caught:
        notification_due(london(2027, 2, 12, 16, 0), calendar())
    assert caught.value.last_term_ends == date(2027, 2, 12)
    with pytest.raises(CalendarNotCovering):
        notification_due(
            london(2026, 10, 13, 19, 0), SchoolCalendar((), frozenset(), time(9), BANK_HOLIDAYS)
        )


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError):
        notification_due(datetime(2026, 10, 13, 19, 0), calendar())


def test_a_term_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        Term(date(2026, 2, 1), date(2026, 1, 1))


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 31)).map(
        lambda naive: naive.replace(tzinfo=UTC)
    )
)
def test_due_is_the_first_school_day_start_after_the_incident(incident: datetime) -> None:
    cal = calendar()
    due = notification_due(incident, cal)
    assert due > incident
    local_due = due.astimezone(LONDON)
    assert local_due.time() == time(8, 45) and cal.is_school_day(local_due.date())
    day = incident.astimezone(LONDON).date()
    while day < local_due.date():
        if cal.is_school_day(day):
            assert cal.day_start(day) <= incident
        day += timedelta(days=1)


def test_durations_read_in_days_hours_and_minutes() -> None:
    from safeguard.encompass.rules import hours_and_minutes

    assert hours_and_minutes(None) == "Not available"
    assert hours_and_minutes(45.4) == "45 minutes"
    assert hours_and_minutes(61) == "1 hour 1 minute"
    assert hours_and_minutes(29431) == "20 days 10 hours 31 minutes"
    assert hours_and_minutes(0) == "0 minutes"
