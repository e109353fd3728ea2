"""Training records for tests, made through the real services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from safeguard.training import services
from safeguard.training.models import Booking, BookingStatus, Course, Session

COURSE_VALUES = {
    "kind": "core",
    "outcomes": "Know the multi-agency duties.",
    "audience": "Practitioners",
    "length": "3 hours",
    "last_updated_on": date(2026, 1, 5),
    "delivery_modes": ["online"],
    "review_themes": [],
}


def course(admin: Any, *, title: str = "Working Together", parts: int = 2) -> Course:
    return services.course_save(
        actor=admin, values={**COURSE_VALUES, "title": title, "parts": parts}
    )


def session(
    admin: Any, found: Course, *, part: int = 1, days: float = 10, capacity: int = 10
) -> Session:
    """A session ``days`` from now (negative: in the past)."""
    starts = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    return services.session_add(
        actor=admin,
        course=found,
        values={
            "part": part,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=3),
            "mode": "online",
            "venue": "",
            "joining_link": "https://meet.example.invalid/x",
            "capacity": capacity,
        },
        trainers=[],
    )


def past_booking(person: Any, found: Session, *, attended: bool | None = None) -> Booking:
    """A booking on a session that has already started (as if booked before it)."""
    return Booking.objects.create(
        session=found,
        person=person,
        organisation=person.organisation,
        agency_type=person.organisation.reported_agency_type,
        status=BookingStatus.BOOKED,
        attended=attended,
    )
