"""Every read of meetings, already narrowed to what the person may see.

A group's meetings are shown to its members and to the Business Unit; a restricted paper to
the group's members only. An agenda item's link is shown only to those it opens for (the
module that offered it says, ``agenda.may_open``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from safeguard.core import audit
from safeguard.core.models import Group, Membership, Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.organisations import GroupKind
from safeguard.governance import agenda, policies, scheduling
from safeguard.governance.models import AgendaItem, Attendance, AttendanceStatus, Meeting, Paper
from safeguard.governance.policies import MeetingCap
from safeguard.governance.services.meetings import ITEM, MEETING, PAPER, held_on, next_meeting


def visible_meetings(actor: Any) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("group", "chair")
    if not policies.can(actor, MeetingCap.USE):
        return meetings.none()
    if policies.can(actor, MeetingCap.SEE_ALL):
        return meetings
    mine = Membership.objects.filter(person_id=actor.pk).values("group_id")
    return meetings.filter(group_id__in=mine)


def visible_groups(actor: Any) -> QuerySet[Group]:
    groups = Group.objects.filter(active=True)
    if policies.can(actor, MeetingCap.SEE_ALL):
        return groups
    return groups.filter(memberships__person_id=actor.pk).distinct()


def meeting_for(*, actor: Any, pk: int) -> Meeting:
    meeting = visible_meetings(actor).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def item_for(*, actor: Any, meeting: Meeting, item_pk: int) -> AgendaItem:
    item = meeting.items.select_related("owner_organisation").filter(pk=item_pk).first()
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


def paper_for(*, actor: Any, meeting: Meeting, paper_pk: int) -> Paper:
    """A paper the person may read; each read is audited (a restricted paper may discuss a
    case), and so is a refusal of one that exists."""
    paper = Paper.objects.filter(pk=paper_pk, item__meeting=meeting).first()
    if paper is None:
        raise Http404
    if not policies.may_read_paper(actor, paper, meeting):
        audit.record(action=AuditAction.DENIED, record_type=PAPER, record_id=paper.pk, actor=actor)
        raise Http404
    audit.record_view(actor=actor, record_type=PAPER, record_id=paper.pk)
    return paper


@dataclass
class AgendaRow:
    item: AgendaItem
    starts: Any
    kind_label: str
    link: str
    papers: list[Paper] = field(default_factory=list)
    may_add_paper: bool = False


def agenda_rows(actor: Any, meeting: Meeting) -> list[AgendaRow]:
    """The agenda as the actor sees it. Whether the actor is a member of the meeting's group is
    read once here and passed to every item's and paper's policy, not read again for each."""
    items = list(meeting.items.select_related("owner_organisation", "owner_person"))
    member = policies.is_member(actor, meeting.group_id)
    papers: dict[int, list[Paper]] = {}
    for paper in Paper.objects.filter(item__meeting=meeting).defer("content"):
        if policies.may_read_paper(actor, paper, meeting, member=member):
            papers.setdefault(paper.item_id, []).append(paper)
    start = meeting.starts_at.astimezone(_london()).time()
    slots = scheduling.timings(start, [item.minutes for item in items])
    rows = []
    for item, slot in zip(items, slots, strict=True):
        item.meeting = meeting
        link = ""
        if item.link and item.kind and agenda.may_open(item.kind, actor, item.key):
            link = item.link
        rows.append(
            AgendaRow(
                item=item,
                starts=slot.starts,
                kind_label=agenda.label(item.kind),
                link=link,
                papers=papers.get(item.pk, []),
                may_add_paper=policies.may_add_paper(actor, item, member=member),
            )
        )
    return rows


def _london() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/London")


def overrun(meeting: Meeting) -> int:
    zone = _london()
    return scheduling.overruns(
        start=meeting.starts_at.astimezone(zone).time(),
        end=meeting.ends_at.astimezone(zone).time(),
        minutes=meeting.items.values_list("minutes", flat=True),
    )


def suggestions(actor: Any, meeting: Meeting) -> list[dict[str, Any]]:
    """What the modules say is due for this meeting and is not on its agenda yet."""
    on_agenda = set(meeting.items.exclude(key="").values_list("key", flat=True))
    owners = dict(Organisation.objects.values_list("pk", "name"))
    found = []
    for entry, suggestion in agenda.due_for(meeting.group, held_on(meeting), actor):
        if suggestion.key in on_agenda:
            continue
        found.append(
            {
                "key": suggestion.key,
                "title": suggestion.title,
                "kind": entry.label,
                "minutes": suggestion.minutes,
                "owner": owners.get(suggestion.owner_organisation_id or 0, ""),
            }
        )
    return found


def attendance_rows(meeting: Meeting) -> list[dict[str, Any]]:
    """The organisations expected (those of the group's members, and every statutory partner
    for the Executive), with what was recorded."""
    recorded = {row.organisation_id: row for row in meeting.attendance.all()}
    expected = Organisation.objects.filter(
        Q(
            pk__in=Membership.objects.filter(group_id=meeting.group_id).values(
                "person__organisation"
            )
        )
        | Q(pk__in=list(recorded))
        | (Q(statutory_partner=True) if meeting.group.kind == GroupKind.EXECUTIVE else Q(pk=None))
    ).order_by("name")
    return [
        {
            "organisation": organisation,
            "status": recorded[organisation.pk].status if organisation.pk in recorded else "",
            "label": (
                recorded[organisation.pk].get_status_display()
                if organisation.pk in recorded
                else "Not recorded"
            ),
        }
        for organisation in expected
    ]


def previous_with_draft_minutes(meeting: Meeting) -> Meeting | None:
    """The group's last meeting before this one, when its minutes wait for approval here."""
    earlier = (
        Meeting.objects.filter(
            group_id=meeting.group_id,
            starts_at__lt=meeting.starts_at,
            cancelled_at__isnull=True,
        )
        .order_by("-starts_at")
        .first()
    )
    if earlier is None or earlier.minutes_status != "draft":
        return None
    following = next_meeting(earlier)
    return earlier if following is not None and following.pk == meeting.pk else None


