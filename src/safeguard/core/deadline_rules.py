"""The state of a deadline, worked out from its moments rather than stored, so it never goes stale.

Pure logic: the selector does the same sum in SQL (``selectors.deadlines``) so that lists can be
filtered by state in the database; the tests hold the two to the same answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

DeadlineState = Literal["pending", "met", "met_late", "overdue"]

PENDING: DeadlineState = "pending"
MET: DeadlineState = "met"
MET_LATE: DeadlineState = "met_late"
OVERDUE: DeadlineState = "overdue"

STATES: tuple[DeadlineState, ...] = (OVERDUE, PENDING, MET_LATE, MET)

LABELS: dict[str, str] = {
    OVERDUE: "Overdue",
    PENDING: "Pending",
    MET_LATE: "Met late",
    MET: "Met",
}


def deadline_state(due_at: datetime, met_at: datetime | None, now: datetime) -> DeadlineState:
    """Met on time when met at or before the due moment (met exactly at due is on time).

    Unmet deadlines are overdue only once ``now`` is strictly after the due moment: at the due
    moment itself there is still time.
    """
    if met_at is not None:
        return MET if met_at <= due_at else MET_LATE
    return OVERDUE if now > due_at else PENDING
