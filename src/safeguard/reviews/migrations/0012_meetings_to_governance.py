"""Each case's meeting becomes a governance meeting of the RAG, keeping its history (ADR 0025).

For every extraordinary RAG meeting and Rapid Review meeting recorded on a case: a meeting of
the Review Advisory Group (the first active group of that kind; one is created when the
partnership has none) on the day it was held, 10:00 to 11:00 London time, made by whoever
recorded it, when they recorded it; the case is its agenda item (kind ``reviews.cases``,
linked to the case only for those who may open it), and the item's minutes are the attendees
as recorded ("Attendees: ...") followed by the minutes as recorded. Minutes recorded become
the meeting's draft minutes, which the RAG's next meeting offers to approve. Going back copies
the date, attendees and minutes back from governance (the next migration's columns must be
back first, which for the date needs an empty table: the way back is for development only).
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations

LONDON = ZoneInfo("Europe/London")
KIND = "reviews.cases"
LABELS = {"extraordinary_rag": "Extraordinary RAG meeting", "rapid_review": "Rapid Review meeting"}


def _the_rag(apps):
    Group = apps.get_model("core", "Group")
    rag = Group.objects.filter(kind="rag", active=True).order_by("pk").first()
    if rag is None:
        rag, _ = Group.objects.get_or_create(
            name="Review Advisory Group",
            defaults={"kind": "rag", "purpose": "Serious incidents and reviews."},
        )
    return rag


def forwards(apps, schema_editor):
    Meeting = apps.get_model("reviews", "Meeting")
    Sitting = apps.get_model("governance", "Meeting")
    AgendaItem = apps.get_model("governance", "AgendaItem")
    pending = Meeting.objects.filter(sitting__isnull=True).select_related("incident")
    if not pending.exists():
        return
    rag = _the_rag(apps)
    for meeting in pending.order_by("pk"):
        starts_at = datetime.combine(meeting.held_on, time(10, 0), tzinfo=LONDON)
        parts = []
        if meeting.attendees.strip():
            parts.append(f"Attendees: {meeting.attendees.strip()}")
        if meeting.minutes.strip():
            parts.append(meeting.minutes.strip())
        discussion = "\n\n".join(parts)
        sitting = Sitting.objects.create(
            group=rag,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            minutes_status="draft" if meeting.minutes.strip() else "not_written",
            created_at=meeting.created_at,
            created_by_id=meeting.created_by_id,
        )
        AgendaItem.objects.create(
            meeting=sitting,
            position=1,
            title=f"Case {meeting.incident.reference}: {LABELS.get(meeting.kind, 'Meeting')}",
            minutes=60,
            kind=KIND,
            key=f"incident:{meeting.incident_id}",
            link=f"/reviews/cases/{meeting.incident_id}",
            discussion=discussion,
            added_at=meeting.created_at,
            added_by_id=meeting.created_by_id,
        )
        meeting.sitting = sitting
        meeting.save(update_fields=["sitting"])


def backwards(apps, schema_editor):
    Meeting = apps.get_model("reviews", "Meeting")
    AgendaItem = apps.get_model("governance", "AgendaItem")
    for meeting in Meeting.objects.filter(sitting__isnull=False).select_related("sitting"):
        item = AgendaItem.objects.filter(
            meeting_id=meeting.sitting_id, key=f"incident:{meeting.incident_id}"
        ).first()
        text = item.discussion if item is not None else ""
        attendees = ""
        if text.startswith("Attendees: "):
            head, _, text = text.partition("\n\n")
            attendees = head.removeprefix("Attendees: ")
        meeting.held_on = meeting.sitting.starts_at.astimezone(LONDON).date()
        meeting.attendees = attendees
        meeting.minutes = text
        meeting.save(update_fields=["held_on", "attendees", "minutes"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0011_meeting_sitting"),
        ("core", "0007_access_retention"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
