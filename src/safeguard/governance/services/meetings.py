"""Scheduling a group's meetings and running them: agenda, papers, attendance, minutes, the
actions they agree and the invitations that go out.

Each change is one transaction, audited (free text by length only). Two kinds of clock go on
"What is due" (module ``meetings``, ADR 0008): a paper owed by an item's owner organisation,
due a set number of working days before the meeting; and draft minutes, due to be approved at
the group's next meeting.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from safeguard.core import audit, holidays
from safeguard.core.clock import HolidayDataExhausted, end_of_day, london_date
from safeguard.core.models import Deadline, Group, Membership, Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.outbox import message_enqueue
from safeguard.core.services.deadlines import deadline_cancel, deadline_meet, deadline_open
from safeguard.governance import agenda, policies, scheduling
from safeguard.governance.models import (
    Action,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingFormat,
    MinutesStatus,
    Paper,
)
from safeguard.governance.services._common import fail, person_of, refuse_unless, state, text_marks

CLOCKS = "meetings"  # the module name of meetings' clocks on "What is due"
MEETING = "governance.meeting"
ITEM = "governance.agenda_item"
PAPER = "governance.paper"
ATTENDANCE = "governance.attendance"
SOURCE_KIND = "meeting"  # the action plan's source kind for actions agreed at a meeting
INVITATION = "governance.meeting_invitation"
LONDON = "Europe/London"
PAPER_MAX_BYTES = 20 * 1024 * 1024
# A paper's file: its name's ending and the bytes such a file starts with.
PAPER_TYPES: dict[str, tuple[bytes, str]] = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".docx": (
        b"PK\x03\x04",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": (
        b"PK\x03\x04",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
_MEETING_FIELDS = ("group_id", "starts_at", "ends_at", "format", "chair_id", "papers_due_days")


def meeting_link(meeting: Meeting) -> str:
    return f"/governance/meetings/{meeting.pk}"


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _aware(day: date, at: time) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.combine(day, at, tzinfo=ZoneInfo(LONDON))


def held_on(meeting: Meeting) -> date:
    return london_date(meeting.starts_at)


# --- scheduling ------------------------------------------------------------------------------


def meeting_schedule(
    *,
    actor: Any,
    group: Group | None,
    first_day: date | None,
    starts: time | None,
    ends: time | None,
    frequency: str = scheduling.ONCE,
    count: int = 1,
    format: str = MeetingFormat.IN_PERSON,
    venue: str = "",
    joining_link: str = "",
    chair: Person | None = None,
    papers_due_days: int = 5,
    now: datetime | None = None,
) -> list[Meeting]:
    """Schedule one meeting or a recurring series for a group, each on a working day.

    A date on a weekend or bank holiday moves to the next working day (``scheduling``)."""
    refuse_unless(policies.may_manage_meetings(actor))
    errors: dict[str, str] = {}
    if group is None:
        errors["group"] = "Choose the group that meets"
    if first_day is None:
        errors["first_day"] = "Enter the date of the first meeting"
    if starts is None:
        errors["starts"] = "Enter the time the meeting starts"
    if ends is None:
        errors["ends"] = "Enter the time the meeting ends"
    elif starts is not None and ends <= starts:
        errors["ends"] = "The meeting must end after it starts"
    if frequency not in scheduling.FREQUENCIES:
        errors["frequency"] = "Choose how often the group meets"
    if format in (MeetingFormat.ONLINE, MeetingFormat.HYBRID) and not joining_link.strip():
        errors["joining_link"] = "Enter the link to join the meeting online"
    if format in (MeetingFormat.IN_PERSON, MeetingFormat.HYBRID) and not venue.strip():
        errors["venue"] = "Enter where the meeting is held"
    if joining_link.strip() and not joining_link.strip().startswith("https://"):
        errors["joining_link"] = "The joining link must start https://"
    if (
        chair is not None
        and group is not None
        and not Membership.objects.filter(group=group, person=chair).exists()
    ):
        errors["chair"] = "Choose a chair who is a member of the group"
    moment = now or timezone.now()
    if first_day is not None and first_day < london_date(moment):
        errors["first_day"] = "The first meeting must be today or later"
    fail(errors)
    assert group is not None and first_day is not None and starts and ends
    try:
        days = scheduling.occurrences(
            first_day, frequency=frequency, count=count, is_working_day=holidays.is_working_day
        )
    except HolidayDataExhausted as error:
        fail(
            {
                "first_day": f"Bank holidays are known only to {day_text(error.covers_until)}:"
                " schedule meetings up to that date"
            }
        )
        raise  # unreachable: fail raised
    series = uuid.uuid4().hex if len(days) > 1 else ""
    created = []
    with transaction.atomic():
        for day in days:
            meeting = Meeting.objects.create(
                group=group,
                series=series,
                starts_at=_aware(day, starts),
                ends_at=_aware(day, ends),
                format=format,
                venue=venue.strip(),
                joining_link=joining_link.strip(),
                chair=chair,
                papers_due_days=papers_due_days,
                created_at=moment,
                created_by=person_of(actor),
            )
            audit.record(
                action=AuditAction.CREATE,
                record_type=MEETING,
                record_id=meeting.pk,
                actor=actor,
                changes=audit.diff({}, state(meeting, _MEETING_FIELDS)),
            )
            created.append(meeting)
    return created


def meeting_cancel(*, actor: Any, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Cancel a meeting still to come: its paper clocks are cancelled with it."""
    refuse_unless(policies.may_manage_meetings(actor))
    moment = now or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.cancelled_at is not None:
            return meeting
        if meeting.starts_at <= moment:
            raise ValidationError({"meeting": "A meeting that has started cannot be cancelled"})
        meeting.cancelled_at = moment
        meeting.save(update_fields=["cancelled_at"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=MEETING,
            record_id=meeting.pk,
            actor=actor,
            changes={"cancelled_at": [None, moment.isoformat()]},
        )
        for clock in Deadline.objects.filter(
            module=CLOCKS, subject_type=ITEM, subject_id__in=_item_ids(meeting)
        ):
            deadline_cancel(deadline=clock, actor=actor)
    return meeting


def _item_ids(meeting: Meeting) -> list[str]:
    return [str(pk) for pk in meeting.items.values_list("pk", flat=True)]


# --- the agenda ------------------------------------------------------------------------------


def _open_paper_clock(item: AgendaItem, *, actor: Any, moment: datetime) -> None:
    meeting = item.meeting
    if not item.paper_expected or item.owner_organisation_id is None:
        return
    if item.papers.exists():
        return
    due_on = scheduling.working_days_before(
        held_on(meeting), meeting.papers_due_days, holidays.is_working_day
    )
    due_at = end_of_day(due_on)
    deadline_open(
        module=CLOCKS,
        kind="paper",
        title=f"Paper for the {meeting.group.name} meeting on {day_text(held_on(meeting))}",
        subject_type=ITEM,
        subject_id=item.pk,
        starts_at=min(moment, due_at),
        due_at=due_at,
        rule=f"{meeting.papers_due_days} working days before the meeting",
        owner_organisation=item.owner_organisation,
        owner_person=item.owner_person,
        group=meeting.group,
        link=f"{meeting_link(meeting)}/items/{item.pk}/papers/add",
        actor=actor,
    )


def _check_item(*, title: str, minutes: int | None) -> dict[str, str]:
    errors = {}
    if not title.strip():
        errors["title"] = "Enter the agenda item"
    elif len(title.strip()) > 300:
        errors["title"] = "The agenda item must be 300 characters or fewer"
    if minutes is None or minutes < 1:
        errors["minutes"] = "Enter how many minutes the item needs, 1 or more"
    elif minutes > 240:
        errors["minutes"] = "An item can take at most 240 minutes"
    return errors


def _still_to_come(meeting: Meeting) -> None:
    if meeting.cancelled_at is not None:
        raise ValidationError({"title": "The meeting has been cancelled"})


def agenda_item_add(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    minutes: int | None = 10,
    owner_organisation: Organisation | None = None,
    owner_person: Person | None = None,
    paper_expected: bool = False,
    kind: str = "",
    key: str = "",
    link: str = "",
    now: datetime | None = None,
) -> AgendaItem:
    """Add an item at the end of the agenda; an owner who owes a paper gets a clock for it."""
    refuse_unless(policies.may_add_item(actor, meeting))
    errors = _check_item(title=title, minutes=minutes)
    if paper_expected and owner_organisation is None:
        errors["owner_organisation"] = "Choose the organisation that writes the paper"
    if (
        owner_person is not None
        and owner_organisation is not None
        and owner_person.organisation_id != owner_organisation.pk
    ):
        errors["owner_person"] = "Choose a person in the organisation that owns the item"
    fail(errors)
    moment = now or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _still_to_come(meeting)
        if key and meeting.items.filter(key=key).exists():
            return meeting.items.get(key=key)
        item = item_append(
            meeting=meeting,
            actor=actor,
            moment=moment,
            title=title.strip(),
            minutes=minutes or 10,
            owner_organisation=owner_organisation,
            owner_person=owner_person,
            paper_expected=paper_expected,
            kind=kind,
            key=key,
            link=link,
        )
        _open_paper_clock(item, actor=actor, moment=moment)
    return item


def item_append(
    *,
    meeting: Meeting,
    actor: Any,
    moment: datetime,
    title: str,
    minutes: int,
    kind: str = "",
    key: str = "",
    link: str = "",
    owner_organisation: Organisation | None = None,
    owner_person: Person | None = None,
    paper_expected: bool = False,
) -> AgendaItem:
    """Put an item at the end of the agenda and audit it. The callers decide who may and when:
    a person adding to a meeting still to come (``agenda_item_add``), or a module recording the
    meeting its own policy allowed (``sittings``)."""
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=last + 1,
        title=title,
        minutes=minutes,
        owner_organisation=owner_organisation,
        owner_person=owner_person,
        paper_expected=paper_expected,
        kind=kind,
        key=key,
        link=link,
        added_at=moment,
        added_by=person_of(actor),
    )
    audit.record(
        action=AuditAction.CREATE,
        record_type=ITEM,
        record_id=item.pk,
        actor=actor,
        changes=audit.diff(
            {},
            {
                "meeting_id": meeting.pk,
                "kind": kind,
                "key": key,
                **state(item, ("position", "minutes", "owner_organisation_id")),
                **text_marks(item, ("title",)),
            },
        ),
    )
    return item


