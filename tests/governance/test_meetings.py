"""Meetings through their services and pages: scheduling on working days, need to know,
the agenda registry, papers and their clocks, attendance, minutes and their approval,
actions into the plan, and the calendar invitation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from icalendar import Calendar

from safeguard.core.clock import LONDON
from safeguard.core.demo import clock_at
from safeguard.core.models import AuditEvent, Deadline, Group, Membership, OutboxMessage
from safeguard.core.selectors.deadlines import visible_deadlines
from safeguard.governance import agenda, calendar
from safeguard.governance.agenda import AgendaSuggestion
from safeguard.governance.models import Action, Attendance, Meeting
from safeguard.governance.selectors import meetings as selectors
from safeguard.governance.services import meetings as services
from tests.governance.helpers import partnership, signed_in

pytestmark = pytest.mark.django_db

BEFORE = datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)  # when the meetings are scheduled
PDF = b"%PDF-1.4 a paper"


@pytest.fixture
def p():
    found = partnership()
    group = Group.objects.create(name="Test Executive", kind="executive")
    for person in (found.police_lead, found.icb_lead):
        Membership.objects.create(group=group, person=person, role="member")
    found.group = group  # type: ignore[attr-defined]
    return found


def _schedule(p, first: date, **extra):
    with clock_at(BEFORE):
        return services.meeting_schedule(
            actor=p.bu_officer,
            group=p.group,
            first_day=first,
            starts=time(10),
            ends=time(12),
            venue="Council House",
            **extra,
        )


def test_a_series_falls_on_working_days_and_each_meeting_is_its_own_record(p) -> None:
    # Tuesdays from 8 December 2026: the 29th follows Christmas; weekly for four weeks.
    meetings = _schedule(p, date(2026, 12, 8), frequency="weekly", count=4)
    days = [services.held_on(m) for m in meetings]
    assert days == [date(2026, 12, 8), date(2026, 12, 15), date(2026, 12, 22), date(2026, 12, 29)]
    assert len({m.series for m in meetings}) == 1 and meetings[0].series
    # Friday 25 December, a bank holiday: the one-off meeting moves to Tuesday 29th.
    christmas = _schedule(p, date(2026, 12, 25))[0]
    assert services.held_on(christmas) == date(2026, 12, 29)


def test_scheduling_refuses_bad_input_with_messages(p) -> None:
    with clock_at(BEFORE), pytest.raises(ValidationError) as error:
        services.meeting_schedule(
            actor=p.bu_officer,
            group=p.group,
            first_day=date(2026, 10, 1),
            starts=time(12),
            ends=time(11),
            format="online",
            chair=p.school_dsl,
        )
    errors = error.value.message_dict
    assert errors["first_day"] == ["The first meeting must be today or later"]
    assert errors["ends"] == ["The meeting must end after it starts"]
    assert errors["joining_link"] == ["Enter the link to join the meeting online"]
    assert errors["chair"] == ["Choose a chair who is a member of the group"]
    assert not Meeting.objects.exists()
    with clock_at(BEFORE), pytest.raises(PermissionDenied):
        services.meeting_schedule(
            actor=p.police_lead,
            group=p.group,
            first_day=date(2026, 12, 8),
            starts=time(10),
            ends=time(11),
            venue="x",
        )


def test_members_and_the_business_unit_see_a_meeting_and_no_one_else(p) -> None:
    meeting = _schedule(p, date(2026, 12, 8))[0]
    url = reverse("governance:meeting", args=[meeting.pk])
    assert signed_in(p.police_lead).get(url).status_code == 200
    assert signed_in(p.bu_officer).get(url).status_code == 200
    assert signed_in(p.school_dsl).get(url).status_code == 404
    listing = signed_in(p.school_dsl).get(reverse("governance:meetings")).content.decode()
    assert "Test Executive" not in listing


def test_a_restricted_paper_is_for_members_only(p) -> None:
    meeting = _schedule(p, date(2026, 12, 8))[0]
    with clock_at(BEFORE):
        item = services.agenda_item_add(
            actor=p.police_lead,
            meeting=meeting,
            title="Custody review",
            owner_organisation=p.police,
        )
        paper = services.paper_add(
            actor=p.police_lead,
            item=item,
            title="Custody paper",
            purpose="To inform",
            decision_needed="Note",
            restricted=True,
            file_name="custody.pdf",
            content=PDF,
        )
    file_url = reverse("governance:paper_file", args=[meeting.pk, paper.pk])
    member = signed_in(p.icb_lead).get(file_url)
    assert member.status_code == 200 and member.content == PDF
    assert member["Content-Disposition"] == 'attachment; filename="custody.pdf"'
    # The Business Unit runs the meeting but is not a member: the paper is not shown to it.
    assert signed_in(p.bu_officer).get(file_url).status_code == 404
    reads = AuditEvent.objects.filter(record_type="governance.paper", record_id=str(paper.pk))
    assert reads.filter(action="view", actor_id=p.icb_lead.pk).exists()
    assert reads.filter(action="denied", actor_id=p.bu_officer.pk).exists()
    page = signed_in(p.bu_officer).get(reverse("governance:meeting", args=[meeting.pk]))
    assert "Custody paper" not in page.content.decode()
    assert (
        "Custody paper"
        in signed_in(p.icb_lead)
        .get(reverse("governance:meeting", args=[meeting.pk]))
        .content.decode()
    )


def test_a_paper_file_is_checked_by_its_bytes_and_size(p) -> None:
    meeting = _schedule(p, date(2026, 12, 8))[0]
    with clock_at(BEFORE):
        item = services.agenda_item_add(actor=p.bu_officer, meeting=meeting, title="Report")
    for name, content, message in (
        ("report.pdf", b"MZ not a pdf", "must be a PDF, Word, Excel or PowerPoint file"),
        ("report.exe", PDF, "must be a PDF, Word, Excel or PowerPoint file"),
        ("report.pdf", b"", "The selected file is empty"),
    ):
        with pytest.raises(ValidationError) as error:
            services.paper_add(
                actor=p.bu_officer,
                item=item,
                title="A",
                purpose="B",
                decision_needed="C",
                file_name=name,
                content=content,
            )
        assert message in error.value.message_dict["file"][0]
    big = services.paper_file_errors(
        name="big.pdf", size=services.PAPER_MAX_BYTES + 1, head=b"%PDF-"
    )
    assert big == {"file": "The selected file must be smaller than 20 MB"}
    assert services.paper_file_errors(name="a.docx", size=10, head=b"PK\x03\x04") == {}


def test_a_paper_owed_is_a_clock_for_its_owner_met_when_it_arrives(p) -> None:
    meeting = _schedule(p, date(2026, 12, 8), papers_due_days=5)[0]
    with clock_at(BEFORE):
        item = services.agenda_item_add(
            actor=p.bu_officer,
            meeting=meeting,
            title="Health report",
            owner_organisation=p.icb,
            paper_expected=True,
        )
    clock = Deadline.objects.get(module="meetings", kind="paper")
    # Five working days before Tuesday 8 December 2026: Tuesday 1 December, end of day.
    assert clock.due_at.astimezone(LONDON).date() == date(2026, 12, 1)
    assert clock.owner_organisation == p.icb
    assert visible_deadlines(actor=p.icb_lead).filter(pk=clock.pk).exists()
    # Another member, of another organisation, is not shown a link that would not open.
    assert not visible_deadlines(actor=p.police_lead).filter(pk=clock.pk).exists()
    assert signed_in(p.icb_lead).get(clock.link).status_code == 200
    assert signed_in(p.police_lead).get(clock.link).status_code == 404
    with clock_at(BEFORE + timedelta(days=3)):
        services.paper_add(
            actor=p.icb_lead, item=item, title="Health", purpose="Inform", decision_needed="Note"
        )
    clock.refresh_from_db()
    assert clock.met_at is not None


def test_the_agenda_fills_from_what_the_modules_say_is_due(p) -> None:
    meeting = _schedule(p, date(2026, 12, 8))[0]
    seen = []

    def items_for(group, meeting_date, actor):
        seen.append((group.pk, meeting_date, actor.pk))
        return [
            AgendaSuggestion(key="case:1", title="Case SCSI-2026-0001", link="/reviews/cases/1"),
            AgendaSuggestion(
                key="case:2",
                title="Exception",
                owner_organisation_id=p.police.pk,
                paper_expected=True,
                minutes=20,
            ),
        ]

    def broken(group, meeting_date, actor):
        raise RuntimeError("a module's fault")

    agenda.register(
        "tests.cases", "Test cases", items_for, may_open=lambda a, k: a.pk == p.icb_lead.pk
    )
    agenda.register("tests.broken", "Broken", broken)
    try:
        client = signed_in(p.bu_officer)
        url = reverse("governance:agenda_fill", args=[meeting.pk])
        page = client.get(url).content.decode()
        assert "Case SCSI-2026-0001" in page and "Exception" in page
        assert seen == [(p.group.pk, date(2026, 12, 8), p.bu_officer.pk)]
        response = client.post(url, {"keys": ["case:1", "case:2"]})
        assert response.status_code == 302
        titles = list(meeting.items.values_list("title", "minutes", "owner_organisation"))
        assert titles == [("Case SCSI-2026-0001", 10, None), ("Exception", 20, p.police.pk)]
        # Chosen again, nothing is added twice; what is on the agenda is no longer offered.
        services.agenda_fill(actor=p.bu_officer, meeting=meeting, keys=["case:1"])
        assert meeting.items.count() == 2
        assert "Nothing more is due" in client.get(url).content.decode()
        assert Deadline.objects.filter(module="meetings", kind="paper").count() == 1
        # The link shows only to those the module says it opens for.
        detail = reverse("governance:meeting", args=[meeting.pk])
        assert 'href="/reviews/cases/1"' in signed_in(p.icb_lead).get(detail).content.decode()
        assert (
            'href="/reviews/cases/1"' not in signed_in(p.police_lead).get(detail).content.decode()
        )
    finally:
        agenda._kinds.pop("tests.cases", None)
        agenda._kinds.pop("tests.broken", None)


def test_items_are_timed_in_order_and_can_be_moved(p) -> None:
    meeting = _schedule(p, date(2026, 12, 8))[0]
    with clock_at(BEFORE):
        first = services.agenda_item_add(
            actor=p.bu_officer, meeting=meeting, title="One", minutes=30
        )
        second = services.agenda_item_add(
            actor=p.police_lead, meeting=meeting, title="Two", minutes=100
        )
    rows = selectors.agenda_rows(p.bu_officer, meeting)
    assert [(r.item.title, r.starts) for r in rows] == [("One", time(10)), ("Two", time(10, 30))]
    assert selectors.overrun(meeting) == 10
    client = signed_in(p.bu_officer)
    client.post(reverse("governance:agenda_item_move", args=[meeting.pk, second.pk]), {"to": "up"})
    assert list(meeting.items.values_list("title", flat=True)) == ["Two", "One"]
    first.refresh_from_db()
    assert first.position == 2
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert "10 minutes past the meeting" in page


def _held(p):
    """Two meetings: the first held yesterday, the second to come."""
    first, second = _schedule(p, date(2026, 12, 8), frequency="monthly", count=2)
    with clock_at(BEFORE):
        item = services.agenda_item_add(
            actor=p.bu_officer, meeting=first, title="Priorities", owner_organisation=p.police
        )
    return first, second, item


def test_minutes_are_a_draft_until_approved_at_the_next_meeting(p) -> None:
    first, second, item = _held(p)
    after = datetime(2026, 12, 8, 13, tzinfo=LONDON)
    with clock_at(datetime(2026, 12, 7, 9, tzinfo=LONDON)), pytest.raises(ValidationError):
        services.minutes_record(actor=p.bu_officer, item=item, discussion="Early", decisions="")
    with clock_at(after):
        services.minutes_record(
            actor=p.bu_officer, item=item, discussion="Discussed", decisions="Agreed"
        )
    first.refresh_from_db()
    assert first.minutes_status == "draft"
    clock = Deadline.objects.get(module="meetings", kind="minutes")
    assert clock.due_at.astimezone(LONDON).date() == services.held_on(second)
    assert clock.group == p.group and clock.link == f"/governance/meetings/{first.pk}"
    with clock_at(after), pytest.raises(ValidationError):
        services.minutes_approve(actor=p.bu_officer, meeting=first)  # not yet at the next
    with clock_at(second.starts_at + timedelta(hours=1)):
        client = signed_in(p.bu_officer)
        page = client.get(reverse("governance:meeting", args=[second.pk])).content.decode()
        assert "Record that the minutes were approved" in page
        client.post(reverse("governance:minutes_approve", args=[first.pk]))
    first.refresh_from_db()
    clock.refresh_from_db()
    assert first.minutes_status == "approved" and first.minutes_approved_at == second
    assert clock.met_at is not None
    with clock_at(second.starts_at + timedelta(hours=2)), pytest.raises(ValidationError):
        services.minutes_record(actor=p.bu_officer, item=item, discussion="Late", decisions="")


def test_an_action_agreed_goes_into_the_shared_plan_with_the_meeting_as_source(p) -> None:
    first, _, item = _held(p)
    with clock_at(datetime(2026, 12, 8, 13, tzinfo=LONDON)):
        response = signed_in(p.bu_officer).post(
            reverse("governance:minutes_action_add", args=[first.pk, item.pk]),
            {
                "title": "Refresh the priority plan",
                "owner_organisation": p.police.pk,
                "due_on": "15/01/2027",
            },
        )
    assert response.status_code == 302, response.content
    assert response["Location"].endswith("#actions"), response["Location"]
    action = Action.objects.get()
    assert (action.source_kind, action.source_id) == ("meeting", str(first.pk))
    assert action.source_title == "Test Executive, 8 December 2026"
    # The group's members see the actions their meeting agreed, with a link to the meeting.
    page = signed_in(p.icb_lead).get(reverse("governance:action", args=[action.pk]))
    assert page.status_code == 200
    assert f'href="/governance/meetings/{first.pk}"' in page.content.decode()
    assert (
        signed_in(p.school_dsl).get(reverse("governance:action", args=[action.pk])).status_code
        == 404
    )
    plan = (
        signed_in(p.bu_officer).get(reverse("governance:plan") + "?source=meeting").content.decode()
    )
    assert "Refresh the priority plan" in plan


def test_attendance_by_organisation_and_the_executive_view_over_the_year(p) -> None:
    first, second, _ = _held(p)
    with clock_at(datetime(2026, 12, 8, 13, tzinfo=LONDON)):
        services.attendance_record(
            actor=p.bu_officer,
            meeting=first,
            statuses={p.police.pk: "present", p.icb.pk: "apologies"},
        )
    with clock_at(second.ends_at):
        services.attendance_record(
            actor=p.bu_officer,
            meeting=second,
            statuses={p.police.pk: "deputy", p.icb.pk: "present"},
        )
        page = signed_in(p.icb_lead).get(reverse("governance:partner_attendance") + "?year=2026")
        assert (
            signed_in(p.school_dsl).get(reverse("governance:partner_attendance")).status_code == 404
        )
    assert Attendance.objects.count() == 4
    html = page.content.decode()
    assert "100% (2 of 2)" in html  # police: present, then a deputy
    assert "50% (1 of 2)" in html  # the ICB: apologies, then present
    assert "<svg" in html and "<caption" in html


def test_attendance_is_not_recorded_before_the_meeting(p) -> None:
    meeting = _schedule(p, date(2026, 12, 8))[0]
    with clock_at(BEFORE), pytest.raises(ValidationError):
        services.attendance_record(
            actor=p.bu_officer, meeting=meeting, statuses={p.police.pk: "present"}
        )


def test_the_invitation_goes_to_members_through_the_outbox_without_the_business(p) -> None:
    meeting = _schedule(p, date(2026, 12, 8))[0]
    with clock_at(BEFORE):
        services.agenda_item_add(actor=p.bu_officer, meeting=meeting, title="Secret business")
        with transaction.atomic():
            sent = services.invitations_send(actor=p.bu_officer, meeting=meeting)
    assert sent == 2
    messages = OutboxMessage.objects.filter(reason="governance.meeting_invitation")
    assert {m.to_address for m in messages} == {p.police_lead.email, p.icb_lead.email}
    for message in messages:
        assert "Secret business" not in message.body and "Test Executive" not in message.body
        [(name, content, kind)] = calendar.attachments(message)
        assert (name, kind) == ("invitation.ics", "text/calendar")
        event = Calendar.from_ical(content).walk("VEVENT")[0]
        assert str(event["summary"]) == "Test Executive meeting"
        assert event.decoded("dtstart") == meeting.starts_at
        assert message.to_address in str(event["attendee"])
        assert b"Secret business" not in content
    download = signed_in(p.police_lead).get(reverse("governance:meeting_ics", args=[meeting.pk]))
    assert download["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in download.content


def test_cancelling_a_meeting_cancels_its_paper_clocks(p) -> None:
    meeting = _schedule(p, date(2026, 12, 8))[0]
    with clock_at(BEFORE):
        services.agenda_item_add(
            actor=p.bu_officer,
            meeting=meeting,
            title="Paper",
            owner_organisation=p.icb,
            paper_expected=True,
        )
        services.meeting_cancel(actor=p.bu_officer, meeting=meeting)
    assert Deadline.objects.get(module="meetings").cancelled_at is not None


def test_the_schedule_page_reports_errors_and_keeps_what_was_typed(p) -> None:
    client = signed_in(p.bu_officer)
    with clock_at(BEFORE):
        response = client.post(
            reverse("governance:meeting_add"),
            {
                "group": p.group.pk,
                "first_day": "8/12/2026",
                "starts": "10:00",
                "ends": "9am",
                "frequency": "once",
                "count": "1",
                "format": "in_person",
                "venue": "Hall",
                "papers_due_days": "5",
            },
        )
    html = response.content.decode()
    assert response.status_code == 200 and "The meeting must end after it starts" in html
    assert 'value="Hall"' in html
    with clock_at(BEFORE):
        response = client.post(
            reverse("governance:meeting_add"),
            {
                "group": p.group.pk,
                "first_day": "8/12/2026",
                "starts": "10:00",
                "ends": "12pm",
                "frequency": "monthly",
                "count": "3",
                "format": "in_person",
                "venue": "Hall",
                "papers_due_days": "5",
            },
        )
    assert response.status_code == 302
    assert Meeting.objects.filter(group=p.group).count() == 3


def test_a_member_adds_an_item_and_the_paper_with_its_cover_report(p) -> None:
    meeting = _schedule(p, date(2026, 12, 8))[0]
    client = signed_in(p.police_lead)
    with clock_at(BEFORE):
        client.post(
            reverse("governance:agenda_item_add", args=[meeting.pk]),
            {"title": "Custody update", "minutes": "15", "owner_organisation": p.police.pk},
        )
        item = meeting.items.get()
        response = client.post(
            reverse("governance:paper_add", args=[meeting.pk, item.pk]),
            {
                "title": "Custody paper",
                "purpose": "To inform the group",
                "decision_needed": "To note",
                "risks": "Capacity",
            },
        )
        assert response.status_code == 302
        cover = client.get(response["Location"]).content.decode()
    for text in ("Custody paper", "To inform the group", "To note", "Capacity", "Cover report"):
        assert text in cover
    # Another member may not add a paper to an item that is not theirs.
    assert (
        signed_in(p.icb_lead)
        .get(reverse("governance:paper_add", args=[meeting.pk, item.pk]))
        .status_code
        == 404
    )
