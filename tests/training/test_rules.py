"""The training rules at every edge, with properties where the edges are many."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.training import rules

moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1))


class TestPlaces:
    def test_a_free_place_is_booked(self) -> None:
        assert rules.place_for_new_booking(capacity=2, booked=1, waiting=0) == "booked"

    def test_a_full_session_puts_the_newcomer_on_the_waiting_list(self) -> None:
        assert rules.place_for_new_booking(capacity=2, booked=2, waiting=0) == "waiting"

    def test_a_newcomer_never_jumps_the_waiting_list(self) -> None:
        assert rules.place_for_new_booking(capacity=5, booked=1, waiting=1) == "waiting"

    def test_lowered_capacity_never_gives_negative_places(self) -> None:
        assert rules.places_free(capacity=3, booked=5) == 0

    @given(st.integers(0, 50), st.integers(0, 60), st.integers(0, 5))
    def test_booked_never_exceeds_capacity_by_a_new_booking(
        self, capacity: int, booked: int, waiting: int
    ) -> None:
        outcome = rules.place_for_new_booking(capacity=capacity, booked=booked, waiting=waiting)
        if outcome == "booked":
            assert booked + 1 <= capacity and waiting == 0


class TestWaitingList:
    def test_freed_places_go_in_the_order_people_joined(self) -> None:
        t = datetime(2026, 1, 1, tzinfo=UTC)
        waiting = [
            rules.Waiting(3, t + timedelta(minutes=2)),
            rules.Waiting(1, t + timedelta(minutes=5)),
            rules.Waiting(2, t),
        ]
        assert rules.offers(capacity=10, booked=8, waiting=waiting) == [2, 3]

    def test_ties_go_by_booking_number(self) -> None:
        t = datetime(2026, 1, 1, tzinfo=UTC)
        waiting = [rules.Waiting(9, t), rules.Waiting(4, t)]
        assert rules.offers(capacity=1, booked=0, waiting=waiting) == [4]

    def test_no_free_place_no_offer(self) -> None:
        t = datetime(2026, 1, 1, tzinfo=UTC)
        assert rules.offers(capacity=1, booked=1, waiting=[rules.Waiting(1, t)]) == []

    @given(
        st.integers(0, 20),
        st.integers(0, 25),
        st.lists(moments, max_size=15),
    )
    def test_offers_are_the_earliest_and_fill_no_more_than_the_free_places(
        self, capacity: int, booked: int, joined: list[datetime]
    ) -> None:
        waiting = [rules.Waiting(i, moment) for i, moment in enumerate(joined)]
        offered = rules.offers(capacity=capacity, booked=booked, waiting=waiting)
        free = max(capacity - booked, 0)
        assert len(offered) == min(free, len(waiting))
        left = [w for w in waiting if w.booking_id not in offered]
        for chosen in offered:
            mine = waiting[chosen]
            assert all((mine.since, mine.booking_id) < (w.since, w.booking_id) for w in left)


class TestCompletion:
    def test_a_two_part_course_needs_both_parts(self) -> None:
        assert not rules.is_complete(parts=2, attended=[1])
        assert rules.parts_pending(parts=2, attended=[1]) == [2]
        assert rules.is_complete(parts=2, attended=[2, 1])

    def test_part_one_twice_is_not_both_parts(self) -> None:
        assert not rules.is_complete(parts=2, attended=[1, 1])

    def test_a_one_part_course_is_complete_once_attended(self) -> None:
        assert rules.is_complete(parts=1, attended=[1])
        assert not rules.is_complete(parts=1, attended=[])

    def test_a_course_has_at_least_one_part(self) -> None:
        with pytest.raises(ValueError):
            rules.parts_pending(parts=0, attended=[])

    def test_completed_on_is_when_the_last_missing_part_was_first_attended(self) -> None:
        attended = [(1, date(2026, 1, 5)), (2, date(2026, 2, 9)), (1, date(2026, 3, 1))]
        assert rules.completed_on(parts=2, attended=attended) == date(2026, 2, 9)
        assert rules.completed_on(parts=3, attended=attended) is None

    @given(st.integers(1, 6), st.lists(st.integers(1, 6), max_size=12))
    def test_complete_exactly_when_nothing_is_pending(
        self, parts: int, attended: list[int]
    ) -> None:
        complete = rules.is_complete(parts=parts, attended=attended)
        assert complete == set(range(1, parts + 1)).issubset(attended)
        assert complete == (rules.parts_pending(parts=parts, attended=attended) == [])


class TestEvaluation:
    def test_shares_count_met_expectations_and_strict_increases(self) -> None:
        answers = [
            rules.Answer(True, 2, 4),
            rules.Answer(True, 3, 3),  # the same is not an increase
            rules.Answer(False, 4, 2),
            rules.Answer(True, 1, 5),
        ]
        result = rules.shares(answers)
        assert (result.answers, result.met_expectations, result.confidence_increased) == (4, 3, 2)
        assert result.met_expectations_percent == 75
        assert result.confidence_increased_percent == 50

    def test_nobody_answered_is_no_share_not_zero(self) -> None:
        assert rules.shares([]).met_expectations_percent is None

    def test_percent_rounds_half_up(self) -> None:
        assert rules.percent(1, 8) == 13  # 12.5
        assert rules.percent(1, 3) == 33
        assert rules.percent(2, 3) == 67

    def test_percent_refuses_a_part_larger_than_the_whole(self) -> None:
        with pytest.raises(ValueError):
            rules.percent(3, 2)

    @given(st.integers(1, 10_000), st.data())
    def test_percent_lies_between_0_and_100(self, whole: int, data: st.DataObject) -> None:
        part = data.draw(st.integers(0, whole))
        value = rules.percent(part, whole)
        assert value is not None and 0 <= value <= 100
        assert abs(value - 100 * part / whole) <= 0.5


class TestDates:
    def test_three_months_on(self) -> None:
        assert rules.follow_up_due(date(2026, 1, 15)) == date(2026, 4, 15)

    def test_a_month_without_the_day_gives_its_last_day(self) -> None:
        assert rules.follow_up_due(date(2026, 11, 30)) == date(2027, 2, 28)
        assert rules.follow_up_due(date(2027, 11, 30)) == date(2028, 2, 29)
        assert rules.follow_up_due(date(2026, 5, 31)) == date(2026, 8, 31)

    def test_across_the_year_end(self) -> None:
        assert rules.follow_up_due(date(2026, 12, 5)) == date(2027, 3, 5)

    @given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 60))
    def test_add_months_lands_in_the_right_month_never_later_day(self, day: date, n: int) -> None:
        later = rules.add_months(day, n)
        assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == n
        assert later.day <= day.day
        assert later.day == day.day or later.day >= 28

    def test_trainer_refresh_after_two_years(self) -> None:
        trained = date(2024, 3, 1)
        assert not rules.trainer_needs_refresh(trained_on=trained, today=date(2026, 2, 28))
        assert rules.trainer_needs_refresh(trained_on=trained, today=date(2026, 3, 1))
        assert rules.trainer_needs_refresh(trained_on=None, today=date(2026, 3, 1))

    def test_financial_year_turns_in_april(self) -> None:
        assert rules.financial_year(date(2022, 3, 31)) == "2021/22"
        assert rules.financial_year(date(2022, 4, 1)) == "2022/23"
        assert rules.financial_year(date(2099, 4, 1)) == "2099/00"

    def test_reminder_in_the_48_hours_before_never_after_the_start(self) -> None:
        start = datetime(2026, 6, 10, 9, 30, tzinfo=UTC)
        assert rules.reminder_due(starts_at=start, now=start - timedelta(hours=48))
        assert not rules.reminder_due(starts_at=start, now=start - timedelta(hours=48, seconds=1))
        assert not rules.reminder_due(starts_at=start, now=start)
