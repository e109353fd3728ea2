"""The training measures the scorecard counts (ADR 0014): each changes with the records."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from safeguard.core import measures
from safeguard.core.clock import LONDON
from safeguard.training.models import Booking, BookingStatus, Evaluation, FollowUp, Session
from tests import factories
from tests.training import helpers

pytestmark = pytest.mark.django_db
MAY = (date(2026, 5, 1), date(2026, 6, 1))


def _count(key: str, period: tuple[date, date] = MAY) -> Decimal | None:
    measure = measures.get(key)
    assert measure is not None
    return measure.count(*period)


@pytest.fixture
def world():
    admin = factories.person("business_unit_admin")
    course = helpers.course(admin, parts=2)
    return admin, course


def _session(course, day: int, *, part: int = 1, month: int = 5) -> Session:
    starts = datetime(2026, month, day, 9, 30, tzinfo=LONDON)
    return Session.objects.create(
        course=course,
        part=part,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        mode="online",
        capacity=20,
    )


def _book(session: Session, person, *, attended: bool | None = None, **fields) -> Booking:
    return Booking.objects.create(
        session=session,
        person=person,
        organisation=person.organisation,
        agency_type="third_sector",
        status=fields.pop("status", BookingStatus.BOOKED),
        waiting_since=fields.pop("waiting_since", None),
        attended=attended,
    )


def test_places_and_attendances_count_the_sessions_held_in_the_period(world) -> None:
    _, course = world
    assert _count("training.places_booked") is None  # no session yet: a gap
    may = _session(course, 12)
    assert _count("training.places_booked") == 0
    someone, other = factories.person("practitioner"), factories.person("practitioner")
    _book(may, someone, attended=True)
    _book(may, other, status=BookingStatus.WAITING, waiting_since=may.starts_at)
    assert _count("training.places_booked") == 1  # waiting holds no place
    assert _count("training.attendances") == 1
    _book(_session(course, 2, month=6), other)  # June's
    assert _count("training.places_booked") == 1
    may.cancelled_at = may.starts_at - timedelta(days=1)
    may.save()
    assert _count("training.places_booked") == 0  # a cancelled session counts for nothing


def test_completion_needs_every_part(world) -> None:
    _, course = world
    part_one, part_two = _session(course, 5), _session(course, 19, part=2)
    first, second = factories.person("practitioner"), factories.person("practitioner")
    _book(part_one, first, attended=True)
    _book(part_one, second, attended=True)
    assert _count("training.completion_rate") == Decimal("0.0")  # part 2 pending for both
    _book(part_two, first, attended=True)
    assert _count("training.completion_rate") == Decimal("50.0")
    assert _count("training.completion_rate", (date(2026, 6, 1), date(2026, 7, 1))) is None


def test_evaluations_returned_and_practice_changed(world) -> None:
    _, course = world
    session = _session(course, 7)
    a, b = (_book(session, factories.person("practitioner"), attended=True) for _ in range(2))
    assert _count("training.evaluations_returned") == Decimal("0.0")
    Evaluation.objects.create(
        booking=a,
        met_expectations=True,
        outcomes_learned="yes",
        knowledge_before=2,
        knowledge_after=4,
        confidence_before=2,
        confidence_after=4,
        submitted_at=session.ends_at,
    )
    assert _count("training.evaluations_returned") == Decimal("50.0")
    august = (date(2026, 8, 1), date(2026, 9, 1))
    assert _count("training.practice_changed", august) is None
    moment = datetime(2026, 8, 7, 10, tzinfo=LONDON)
    FollowUp.objects.create(booking=a, practice_changed=True, submitted_at=moment)
    FollowUp.objects.create(booking=b, practice_changed=False, submitted_at=moment)
    assert _count("training.practice_changed", august) == Decimal("50.0")


def test_a_one_part_course_is_complete_when_any_of_its_sessions_was_attended(world) -> None:
    admin, _ = world
    briefing = helpers.course(admin, title="Briefing", parts=1)
    missed, present = factories.person("practitioner"), factories.person("practitioner")
    may = _session(briefing, 14)
    _book(may, missed, attended=False)
    _book(may, present, attended=True)
    assert _count("training.completion_rate") == Decimal("50.0")
    _book(_session(briefing, 3, month=6), missed, attended=True)  # came to June's instead
    assert _count("training.completion_rate") == Decimal("100.0")
