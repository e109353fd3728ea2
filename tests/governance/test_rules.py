"""The action plan's pure rules at their edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core.holidays import working_days_between
from safeguard.governance import rules

STATUSES = st.sampled_from(["not_started", "in_progress", "completed", "withdrawn"])
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31))


def test_an_open_action_is_overdue_the_day_after_it_is_due() -> None:
    due = date(2026, 12, 3)
    assert not rules.is_overdue(status="not_started", due_on=due, today=due)
    assert rules.is_overdue(status="not_started", due_on=due, today=due + timedelta(days=1))
    assert rules.is_overdue(status="in_progress", due_on=due, today=due + timedelta(days=1))


def test_a_closed_action_is_never_overdue() -> None:
    long_ago = date(2020, 1, 1)
    for status in ("completed", "withdrawn"):
        assert not rules.is_overdue(status=status, due_on=long_ago, today=date(2026, 12, 4))


@pytest.mark.django_db
def test_working_days_overdue_skip_weekends_and_bank_holidays() -> None:
    # Due Thursday 24 December 2026: Christmas Day and Boxing Day (moved to Monday 28th) and
    # the weekend do not count, so Tuesday 29 December is one working day late.
    late = rules.working_days_overdue(
        status="in_progress",
        due_on=date(2026, 12, 24),
        today=date(2026, 12, 29),
        working_days_between=working_days_between,
    )
    assert late == 1


@given(status=STATUSES, due=DAYS, today=DAYS)
def test_overdue_days_are_positive_exactly_when_overdue(status, due, today) -> None:
    late = rules.working_days_overdue(
        status=status, due_on=due, today=today, working_days_between=lambda a, b: (b - a).days
    )
    assert (late > 0) == rules.is_overdue(status=status, due_on=due, today=today)


@given(status=STATUSES)
def test_only_an_open_action_is_completed_or_withdrawn(status) -> None:
    assert rules.may_complete(status) == rules.may_withdraw(status) == rules.is_open(status)
