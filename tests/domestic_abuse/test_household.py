"""Issue 12 a: the DRAMM board's household history shows the household's children with their
Operation Encompass notifications (read through Encompass's incident feed only, each child read
audited) and the open plans in Safeguard (the victim's MARAC actions the person may see)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from safeguard.core.demo import clock_at
from safeguard.core.models import AuditEvent
from safeguard.domestic_abuse.models import Agency, AgencyKind, Incident
from safeguard.domestic_abuse.selectors import board as board_selectors
from safeguard.domestic_abuse.services import marac
from safeguard.domestic_abuse.services.incidents import encompass_pull
from safeguard.encompass.services.incidents import AdultData, incident_receive
from safeguard.encompass.services.matching import incident_match
from safeguard.governance.models import Action
from tests import factories
from tests.encompass.helpers import child, incident, london, world

pytestmark = pytest.mark.django_db


def _send(w, reference, when, *children):
    data = incident(
        reference,
        *children,
        occurred_at=when,
        adults=(
            AdultData("victim", "Kim", "Ashdown", date(1988, 1, 2)),
            AdultData("suspect", "Lee", "Rowe", date(1986, 5, 6)),
        ),
    )
    with clock_at(when + timedelta(minutes=30)):
        found, _ = incident_receive(actor=w.officer, force=w.force, data=data)
        incident_match(incident_id=found.pk)
    return found


def test_the_board_shows_the_households_children_their_notifications_and_open_plans():
    w = world()
    Agency.objects.create(organisation=w.force, kind=AgencyKind.POLICE, on_dramm=True)
    Agency.objects.create(organisation=w.la, kind=AgencyKind.CHILDRENS_SOCIAL_CARE, on_dramm=True)
    social_worker = factories.person("practitioner", organisation_obj=w.la)
    _send(w, "H1", london(2026, 10, 5, 19, 0), child("P1"))
    _send(
        w,
        "H2",
        london(2026, 10, 8, 19, 0),
        child("P1"),
        child("P2", forename="Sky", surname="Rowe", dob=date(2019, 2, 1), postcode="ZZ9 9ZZ"),
    )
    _send(w, "H3", london(2026, 10, 13, 19, 0), child("P1", forename="Robyn"))
    assert encompass_pull() == 3
    latest = Incident.objects.get(reference="H3")
    first = Incident.objects.get(reference="H1")
    # The victim was referred to the MARAC after the first incident; an action is open.
    referral = marac.referral_make(
        actor=social_worker,
        incident=first,
        source="dramm",
        reason="Escalating",
        referred_on=date(2026, 10, 6),
    )
    action = marac.marac_action_add(
        actor=social_worker,
        referral=referral,
        title="Safety plan for the household",
        owner=w.la,
        due_on=date(2026, 12, 1),
    )
    done = marac.marac_action_add(
        actor=social_worker,
        referral=referral,
        title="Finished piece of work",
        owner=w.la,
        due_on=date(2026, 11, 1),
    )
    Action.objects.filter(pk=done.pk).update(
        status="completed", completion_evidence="Done", completed_on=date(2026, 10, 20)
    )

    cases = board_selectors.board_for(actor=social_worker, day=latest.board_day)
    case = next(c for c in cases if c.incident.pk == latest.pk)
    names = [(c.forename, c.surname) for c in case.children]
    assert names == [("Robyn", "Ashdown"), ("Sky", "Rowe")]  # Robin once, by the pupil
    robin, sky = case.children
    assert len(robin.notifications) == 3 and {n.school for n in robin.notifications} == {
        "Westmere Primary School"
    }
    assert [n.incident_on for n in robin.notifications] == [
        date(2026, 10, 13),
        date(2026, 10, 8),
        date(2026, 10, 5),
    ]
    assert sky.notifications == ()  # not on a roll here: no school told
    assert [a.pk for a in case.open_actions] == [action.pk]
    viewed = set(
        AuditEvent.objects.filter(
            action="view", record_type="encompass.incident_child", actor_id=social_worker.pk
        ).values_list("record_id", flat=True)
    )
    assert viewed == {str(i) for c in case.children for i in c.record_ids}

    page = factories.signed_in(Client(), social_worker).get(
        f"/domestic-abuse/board/{latest.board_day:%Y-%m-%d}/"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Robyn Ashdown" in text and "Sky Rowe" in text
    assert "13 October 2026 to Westmere Primary School" in text
    assert "no Operation Encompass notification" in text
    assert "Safety plan for the household" in text and "Finished piece of work" not in text
    referral_url = f"/domestic-abuse/marac/referrals/{referral.pk}/"
    assert f'href="{referral_url}"' in text
    assert factories.signed_in(Client(), social_worker).get(referral_url).status_code == 200


def test_a_person_who_may_not_see_the_action_is_not_shown_it():
    w = world()
    Agency.objects.create(
        organisation=w.force, kind=AgencyKind.POLICE, on_dramm=True, on_marac=False
    )
    Agency.objects.create(organisation=w.la, kind=AgencyKind.CHILDRENS_SOCIAL_CARE, on_dramm=True)
    social_worker = factories.person("practitioner", organisation_obj=w.la)
    for n, day in enumerate((5, 8, 13)):
        _send(w, f"K{n}", london(2026, 10, day, 19, 0), child("P1"))
    encompass_pull()
    first = Incident.objects.get(reference="K0")
    referral = marac.referral_make(
        actor=social_worker,
        incident=first,
        source="dramm",
        reason="x",
        referred_on=date(2026, 10, 6),
    )
    marac.marac_action_add(
        actor=social_worker,
        referral=referral,
        title="Council's action",
        owner=w.la,
        due_on=date(2026, 12, 1),
    )
    latest = Incident.objects.get(reference="K2")
    # The police officer sits on the DRAMM but not the MARAC and the action is the council's.
    cases = board_selectors.board_for(actor=w.officer, day=latest.board_day)
    case = next(c for c in cases if c.incident.pk == latest.pk)
    assert case.open_actions == [] and case.children