# --- the Executive's view of statutory partners' attendance ----------------------------------


@dataclass
class PartnerAttendance:
    organisation: Organisation
    cells: list[str]
    attended: int
    recorded: int

    @property
    def rate(self) -> str:
        return scheduling.percent(self.attended, self.recorded)

    @property
    def percent_value(self) -> int:
        return round(100 * self.attended / self.recorded) if self.recorded else 0


def executive_groups() -> list[int]:
    return list(Group.objects.filter(kind=GroupKind.EXECUTIVE).values_list("pk", flat=True))


def partner_attendance(*, start: date, end: date) -> tuple[list[Meeting], list[PartnerAttendance]]:
    """Each statutory partner's attendance at the Executive's meetings held from ``start`` to
    ``end``: one cell per meeting, and the share attended (a deputy counts)."""
    from datetime import datetime, time, timedelta

    zone = _london()
    meetings = list(
        Meeting.objects.filter(
            group_id__in=executive_groups(),
            cancelled_at__isnull=True,
            starts_at__gte=datetime.combine(start, time(0), tzinfo=zone),
            starts_at__lt=datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone),
        ).order_by("starts_at")
    )
    marks = {
        (row.meeting_id, row.organisation_id): row.status
        for row in Attendance.objects.filter(meeting__in=meetings)
    }
    labels = dict(AttendanceStatus.choices)
    rows = []
    for organisation in Organisation.objects.filter(statutory_partner=True, active=True):
        statuses = [marks.get((meeting.pk, organisation.pk), "") for meeting in meetings]
        attended, recorded = scheduling.attendance_rate(s for s in statuses if s)
        rows.append(
            PartnerAttendance(
                organisation=organisation,
                cells=[labels.get(status, "Not recorded") for status in statuses],
                attended=attended,
                recorded=recorded,
            )
        )
    return meetings, rows


# --- "What is due" ---------------------------------------------------------------------------


def deadline_access(actor: Any) -> Q:
    """A meeting's clocks open its pages: listed to those who may see the meeting."""
    if policies.can(actor, MeetingCap.SEE_ALL) and policies.may_manage_meetings(actor):
        return Q(subject_type__in=[MEETING, ITEM])  # every meeting and every paper page
    meetings = visible_meetings(actor).annotate(subject=Cast("pk", output_field=CharField()))
    items = AgendaItem.objects.filter(meeting__in=visible_meetings(actor).values("pk"))
    if not policies.may_manage_meetings(actor):
        # A paper's clock opens the page to add it: its owner organisation's members only.
        items = items.filter(
            Q(owner_organisation_id=getattr(actor, "organisation_id", None))
            | Q(added_by_id=actor.pk)
        )
    items = items.annotate(subject=Cast("pk", output_field=CharField()))
    return Q(subject_type=MEETING, subject_id__in=meetings.values("subject")) | Q(
        subject_type=ITEM, subject_id__in=items.values("subject")
    )


# --- the action plan's source "meeting" ------------------------------------------------------


def source_link(source_id: str) -> str | None:
    return f"/governance/meetings/{source_id}" if source_id.isdigit() else None


def source_may_view(actor: Any, source_id: str) -> bool:
    """The group's members see the actions their meetings agreed."""
    if not source_id.isdigit():
        return False
    meeting = Meeting.objects.filter(pk=int(source_id)).first()
    return meeting is not None and policies.may_view_meeting(actor, meeting)


def source_visible(actor: Any) -> list[str]:
    return [str(pk) for pk in visible_meetings(actor).values_list("pk", flat=True)]


def papers_due_on(meeting: Meeting) -> date:
    from safeguard.core import holidays

    # One calendar for the walk back (not a read of the added holidays per day walked).
    return scheduling.working_days_before(
        held_on(meeting), meeting.papers_due_days, holidays.calendar().is_working_day
    )


def may_approve(meeting: Meeting, *, today: date) -> bool:
    following = next_meeting(meeting)
    return scheduling.may_approve_minutes(
        minutes_status=meeting.minutes_status,
        held_on=held_on(meeting),
        next_meeting_on=held_on(following) if following else None,
        today=today,
    )


def upcoming_meetings_of(*, groups: list[Group], earliest: date) -> list[Meeting]:
    """The groups' meetings held on or after ``earliest`` and not cancelled, first first: for a
    module that times its own work by a group's meetings (the PMSG's exceptions)."""
    from datetime import datetime, time

    start = datetime.combine(earliest, time(0), tzinfo=_london())
    return list(
        Meeting.objects.filter(
            group__in=groups, starts_at__gte=start, cancelled_at__isnull=True
        ).order_by("starts_at")
    )
