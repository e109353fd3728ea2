"""A module's own meeting held as a governance meeting of its group (issue 17, ADR 0025).

The RAG's meeting on a case (an extraordinary RAG meeting, a Rapid Review meeting) and the
other modules' sittings are meetings of a partnership group like any other: their schedule,
attendance by organisation, papers, minutes, invitation and calendar file are governance's.
The module keeps only its own record (the case, its kind of meeting, who was invited for the
case) and links it to the governance meeting these services make.

A module calls these services for its own record after its own policy has allowed the person
(policies stay in one place per module: the RAG's case meetings are the case's managers' to
call, an API key of the Business Unit included). The record the sitting is about is its first
agenda item, with the module's agenda kind and key (``governance.agenda``), so the item links
to the record only for those the module lets open it, and the registry never offers it twice.

Unlike a meeting scheduled through governance's pages, a module's sitting may be recorded
after it was held (a case meeting is often written up the day after), and its item's minutes
may be written from the meeting's day. Every change is audited, free text by length only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models import Group
from safeguard.core.models.audit import AuditAction
from safeguard.governance.models import AgendaItem, Attendance, Meeting, MinutesStatus
from safeguard.governance.services._common import fail, person_of, state, text_marks
from safeguard.governance.services.meetings import (
    ITEM,
    MEETING,
    _aware,
    _open_minutes_clock,
    attendance_write,
    held_on,
    item_append,
)

DEFAULT_STARTS = time(10, 0)
DEFAULT_LENGTH = timedelta(hours=1)
_SITTING_FIELDS = ("group_id", "starts_at", "ends_at")


def sitting_record(
    *,
    actor: Any,
    group: Group | None,
    day: date,
    title: str,
    kind: str,
    key: str,
    link: str,
    starts: time | None = None,
    sitting: Meeting | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Create (or move) the governance meeting of ``group`` that holds a module's sitting, with
    the module's record as its agenda item (``kind``, ``key``, ``link``).

    Moving a sitting whose minutes have been approved is refused: the approved minutes are of
    the meeting on its day."""
    if group is None or not group.active:
        fail({"held_on": "The partnership has no such group: add it on the groups page first"})
    assert group is not None
    moment = now or timezone.now()
    starts_at = _aware(day, starts or DEFAULT_STARTS)
    with transaction.atomic():
        if sitting is None:
            sitting = Meeting.objects.create(
                group=group,
                starts_at=starts_at,
                ends_at=starts_at + DEFAULT_LENGTH,
                created_at=moment,
                created_by=person_of(actor),
            )
            audit.record(
                action=AuditAction.CREATE,
                record_type=MEETING,
                record_id=sitting.pk,
                actor=actor,
                changes=audit.diff({}, {**state(sitting, _SITTING_FIELDS), "for": kind}),
            )
            item_append(
                meeting=sitting,
                actor=actor,
                moment=moment,
                title=title,
                minutes=60,
                kind=kind,
                key=key,
                link=link,
            )
            return sitting
        sitting = Meeting.objects.select_for_update().get(pk=sitting.pk)
        if sitting.starts_at == starts_at:
            _retitle(sitting, key=key, title=title, actor=actor)
            return sitting
        if sitting.minutes_status == MinutesStatus.APPROVED:
            fail(
                {
                    "held_on": "The minutes have been approved:"
                    " the meeting's date can no longer change"
                }
            )
        before = state(sitting, _SITTING_FIELDS)
        length = sitting.ends_at - sitting.starts_at
        sitting.starts_at = starts_at
        sitting.ends_at = starts_at + length
        sitting.save(update_fields=["starts_at", "ends_at"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=MEETING,
            record_id=sitting.pk,
            actor=actor,
            changes=audit.diff(before, state(sitting, _SITTING_FIELDS)),
        )
        _retitle(sitting, key=key, title=title, actor=actor)
    return sitting


def _retitle(sitting: Meeting, *, key: str, title: str, actor: Any) -> None:
    item = sitting.items.filter(key=key).first()
    if item is None or item.title == title:
        return
    before = text_marks(item, ("title",))
    item.title = title
    item.save(update_fields=["title"])
    audit.record(
        action=AuditAction.UPDATE,
        record_type=ITEM,
        record_id=item.pk,
        actor=actor,
        changes=audit.diff(before, text_marks(item, ("title",))),
    )


def sitting_item(sitting: Meeting, key: str) -> AgendaItem | None:
    """The module's record's item on its sitting."""
    return sitting.items.filter(key=key).first()


def sitting_minutes_record(
    *, actor: Any, sitting: Meeting, key: str, discussion: str, now: datetime | None = None
) -> AgendaItem | None:
    """Write the minutes of the module's item on its sitting (blank leaves them as they are).

    As with any meeting, the first minutes make the meeting's minutes a draft, with a clock for
    their approval at the group's next meeting; approved minutes no longer change."""
    text = discussion.strip()
    moment = now or timezone.now()
    with transaction.atomic():
        sitting = Meeting.objects.select_for_update().select_related("group").get(pk=sitting.pk)
        item = sitting.items.select_for_update().filter(key=key).first()
        if item is None or item.discussion == text:
            return item
        if not text:
            return item
        if sitting.minutes_status == MinutesStatus.APPROVED:
            fail({"minutes": "The minutes have been approved and can no longer be changed"})
        if held_on(sitting) > london_date(moment):
            fail({"minutes": "Minutes are written once the meeting has been held"})
        before = text_marks(item, ("discussion",))
        item.discussion = text
        item.save(update_fields=["discussion"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=ITEM,
            record_id=item.pk,
            actor=actor,
            changes=audit.diff(before, text_marks(item, ("discussion",))),
        )
        if sitting.minutes_status == MinutesStatus.NOT_WRITTEN:
            sitting.minutes_status = MinutesStatus.DRAFT
            sitting.save(update_fields=["minutes_status"])
            audit.record(
                action=AuditAction.UPDATE,
                record_type=MEETING,
                record_id=sitting.pk,
                actor=actor,
                changes={"minutes_status": [MinutesStatus.NOT_WRITTEN, MinutesStatus.DRAFT]},
            )
            _open_minutes_clock(sitting, actor=actor, moment=moment)
    return item


def sitting_attendance_record(
    *,
    actor: Any,
    sitting: Meeting,
    statuses: dict[int, str],
    now: datetime | None = None,
) -> list[Attendance]:
    """Record each organisation's attendance at a module's sitting (blank leaves it
    unrecorded), after the module's own policy has allowed the person: the DRAMM's members
    record who attended their day's board. As on the meeting's page, only once the meeting
    has started and never for a cancelled one."""
    moment = now or timezone.now()
    if sitting.cancelled_at is not None:
        fail({"meeting": "The meeting was cancelled"})
    if sitting.starts_at > moment:
        fail({"meeting": "Attendance is recorded once the meeting has started"})
    return attendance_write(actor=actor, meeting=sitting, statuses=statuses, moment=moment)