def agenda_fill(
    *, actor: Any, meeting: Meeting, keys: list[str], now: datetime | None = None
) -> list[AgendaItem]:
    """Add the chosen items of what the modules say is due for this group's meeting."""
    refuse_unless(policies.may_manage_meetings(actor))
    offered = {
        suggestion.key: (entry, suggestion)
        for entry, suggestion in agenda.due_for(meeting.group, held_on(meeting), actor)
    }
    unknown = [key for key in keys if key not in offered]
    if not keys:
        fail({"keys": "Choose at least one item to add"})
    if unknown:
        fail({"keys": "An item chosen is no longer due: choose again"})
    owners = {
        org.pk: org
        for org in Organisation.objects.filter(
            pk__in=[offered[key][1].owner_organisation_id for key in keys]
        )
    }
    added = []
    with transaction.atomic():
        for key in keys:
            entry, suggestion = offered[key]
            added.append(
                agenda_item_add(
                    actor=actor,
                    meeting=meeting,
                    title=suggestion.title,
                    minutes=suggestion.minutes,
                    owner_organisation=owners.get(suggestion.owner_organisation_id or 0),
                    paper_expected=suggestion.paper_expected
                    and suggestion.owner_organisation_id is not None,
                    kind=entry.kind,
                    key=suggestion.key,
                    link=suggestion.link,
                    now=now,
                )
            )
    return added


