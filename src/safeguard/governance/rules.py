"""The action plan's rules, without Django: when an action is open, overdue, and by how much."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
WITHDRAWN = "withdrawn"
OPEN_STATUSES = (NOT_STARTED, IN_PROGRESS)
PROGRESS_STATUSES = OPEN_STATUSES  # what a progress update may set; completing needs evidence


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def is_overdue(*, status: str, due_on: date, today: date) -> bool:
    """Still open after its due date. A completed or withdrawn action is never overdue."""
    return is_open(status) and today > due_on


def working_days_overdue(
    *,
    status: str,
    due_on: date,
    today: date,
    working_days_between: Callable[[date, date], int],
) -> int:
    """How many working days late an open action is (0 when it is not overdue); the clock is
    passed in (``core.holidays.working_days_between``) so that bank holidays do not count."""
    if not is_overdue(status=status, due_on=due_on, today=today):
        return 0
    return working_days_between(due_on, today)


def may_complete(status: str) -> bool:
    return is_open(status)


def may_withdraw(status: str) -> bool:
    """A completed action is not withdrawn: its evidence stands."""
    return is_open(status)
