"""The calendar invitation (iCalendar, RFC 5545) that goes with a booking, and its cancellation.

Pure: it takes the session's facts and returns bytes, so it is tested without a database. The
UID is stable per booking, so a calendar replaces the event when a changed or cancelled copy
arrives, instead of adding a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

PRODUCT = "-//Safeguard//Training//EN"


@dataclass(frozen=True)
class Invitation:
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    link: str
    organiser_email: str
    attendee_email: str
    sequence: int = 0
    cancelled: bool = False


def invitation_ics(invitation: Invitation, *, stamp: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if invitation.cancelled else "REQUEST")
    event = Event()
    event.add("uid", invitation.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", invitation.starts_at)
    event.add("dtend", invitation.ends_at)
    event.add("summary", invitation.title)
    event.add("sequence", invitation.sequence)
    event.add("status", "CANCELLED" if invitation.cancelled else "CONFIRMED")
    if invitation.location:
        event.add("location", invitation.location)
    if invitation.link:
        event.add("url", invitation.link)
        event.add("description", f"Details of your booking: {invitation.link}")
    organiser = vCalAddress(f"mailto:{invitation.organiser_email}")
    organiser.params["cn"] = vText("Safeguarding Partnership training")
    event.add("organizer", organiser)
    attendee = vCalAddress(f"mailto:{invitation.attendee_email}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
