"""The training rules, without Django: places, waiting lists, completion, evaluation shares,
the follow-up date and when a trainer needs refreshing.

Kept pure so that every edge (a full session, a part not yet attended, 31 November) is tested
alone and the services and the figures page agree because they call the same functions.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

FOLLOW_UP_MONTHS = 3
# Trainers of the pool refresh their own training every two years (the annual report's pool
# shrank from 84 to 28 when this was not kept up).
TRAINER_REFRESH_MONTHS = 24
REMINDER_HOURS = 48


# --- places and the waiting list -----------------------------------------------------------


def places_free(*, capacity: int, booked: int) -> int:
    """Free places on a session; never negative even if an administrator lowered capacity."""
    return max(capacity - booked, 0)


def place_for_new_booking(*, capacity: int, booked: int, waiting: int) -> str:
    """ "booked" while a place is free and nobody waits ahead; "waiting" otherwise.

    A newcomer never jumps a waiting list: if people already wait, the next place is theirs.
    """
    if waiting == 0 and places_free(capacity=capacity, booked=booked) > 0:
        return "booked"
    return "waiting"


@dataclass(frozen=True)
class Waiting:
    booking_id: int
    since: datetime


def offers(*, capacity: int, booked: int, waiting: Sequence[Waiting]) -> list[int]:
    """The waiting bookings to offer the free places to, in the order they joined the list
    (ties by booking number, so the order is total and the same on every run)."""
    free = places_free(capacity=capacity, booked=booked)
    queue = sorted(waiting, key=lambda w: (w.since, w.booking_id))
    return [w.booking_id for w in queue[:free]]


# --- completion ----------------------------------------------------------------------------


def parts_pending(*, parts: int, attended: Iterable[int]) -> list[int]:
    """The parts of a course not yet attended (parts are numbered 1 to ``parts``)."""
    if parts < 1:
        raise ValueError("a course has at least one part")
    done = set(attended)
    return [part for part in range(1, parts + 1) if part not in done]


def is_complete(*, parts: int, attended: Iterable[int]) -> bool:
    """Complete only when every part was attended: part 1 twice is not parts 1 and 2."""
    return not parts_pending(parts=parts, attended=attended)


def completed_on(*, parts: int, attended: Iterable[tuple[int, date]]) -> date | None:
    """The day the last missing part was attended: the earliest day by which every part had
    been attended at least once (a part attended twice counts from its first time)."""
    first: dict[int, date] = {}
    for part, day in attended:
        if part not in first or day < first[part]:
            first[part] = day
    if not is_complete(parts=parts, attended=first):
        return None
    return max(first[part] for part in range(1, parts + 1))


# --- evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    met_expectations: bool
    confidence_before: int
    confidence_after: int


@dataclass(frozen=True)
class Shares:
    answers: int
    met_expectations: int
    confidence_increased: int

    @property
    def met_expectations_percent(self) -> int | None:
        return percent(self.met_expectations, self.answers)

    @property
    def confidence_increased_percent(self) -> int | None:
        return percent(self.confidence_increased, self.answers)


def percent(part: int, whole: int) -> int | None:
    """A whole percentage, rounded half up; None when nobody answered (never "0%")."""
    if whole <= 0:
        return None
    if part < 0 or part > whole:
        raise ValueError("part must lie between 0 and whole")
    return (200 * part + whole) // (2 * whole)


def confidence_increased(*, before: int, after: int) -> bool:
    """Strictly higher after the session: the same score is not an increase."""
    return after > before


def shares(answers: Iterable[Answer]) -> Shares:
    total = met = increased = 0
    for answer in answers:
        total += 1
        met += answer.met_expectations
        increased += confidence_increased(
            before=answer.confidence_before, after=answer.confidence_after
        )
    return Shares(answers=total, met_expectations=met, confidence_increased=increased)


# --- dates ---------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day
    (30 November + 3 months = 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def follow_up_due(session_day: date) -> date:
    """When the 3-month follow-up on practice is asked for."""
    return add_months(session_day, FOLLOW_UP_MONTHS)


def trainer_refresh_due(trained_on: date) -> date:
    return add_months(trained_on, TRAINER_REFRESH_MONTHS)


def trainer_needs_refresh(*, trained_on: date | None, today: date) -> bool:
    """A trainer never trained, or whose refresh date has come, needs refreshing."""
    return trained_on is None or trainer_refresh_due(trained_on) <= today


def financial_year(day: date) -> str:
    """The partnership's reporting year, April to March: 5 April 2021 is "2021/22"."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def reminder_due(*, starts_at: datetime, now: datetime) -> bool:
    """A reminder goes in the 48 hours before a session starts, never after it started."""
    remaining = (starts_at - now).total_seconds()
    return 0 < remaining <= REMINDER_HOURS * 3600


# --- words for codes -----------------------------------------------------------------------

PAGE_LABELS = {
    "training:catalogue": "Training: courses",
    "training:course": "Training: a course",
    "training:course_add": "Training: add a course",
    "training:course_edit": "Training: change a course",
    "training:session_add": "Training: add a session",
    "training:session": "Training: a session",
    "training:session_cancel": "Training: cancel a session",
    "training:book": "Training: book a place",
    "training:register": "Training: the register",
    "training:my_bookings": "Training: your bookings",
    "training:booking_cancel": "Training: cancel a booking",
    "training:booking_ics": "Training: calendar invitation",
    "training:evaluate": "Training: evaluation",
    "training:follow_up": "Training: 3-month follow-up",
    "training:certificate": "Training: certificate",
    "training:approvals": "Training: bookings to approve",
    "training:approve": "Training: approve a booking",
    "training:trainers": "Training: trainer pool",
    "training:trainer_add": "Training: add a trainer",
    "training:figures": "Training: figures",
    "training:needs": "Training: needs analysis",
    "training:needs_summary": "Training: needs analysis summary",
    "training:needs_answer": "Training: answer the needs analysis",
    "training:approval_setting": "Training: an organisation's booking approval",
    "training:approval_settings": "Training: booking approval by organisation",
}
RECORD_LABELS = {
    "training.course": "Course",
    "training.session": "Training session",
    "training.booking": "Training booking",
    "training.evaluation": "Training evaluation",
    "training.follow_up": "Training follow-up",
    "training.trainer": "Trainer",
    "training.certificate": "Training certificate",
    "training.needs_survey": "Training needs analysis",
    "training.needs_answer": "Answer to the training needs analysis",
    "training.setting": "Organisation's training setting",
}
REASON_LABELS = {
    "training.booking_invitation": "Training booking and calendar invitation",
    "training.waiting_list": "Place on the waiting list",
    "training.place_offered": "A freed place given from the waiting list",
    "training.reminder": "Training reminder",
    "training.session_cancelled": "Training session cancelled",
    "training.booking_cancelled": "Training booking cancelled",
    "training.approval_needed": "Training booking awaiting approval",
    "training.declined": "Training booking not approved",
    "training.needs_survey": "Training needs analysis sent",
}
