"""Each MARAC meeting becomes a governance meeting of the MARAC group, keeping its history
(ADR 0025, as ``reviews 0012``).

For every MARAC meeting: a meeting of the MARAC group (the first active group whose name has
"MARAC" in it; "Multi-Agency Risk Assessment Conference (MARAC)" is created when the
partnership has none) on its day, 10:00 to 11:00 London time. A MARAC meeting had no record of
who made it or when: it was made by its first referral, so the governance meeting is made when
that referral was created, by whoever the audit trail says created it (nobody, for an API
key). Its first agenda item is the meeting's case list (kind ``domestic_abuse.marac``, key
``cases:<day>``), linked to the list for MARAC members only; the referrals stay domestic
abuse's.

Each DRAMM board whose attendance was recorded (when it was closed) gets a meeting of the
DRAMM group (the first active group whose name has "DRAMM" in it, or "Daily Risk Assessment
Management Meeting (DRAMM)" created) on its day at 09:00, made by whoever closed the board when
they closed it, with the board as its item (kind ``domestic_abuse.dramm``) and each attendee's
organisation recorded present; the attendees and the decisions stay the board's.

Going back copies the MARAC's date back from governance (the next migration's column must be
back first, which needs an empty table: the way back is for development only).
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")
KIND = "domestic_abuse.marac"
NAME = "Multi-Agency Risk Assessment Conference (MARAC)"


def _group(apps, mark, name, purpose):
    Group = apps.get_model("core", "Group")
    found = Group.objects.filter(name__icontains=mark, active=True).order_by("pk").first()
    if found is None:
        found, _ = Group.objects.get_or_create(
            name=name, defaults={"kind": "panel", "purpose": purpose}
        )
    return found


def _the_marac(apps):
    return _group(
        apps,
        "MARAC",
        NAME,
        "Multi-agency safety planning for victims of domestic abuse at high risk.",
    )


def _made(apps, meeting):
    """When the meeting was made and by whom: its first referral's creation."""
    Referral = apps.get_model("domestic_abuse", "Referral")
    AuditEvent = apps.get_model("core", "AuditEvent")
    Person = apps.get_model("core", "Person")
    first = Referral.objects.filter(meeting=meeting).order_by("created_at", "pk").first()
    if first is None:
        return timezone.now(), None
    event = (
        AuditEvent.objects.filter(
            record_type="domestic_abuse.referral", record_id=str(first.pk), action="create"
        )
        .order_by("seq")
        .first()
    )
    person = None
    if event is not None and event.actor_id is not None:
        person = Person.objects.filter(pk=event.actor_id).first()
    return first.created_at, person


def forwards(apps, schema_editor):
    MaracMeeting = apps.get_model("domestic_abuse", "MaracMeeting")
    Sitting = apps.get_model("governance", "Meeting")
    AgendaItem = apps.get_model("governance", "AgendaItem")
    pending = MaracMeeting.objects.filter(sitting__isnull=True)
    if not pending.exists():
        return
    group = _the_marac(apps)
    for meeting in pending.order_by("held_on"):
        starts_at = datetime.combine(meeting.held_on, time(10, 0), tzinfo=LONDON)
        made_at, made_by = _made(apps, meeting)
        sitting = Sitting.objects.create(
            group=group,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            created_at=made_at,
            created_by=made_by,
        )
        AgendaItem.objects.create(
            meeting=sitting,
            position=1,
            title="MARAC case list",
            minutes=60,
            kind=KIND,
            key=f"cases:{meeting.held_on.isoformat()}",
            link=f"/domestic-abuse/marac/{meeting.held_on.isoformat()}/",
            added_at=made_at,
            added_by=made_by,
        )
        meeting.sitting = sitting
        meeting.save(update_fields=["sitting"])


def boards_forwards(apps, schema_editor):
    Board = apps.get_model("domestic_abuse", "Board")
    Sitting = apps.get_model("governance", "Meeting")
    AgendaItem = apps.get_model("governance", "AgendaItem")
    Attendance = apps.get_model("governance", "Attendance")
    pending = Board.objects.filter(sitting__isnull=True, attendees__isnull=False).distinct()
    if not pending.exists():
        return
    group = _group(
        apps,
        "DRAMM",
        "Daily Risk Assessment Management Meeting (DRAMM)",
        "The three agencies' daily triage of the police's domestic abuse incidents.",
    )
    for board in pending.order_by("day"):
        starts_at = datetime.combine(board.day, time(9, 0), tzinfo=LONDON)
        made_at = board.closed_at or starts_at
        sitting = Sitting.objects.create(
            group=group,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            created_at=made_at,
            created_by_id=board.closed_by_id,
        )
        AgendaItem.objects.create(
            meeting=sitting,
            position=1,
            title="DRAMM board",
            minutes=60,
            kind="domestic_abuse.dramm",
            key=f"board:{board.day.isoformat()}",
            link=f"/domestic-abuse/board/{board.day.isoformat()}/",
            added_at=made_at,
            added_by_id=board.closed_by_id,
        )
        organisations = sorted({p.organisation_id for p in board.attendees.all()})
        Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=sitting,
                    organisation_id=organisation_id,
                    status="present",
                    recorded_at=made_at,
                    recorded_by_id=board.closed_by_id,
                )
                for organisation_id in organisations
            ]
        )
        board.sitting = sitting
        board.save(update_fields=["sitting"])


def boards_backwards(apps, schema_editor):
    """The boards keep their attendees: going back only unlinks the meetings."""
    Board = apps.get_model("domestic_abuse", "Board")
    Board.objects.filter(sitting__isnull=False).update(sitting=None)


def backwards(apps, schema_editor):
    MaracMeeting = apps.get_model("domestic_abuse", "MaracMeeting")
    for meeting in MaracMeeting.objects.filter(sitting__isnull=False).select_related("sitting"):
        meeting.held_on = meeting.sitting.starts_at.astimezone(LONDON).date()
        meeting.save(update_fields=["held_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("domestic_abuse", "0005_meetings_sitting"),
        ("core", "0007_access_retention"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(boards_forwards, boards_backwards),
    ]
