"""The services and the board selector against the database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguard.core.clock import LONDON
from safeguard.core.demo import clock_at
from safeguard.core.models import AuditEvent
from safeguard.domestic_abuse.models import Adult, Incident, Outcome, Referral
from safeguard.domestic_abuse.rules import Criterion
from safeguard.domestic_abuse.selectors.board import board_cases, board_for
from safeguard.domestic_abuse.services.board import board_close, decision_record
from safeguard.domestic_abuse.services.incidents import dash_record, incident_receive
from safeguard.domestic_abuse.services.marac import research_record
from safeguard.domestic_abuse.services.people import adults_relink, link_decide
from tests.domestic_abuse import helpers
from tests.domestic_abuse.helpers import FRIDAY_EVENING, MONDAY

pytestmark = pytest.mark.django_db


def _receive(w, reference, when, **kwargs):
    with clock_at(when):
        found, _ = incident_receive(
            actor=None, organisation=w.police, data=helpers.incident(reference, when, **kwargs)
        )
    return found


def _criteria(day):
    return {c.incident.reference: [f.criterion for f in c.findings] for c in board_cases(day=day)}


def test_a_friday_incident_is_on_mondays_board_with_its_dash_level():
    w = helpers.world()
    incident = _receive(w, "P1", FRIDAY_EVENING)
    assert incident.board_day == MONDAY
    assert _criteria(MONDAY) == {}  # no criterion yet: not on the board
    dash_record(actor=None, organisation=w.police, incident=incident, answers=helpers.answers(14))
    assert _criteria(MONDAY) == {"P1": [Criterion.VISIBLE_HIGH_RISK]}


def test_a_resend_updates_the_incident_and_an_identical_dash_is_not_a_new_version():
    w = helpers.world()
    first = _receive(w, "P1", FRIDAY_EVENING)
    again = _receive(w, "P1", FRIDAY_EVENING)
    assert first.pk == again.pk and again.version == 2
    assert Incident.objects.count() == 1 and Adult.objects.count() == 2
    one = dash_record(actor=None, organisation=w.police, incident=again, answers=helpers.answers(3))
    same = dash_record(
        actor=None, organisation=w.police, incident=again, answers=helpers.answers(3)
    )
    revised = dash_record(
        actor=None, organisation=w.police, incident=again, answers=helpers.answers(4)
    )
    assert one.pk == same.pk and revised.version == 2


def test_judgement_needs_a_reason_and_raises_the_level():
    w = helpers.world()
    incident = _receive(w, "P1", FRIDAY_EVENING)
    with pytest.raises(ValidationError):
        dash_record(
            actor=None,
            organisation=w.police,
            incident=incident,
            answers=helpers.answers(3),
            judgement="high",
        )
    dash = dash_record(
        actor=None,
        organisation=w.police,
        incident=incident,
        answers=helpers.answers(3),
        judgement="high",
        judgement_reason="Threats with a knife last week",
    )
    assert dash.level == "high"
    assert _criteria(MONDAY) == {"P1": [Criterion.PROFESSIONAL_JUDGEMENT]}


def test_escalation_found_through_a_misspelt_victim():
    w = helpers.world()
    _receive(w, "P1", FRIDAY_EVENING - timedelta(days=200))
    _receive(
        w,
        "P2",
        FRIDAY_EVENING - timedelta(days=90),
        victim=("Joanne", "Blogs", date(1990, 4, 17)),
    )
    third = _receive(w, "P3", FRIDAY_EVENING, victim=("Joane", "Bloggs", date(1990, 4, 17)))
    assert Incident.objects.filter(victim_key=third.victim_key).count() == 3
    assert _criteria(MONDAY) == {"P3": [Criterion.POTENTIAL_ESCALATION]}


def test_a_referral_then_a_repeat_within_twelve_months():
    w = helpers.world()
    first = _receive(w, "P1", datetime(2026, 1, 5, 20, 0, tzinfo=LONDON))
    dash_record(actor=None, organisation=w.police, incident=first, answers=helpers.answers(15))
    with clock_at(datetime(2026, 1, 6, 10, 0, tzinfo=LONDON)):
        decision_record(
            actor=w.officer,
            incident=first,
            outcome=Outcome.MARAC,
            rationale="High risk",
            agreed_by=[w.la, w.police, w.dv],
        )
    referral = Referral.objects.get()
    assert referral.referred_on == date(2026, 1, 6) and not referral.repeat
    assert referral.meeting.held_on >= date(2026, 1, 13)
    _receive(w, "P2", FRIDAY_EVENING)
    assert _criteria(MONDAY) == {"P2": [Criterion.MARAC_REPEAT]}


def test_decisions_only_by_dramm_members_and_the_board_closes_once():
    w = helpers.world()
    incident = _receive(w, "P1", FRIDAY_EVENING)
    with pytest.raises(PermissionDenied):
        decision_record(
            actor=w.outsider, incident=incident, outcome="none", rationale="x", agreed_by=[w.la]
        )
    with pytest.raises(ValidationError):
        decision_record(
            actor=w.officer, incident=incident, outcome="none", rationale="", agreed_by=[]
        )
    board_close(actor=w.officer, day=MONDAY, attendees=[w.officer, w.social_worker, w.idva])
    with pytest.raises(ValidationError):
        board_close(actor=w.officer, day=MONDAY, attendees=[w.officer])
    with pytest.raises(ValidationError):
        decision_record(
            actor=w.officer, incident=incident, outcome="none", rationale="Late", agreed_by=[w.la]
        )


def test_the_board_is_for_dramm_members_and_every_case_shown_is_audited():
    w = helpers.world()
    incident = _receive(w, "P1", FRIDAY_EVENING)
    dash_record(actor=None, organisation=w.police, incident=incident, answers=helpers.answers(20))
    assert board_for(actor=w.outsider, day=MONDAY) == []
    assert board_for(actor=w.lead, day=MONDAY) == []
    before = AuditEvent.objects.filter(action="view").count()
    assert len(board_for(actor=w.idva, day=MONDAY)) == 1
    assert AuditEvent.objects.filter(action="view").count() == before + 1


def test_a_person_splits_and_confirms_links_audited():
    w = helpers.world()
    a = _receive(w, "P1", FRIDAY_EVENING - timedelta(days=10))
    b = _receive(w, "P2", FRIDAY_EVENING, victim=("Joanne", "Blogs", date(1990, 4, 17)))
    assert a.victim_key == b.victim_key
    left = a.adults.get(role="victim")
    right = b.adults.get(role="victim")
    link_decide(actor=w.officer, left=left, right=right, same=False, reason="Sisters")
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.victim_key != b.victim_key
    assert AuditEvent.objects.filter(record_type="domestic_abuse.link").count() == 1
    assert adults_relink() == 0  # the split holds on a full relink
    link_decide(actor=w.officer, left=left, right=right, same=True, reason="Same after all")
    b.refresh_from_db()
    assert b.victim_key == a.victim_key
    with pytest.raises(PermissionDenied):
        link_decide(actor=w.outsider, left=left, right=right, same=True, reason="x")


def test_research_by_marac_members_only():
    w = helpers.world()
    incident = _receive(w, "P1", FRIDAY_EVENING)
    with clock_at(FRIDAY_EVENING):
        decision_record(
            actor=w.officer,
            incident=incident,
            outcome=Outcome.MARAC,
            rationale="High",
            agreed_by=[w.police],
        )
    referral = Referral.objects.get()
    research_record(actor=w.idva, referral=referral, findings="Known to us since 2024")
    research_record(actor=w.idva, referral=referral, findings="Updated")
    assert referral.research.get().findings == "Updated"
    with pytest.raises(PermissionDenied):
        research_record(actor=w.outsider, referral=referral, findings="x")