def agenda_item_move(*, actor: Any, item: AgendaItem, up: bool) -> AgendaItem:
    """Swap an item with the one before (``up``) or after it; the order is renumbered 1, 2 ..."""
    refuse_unless(policies.may_manage_meetings(actor))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        items = list(meeting.items.order_by("position", "pk"))
        index = next(i for i, found in enumerate(items) if found.pk == item.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        for position, found in enumerate(items, start=1):
            if found.position != position:
                found.position = position
                found.save(update_fields=["position"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=MEETING,
            record_id=meeting.pk,
            actor=actor,
            detail="agenda reordered",
        )
    item.refresh_from_db()
    return item


def agenda_item_update(
    *,
    actor: Any,
    item: AgendaItem,
    title: str,
    minutes: int | None,
    owner_organisation: Organisation | None,
    now: datetime | None = None,
) -> AgendaItem:
    """Correct an item's wording, time or owner; a paper clock follows the new owner."""
    refuse_unless(policies.may_manage_meetings(actor))
    fail(_check_item(title=title, minutes=minutes))
    moment = now or timezone.now()
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
        before = {
            **state(item, ("minutes", "owner_organisation_id")),
            **text_marks(item, ("title",)),
        }
        item.title = title.strip()
        item.minutes = minutes or item.minutes
        item.owner_organisation = owner_organisation
        item.save(update_fields=["title", "minutes", "owner_organisation"])
        changes = audit.diff(
            before,
            {**state(item, ("minutes", "owner_organisation_id")), **text_marks(item, ("title",))},
        )
        if changes:
            audit.record(
                action=AuditAction.UPDATE,
                record_type=ITEM,
                record_id=item.pk,
                actor=actor,
                changes=changes,
            )
        clock = _paper_clock(item)
        if owner_organisation is None and clock is not None and clock.met_at is None:
            deadline_cancel(deadline=clock, actor=actor)
        elif clock is None or clock.met_at is None:
            _open_paper_clock(item, actor=actor, moment=moment)
    return item


def _paper_clock(item: AgendaItem) -> Deadline | None:
    return Deadline.objects.filter(
        module=CLOCKS, kind="paper", subject_type=ITEM, subject_id=str(item.pk)
    ).first()


# --- papers ----------------------------------------------------------------------------------


def paper_file_errors(*, name: str, size: int, head: bytes) -> dict[str, str]:
    """A paper is a PDF, Word, Excel or PowerPoint file of at most 20 MB, checked by its first
    bytes as well as its name."""
    if size == 0:
        return {"file": "The selected file is empty"}
    if size > PAPER_MAX_BYTES:
        return {"file": "The selected file must be smaller than 20 MB"}
    ending = "." + name.lower().rsplit(".", 1)[-1] if "." in name else ""
    expected = PAPER_TYPES.get(ending)
    if expected is None or not head.startswith(expected[0]):
        return {"file": "The selected file must be a PDF, Word, Excel or PowerPoint file"}
    return {}


def safe_file_name(name: str) -> str:
    import re

    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip(".-")
    return (cleaned or "paper")[:100]


def paper_add(
    *,
    actor: Any,
    item: AgendaItem,
    title: str,
    purpose: str,
    decision_needed: str,
    risks: str = "",
    restricted: bool = False,
    file_name: str = "",
    content: bytes = b"",
    now: datetime | None = None,
) -> Paper:
    """Attach a paper to an item: its cover report (purpose, decision needed, risks) and, when
    given, its file. Meets the item's paper clock. Audited by size and fingerprint only."""
    refuse_unless(policies.may_add_paper(actor, item))
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter the title of the paper"
    elif len(title.strip()) > 200:
        errors["title"] = "The title must be 200 characters or fewer"
    if not purpose.strip():
        errors["purpose"] = "Enter the purpose of the paper"
    if not decision_needed.strip():
        errors["decision_needed"] = "Enter the decision the group is asked to make"
    if file_name or content:
        errors |= paper_file_errors(name=file_name, size=len(content), head=content[:8])
    fail(errors)
    moment = now or timezone.now()
    ending = "." + file_name.lower().rsplit(".", 1)[-1] if content else ""
    with transaction.atomic():
        paper = Paper.objects.create(
            item=item,
            title=title.strip(),
            purpose=purpose.strip(),
            decision_needed=decision_needed.strip(),
            risks=risks.strip(),
            author_organisation=getattr(actor, "organisation", None),
            restricted=restricted,
            file_name=safe_file_name(file_name) if content else "",
            content_type=PAPER_TYPES[ending][1] if content else "",
            content=content,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest() if content else "",
            uploaded_at=moment,
            uploaded_by=person_of(actor),
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=PAPER,
            record_id=paper.pk,
            actor=actor,
            changes=audit.diff(
                {},
                {
                    "item_id": item.pk,
                    "restricted": restricted,
                    **state(paper, ("file_name", "size", "sha256")),
                    **text_marks(paper, ("title", "purpose", "decision_needed", "risks")),
                },
            ),
        )
        clock = _paper_clock(item)
        if clock is not None and clock.met_at is None and clock.cancelled_at is None:
            deadline_meet(deadline=clock, met_at=moment, actor=actor)
    return paper


# --- attendance ------------------------------------------------------------------------------


def attendance_record(
    *,
    actor: Any,
    meeting: Meeting,
    statuses: dict[int, str],
    now: datetime | None = None,
) -> list[Attendance]:
    """Record each organisation's attendance (blank leaves it unrecorded); once the meeting
    has started, and never for a cancelled one."""
    refuse_unless(policies.may_manage_meetings(actor))
    moment = now or timezone.now()
    if meeting.cancelled_at is not None:
        fail({"meeting": "The meeting was cancelled"})
    if meeting.starts_at > moment:
        fail({"meeting": "Attendance is recorded once the meeting has started"})
    return attendance_write(actor=actor, meeting=meeting, statuses=statuses, moment=moment)


def attendance_write(
    *, actor: Any, meeting: Meeting, statuses: dict[int, str], moment: datetime
) -> list[Attendance]:
    """Write each organisation's attendance, audited; the caller has checked who may."""
    valid = set(AttendanceStatus.values)
    if any(status and status not in valid for status in statuses.values()):
        fail({"meeting": "Choose present, deputy, apologies or absent"})
    recorded = []
    with transaction.atomic():
        existing = {row.organisation_id: row for row in meeting.attendance.all()}
        for organisation_id, status in statuses.items():
            row = existing.get(organisation_id)
            if not status:
                if row is not None:
                    row.delete()
                    audit.record(
                        action=AuditAction.DELETE,
                        record_type=ATTENDANCE,
                        record_id=row.pk,
                        actor=actor,
                        changes={"status": [row.status, None]},
                    )
                continue
            if row is not None and row.status == status:
                recorded.append(row)
                continue
            before = row.status if row else None
            if row is None:
                row = Attendance(meeting=meeting, organisation_id=organisation_id)
            row.status = status
            row.recorded_at = moment
            row.recorded_by = person_of(actor)
            row.save()
            audit.record(
                action=AuditAction.UPDATE if before else AuditAction.CREATE,
                record_type=ATTENDANCE,
                record_id=row.pk,
                actor=actor,
                changes={
                    "meeting_id": [None, meeting.pk],
                    "organisation_id": [None, organisation_id],
                    "status": [before, status],
                },
            )
            recorded.append(row)
    return recorded


# --- minutes and actions ---------------------------------------------------------------------


def next_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(
            group_id=meeting.group_id, starts_at__gt=meeting.starts_at, cancelled_at__isnull=True
        )
        .order_by("starts_at")
        .first()
    )


def _open_minutes_clock(meeting: Meeting, *, actor: Any, moment: datetime) -> None:
    following = next_meeting(meeting)
    if following is not None:
        due_on = held_on(following)
        rule = f"Approved at the next meeting, on {day_text(due_on)}"
    else:
        due_on = holidays.add_working_days(held_on(meeting), 30)
        rule = "Approved at the next meeting: 30 working days while none is set"
    due_at = end_of_day(due_on)
    deadline_open(
        module=CLOCKS,
        kind="minutes",
        title=f"Minutes of the {meeting.group.name} meeting on {day_text(held_on(meeting))}",
        subject_type=MEETING,
        subject_id=meeting.pk,
        starts_at=min(moment, due_at),
        due_at=due_at,
        rule=rule,
        group=meeting.group,
        link=meeting_link(meeting),
        actor=actor,
    )


def minutes_record(
    *,
    actor: Any,
    item: AgendaItem,
    discussion: str,
    decisions: str,
    now: datetime | None = None,
) -> AgendaItem:
    """Write an item's minutes (a summary of the discussion and the decisions made). The
    meeting's minutes become a draft, with a clock for their approval at the next meeting."""
    refuse_unless(policies.may_manage_meetings(actor))
    moment = now or timezone.now()
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update().select_related("group").get(pk=item.meeting_id)
        )
        if meeting.cancelled_at is not None:
            fail({"discussion": "The meeting was cancelled"})
        if meeting.starts_at > moment:
            fail({"discussion": "Minutes are written once the meeting has started"})
        if meeting.minutes_status == MinutesStatus.APPROVED:
            fail({"discussion": "The minutes have been approved and can no longer be changed"})
        if not discussion.strip() and not decisions.strip():
            fail({"discussion": "Enter a summary of the discussion or the decisions made"})
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        before = text_marks(item, ("discussion", "decisions"))
        item.discussion = discussion.strip()
        item.decisions = decisions.strip()
        item.save(update_fields=["discussion", "decisions"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=ITEM,
            record_id=item.pk,
            actor=actor,
            changes=audit.diff(before, text_marks(item, ("discussion", "decisions"))),
        )
        if meeting.minutes_status == MinutesStatus.NOT_WRITTEN:
            meeting.minutes_status = MinutesStatus.DRAFT
            meeting.save(update_fields=["minutes_status"])
            audit.record(
                action=AuditAction.UPDATE,
                record_type=MEETING,
                record_id=meeting.pk,
                actor=actor,
                changes={"minutes_status": [MinutesStatus.NOT_WRITTEN, MinutesStatus.DRAFT]},
            )
            _open_minutes_clock(meeting, actor=actor, moment=moment)
    return item


def minutes_approve(*, actor: Any, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """The group approved the draft minutes at its next meeting, once that meeting is held."""
    refuse_unless(policies.may_manage_meetings(actor))
    moment = now or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        following = next_meeting(meeting)
        if not scheduling.may_approve_minutes(
            minutes_status=meeting.minutes_status,
            held_on=held_on(meeting),
            next_meeting_on=held_on(following) if following else None,
            today=london_date(moment),
        ):
            fail(
                {
                    "meeting": "Draft minutes are approved at the group's next meeting,"
                    " once it has been held"
                }
            )
        assert following is not None
        meeting.minutes_status = MinutesStatus.APPROVED
        meeting.minutes_approved_at = following
        meeting.save(update_fields=["minutes_status", "minutes_approved_at"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=MEETING,
            record_id=meeting.pk,
            actor=actor,
            changes={
                "minutes_status": [MinutesStatus.DRAFT, MinutesStatus.APPROVED],
                "minutes_approved_at_id": [None, following.pk],
            },
        )
        clock = Deadline.objects.filter(
            module=CLOCKS, kind="minutes", subject_type=MEETING, subject_id=str(meeting.pk)
        ).first()
        if clock is not None and clock.met_at is None:
            deadline_meet(deadline=clock, met_at=moment, actor=actor)
    return meeting


def meeting_action_add(
    *,
    actor: Any,
    item: AgendaItem,
    title: str,
    owner_organisation: Organisation | None,
    due_on: date | None,
    description: str = "",
    owner_person: Person | None = None,
    now: datetime | None = None,
) -> Action:
    """An action agreed at the meeting, straight into the shared action plan (source
    "meeting"), with the item named in its description."""
    from safeguard.governance.services.actions import action_create

    refuse_unless(policies.may_manage_meetings(actor))
    meeting = item.meeting
    if meeting.cancelled_at is not None:
        fail({"title": "The meeting was cancelled"})
    source_title = f"{meeting.group.name}, {day_text(held_on(meeting))}"
    return action_create(
        actor=actor,
        source_kind=SOURCE_KIND,
        source_id=meeting.pk,
        title=title,
        owner_organisation=owner_organisation,
        due_on=due_on,
        description=description or f"Agreed under item {item.position}: {item.title}",
        owner_person=owner_person,
        source_title=source_title,
        now=now,
    )


# --- invitations -----------------------------------------------------------------------------


def invitations_send(*, actor: Any, meeting: Meeting) -> int:
    """Send every member of the group the meeting's calendar invitation through the outbox.

    The e-mail says only that a meeting of a group the person belongs to is set, and links to
    it; the invitation (ICS) is attached when the message is sent, from the meeting as it is
    then. Sending again (after a change) sends a new copy that replaces the first in calendars.
    """
    refuse_unless(policies.may_manage_meetings(actor))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
        if meeting.cancelled_at is not None:
            fail({"meeting": "The meeting was cancelled"})
        meeting.invitations_sent += 1
        meeting.save(update_fields=["invitations_sent"])
        members = Person.objects.filter(
            memberships__group_id=meeting.group_id, is_active=True
        ).exclude(email="")
        sent = 0
        for person in members:
            message_enqueue(
                recipient=person,
                subject="A partnership meeting invitation",
                body="A meeting of a partnership group you belong to is set. The calendar"
                " invitation is attached; sign in to see the agenda and papers.",
                link=meeting_link(meeting),
                reason=INVITATION,
                record_type=MEETING,
                record_id=meeting.pk,
                dedupe_key=f"governance:invite:{meeting.pk}:{meeting.invitations_sent}:{person.pk}",
            )
            sent += 1
        audit.record(
            action=AuditAction.UPDATE,
            record_type=MEETING,
            record_id=meeting.pk,
            actor=actor,
            changes={"invitations_sent": [meeting.invitations_sent - 1, meeting.invitations_sent]},
        )
    return sent
