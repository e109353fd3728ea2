"""A meeting's calendar invitation (iCalendar, RFC 5545), for the e-mail and the download link.

The UID is stable per meeting, so a calendar replaces the event when a changed copy arrives;
the sequence counts the copies sent. The event carries the group's name, the time, the place
and the meeting's page: nothing about the business on the agenda.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from safeguard.core.models import OutboxMessage
from safeguard.core.outbox import Attachment
from safeguard.governance.models import Meeting

PRODUCT = "-//Safeguard//Governance meetings//EN"


def _where(meeting: Meeting) -> str:
    if meeting.venue and meeting.joining_link:
        return f"{meeting.venue} (online: {meeting.joining_link})"
    return meeting.venue or meeting.joining_link


def meeting_ics(
    meeting: Meeting, *, attendee_email: str = "", stamp: datetime | None = None
) -> bytes:
    site = settings.SITE_URL
    link = f"{site}/governance/meetings/{meeting.pk}"
    cancelled = meeting.cancelled_at is not None
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", f"governance-meeting-{meeting.pk}@{site.split('//')[-1]}")
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.group.name} meeting")
    event.add("sequence", meeting.invitations_sent)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    where = _where(meeting)
    if where:
        event.add("location", where)
    event.add("url", link)
    event.add("description", f"The agenda and papers: {link}")
    organiser = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organiser.params["cn"] = vText("Safeguarding Partnership Business Unit")
    event.add("organizer", organiser)
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def attachments(message: OutboxMessage) -> list[Attachment]:
    """The invitation for the meeting a message is about, addressed to its recipient."""
    if message.record_type != "governance.meeting" or not message.record_id.isdigit():
        return []
    meeting = Meeting.objects.select_related("group").filter(pk=int(message.record_id)).first()
    if meeting is None:
        return []
    return [
        ("invitation.ics", meeting_ics(meeting, attendee_email=message.to_address), "text/calendar")
    ]
