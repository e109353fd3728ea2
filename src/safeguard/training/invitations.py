"""A booking's calendar file, for the e-mail that confirms it and the page that offers it."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import OutboxMessage
from safeguard.core.outbox import Attachment
from safeguard.training.calendar import Invitation, invitation_ics
from safeguard.training.models import Booking, BookingStatus


def ics_for(booking: Booking, *, cancelled: bool = False) -> bytes:
    session = booking.session
    where = session.venue
    if session.joining_link:
        where = f"{where} (online: {session.joining_link})" if where else session.joining_link
    invitation = Invitation(
        uid=f"training-booking-{booking.pk}@{settings.SITE_URL.split('//')[-1]}",
        title=f"{session.course.title} (part {session.part})",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location=where,
        link=settings.SITE_URL + reverse("training:my_bookings"),
        organiser_email=settings.DEFAULT_FROM_EMAIL,
        attendee_email=booking.person.email,
        sequence=1 if cancelled else 0,
        cancelled=cancelled,
    )
    return invitation_ics(invitation, stamp=timezone.now())


# The messages about one booking's place that carry its calendar entry.
REASONS = (
    "training.booking_invitation",
    "training.place_offered",
    "training.reminder",
    "training.session_cancelled",
    "training.booking_cancelled",
)


def attachments(message: OutboxMessage) -> list[Attachment]:
    """The invitation (or its cancellation) for the booking a message is about."""
    if message.record_type != "training.booking" or not message.record_id.isdigit():
        return []
    booking = (
        Booking.objects.select_related("session__course", "person")
        .filter(pk=message.record_id or 0)
        .first()
    )
    if booking is None:
        return []
    cancelled = message.reason in ("training.session_cancelled", "training.booking_cancelled")
    if not cancelled and booking.status != BookingStatus.BOOKED:
        return []  # cancelled since it was queued: no invitation for a place not held
    return [("invitation.ics", ics_for(booking, cancelled=cancelled), "text/calendar")]
