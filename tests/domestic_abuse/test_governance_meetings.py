"""The MARAC's meetings and the DRAMM's attendance are governance meetings (ADR 0025)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from safeguard.core.clock import LONDON
from safeguard.core.demo import clock_at
from safeguard.core.models import Group
from safeguard.domestic_abuse import agenda
from safeguard.domestic_abuse.models import Board, MaracMeeting, Outcome, Referral
from safeguard.domestic_abuse.selectors import marac as selectors
from safeguard.domestic_abuse.services.board import board_close, decision_record
from safeguard.domestic_abuse.services.incidents import dash_record, incident_receive
from safeguard.domestic_abuse.services.marac import referral_make
from safeguard.governance.agenda import due_for
from safeguard.governance.agenda import may_open as agenda_may_open
from safeguard.governance.models import AgendaItem, Attendance
from tests import factories
from tests.domestic_abuse import helpers
from tests.domestic_abuse.helpers import FRIDAY_EVENING, MONDAY

pytestmark = pytest.mark.django_db


def _refer(w, reference: str, when: datetime, victim=("Joanne", "Bloggs", date(1990, 4, 17))):
    with clock_at(when):
        incident, _ = incident_receive(
            actor=None,
            organisation=w.police,
            data=helpers.incident(reference, when, victim=victim),
        )
        dash_record(
            actor=None, organisation=w.police, incident=incident, answers=helpers.answers(15)
        )
    with clock_at(datetime.combine(incident.board_day, time(10), tzinfo=LONDON)):
        decision_record(
            actor=w.officer,
            incident=incident,
            outcome=Outcome.MARAC,
            rationale="Visible high risk",
            agreed_by=[w.la, w.police, w.dv],
        )
    return Referral.objects.get(incident=incident)


def test_a_referral_makes_the_marac_groups_meeting_once_per_day_with_its_case_list():
    w = helpers.world()
    first = _refer(w, "P1", FRIDAY_EVENING)
    second = _refer(w, "P2", FRIDAY_EVENING, victim=("Ann", "Other", date(1980, 1, 1)))
    assert first.meeting_id == second.meeting_id
    meeting = MaracMeeting.objects.select_related("sitting__group").get()
    sitting = meeting.sitting
    assert "MARAC" in sitting.group.name  # none existed: the first referral made the group
    assert sitting.starts_at.astimezone(LONDON).time() == time(10, 0)
    assert meeting.held_on == first.meeting.held_on >= MONDAY
    assert sitting.created_by_id == w.officer.pk
    item = AgendaItem.objects.get(meeting=sitting)
    assert item.kind == agenda.KIND and item.key == f"cases:{meeting.held_on.isoformat()}"
    # Need to know: the agenda names no one.
    assert "Bloggs" not in item.title and "Joanne" not in item.title
    # The pages read the date from governance.
    rows = selectors.meeting_list(actor=w.idva, held_on=meeting.held_on)
    assert {r.pk for r in rows} == {first.pk, second.pk}


def test_a_partnership_group_named_marac_is_the_one_that_meets():
    w = helpers.world()
    group = Group.objects.create(name="Westmere MARAC", kind="panel")
    referral = _refer(w, "P1", FRIDAY_EVENING)
    assert referral.meeting.sitting.group_id == group.pk


def test_the_agenda_offers_referral_numbers_to_members_and_the_count_to_anyone_else():
    w = helpers.world()
    referral = _refer(w, "P1", FRIDAY_EVENING)
    group = referral.meeting.sitting.group
    day = referral.meeting.held_on
    member = [s for kind, s in due_for(group, day, w.idva) if kind.kind == agenda.KIND]
    assert [(s.key, s.title) for s in member] == [
        (f"referral:{referral.pk}", f"MARAC referral {referral.pk}")
    ]
    bu = factories.person("business_unit_admin")
    other = [s for kind, s in due_for(group, day, bu) if kind.kind == agenda.KIND]
    assert [(s.key, s.title) for s in other] == [
        (f"cases:{day.isoformat()}", "MARAC case list: 1 referral")
    ]
    assert agenda_may_open(agenda.KIND, w.idva, f"referral:{referral.pk}")
    assert agenda_may_open(agenda.KIND, w.idva, f"cases:{day.isoformat()}")
    assert not agenda_may_open(agenda.KIND, bu, f"referral:{referral.pk}")
    assert not agenda_may_open(agenda.KIND, bu, f"cases:{day.isoformat()}")
    assert not agenda_may_open(agenda.KIND, w.outsider, f"referral:{referral.pk}")
    # Another group's agenda is offered nothing of the MARAC's.
    rag = Group.objects.create(name="Review Advisory Group", kind="rag")
    assert not [s for kind, s in due_for(rag, day, w.idva) if kind.kind == agenda.KIND]


def test_measures_count_by_the_governance_meetings_date():
    w = helpers.world()
    referral = _refer(w, "P1", FRIDAY_EVENING)
    day = referral.meeting.held_on
    assert selectors.marac_measures(end=day).cases == 1
    assert selectors.marac_measures(end=date.fromordinal(day.toordinal() - 1)).cases == 0


def test_closing_the_board_records_the_dramm_groups_attendance_by_organisation():
    w = helpers.world()
    with clock_at(datetime.combine(MONDAY, time(11), tzinfo=LONDON)):
        board_close(actor=w.officer, day=MONDAY, attendees=[w.officer, w.social_worker, w.idva])
    board = Board.objects.select_related("sitting__group").get(day=MONDAY)
    assert board.sitting is not None and "DRAMM" in board.sitting.group.name
    assert dict(Attendance.objects.filter(meeting=board.sitting).values_list(
        "organisation_id", "status"
    )) == {w.police.pk: "present", w.la.pk: "present", w.dv.pk: "present"}  # fmt: skip
    assert board.attendees.count() == 3  # who attended by name stays the board's
    assert AgendaItem.objects.get(meeting=board.sitting).key == f"board:{MONDAY.isoformat()}"
    assert agenda_may_open(agenda.DRAMM_KIND, w.officer, f"board:{MONDAY.isoformat()}")
    assert not agenda_may_open(agenda.DRAMM_KIND, w.lead, f"board:{MONDAY.isoformat()}")


def test_a_board_never_closed_has_no_governance_meeting():
    w = helpers.world()
    _refer(w, "P1", FRIDAY_EVENING)
    assert Board.objects.get(day=MONDAY).sitting is None


def test_a_direct_referral_goes_to_the_same_days_meeting():
    w = helpers.world()
    first = _refer(w, "P1", FRIDAY_EVENING)
    with clock_at(FRIDAY_EVENING):
        incident, _ = incident_receive(
            actor=None,
            organisation=w.police,
            data=helpers.incident("P9", FRIDAY_EVENING, victim=("Zoe", "Ng", date(1979, 2, 2))),
        )
    direct = referral_make(
        actor=w.lead, incident=incident, source="agency", reason="Direct", referred_on=MONDAY
    )
    assert direct.meeting_id == first.meeting_id
    assert MaracMeeting.objects.count() == 1
