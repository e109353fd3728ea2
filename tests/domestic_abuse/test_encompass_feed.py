"""Encompass incidents reach the board through the Encompass feed, once, without a second send."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.core.demo import clock_at
from safeguard.domestic_abuse.models import Incident, Source
from safeguard.domestic_abuse.selectors.board import board_cases
from safeguard.domestic_abuse.services.incidents import encompass_pull, incident_receive
from safeguard.domestic_abuse.tasks import run_encompass_pull
from safeguard.encompass.services import incidents as encompass
from tests.domestic_abuse import helpers
from tests.domestic_abuse.helpers import FRIDAY_EVENING, MONDAY

pytestmark = pytest.mark.django_db


def _encompass(w, reference, victim=("Joanne", "Bloggs")):
    data = encompass.IncidentData(
        reference=reference,
        occurred_at=FRIDAY_EVENING,
        kind="incident",
        adults=(
            encompass.AdultData(
                role="victim", forename=victim[0], surname=victim[1], dob=date(1990, 4, 17)
            ),
            encompass.AdultData(role="suspect", forename="Mark", surname="Hollis"),
        ),
        children=(encompass.ChildData(ref="C1", presence="present", forename="Robin"),),
    )
    with clock_at(FRIDAY_EVENING):
        incident, _ = encompass.incident_receive(actor=w.officer, force=w.police, data=data)
    return incident


def test_each_encompass_incident_is_taken_once_with_its_adults_and_children_counted():
    w = helpers.world()
    source = _encompass(w, "E1")
    assert encompass_pull() == 1
    assert encompass_pull() == 0
    run_encompass_pull()
    taken = Incident.objects.get()
    assert (taken.source, taken.encompass_incident_id, taken.children_count) == (
        Source.ENCOMPASS,
        source.pk,
        1,
    )
    assert taken.board_day == MONDAY
    assert set(taken.adults.values_list("role", flat=True)) == {"victim", "perpetrator"}


def test_the_same_incident_sent_to_both_is_one_incident():
    w = helpers.world()
    with clock_at(FRIDAY_EVENING):
        incident_receive(
            actor=None, organisation=w.police, data=helpers.incident("E1", FRIDAY_EVENING)
        )
    source = _encompass(w, "E1")
    assert encompass_pull() == 0
    only = Incident.objects.get()
    assert only.encompass_incident_id == source.pk and only.children_count == 1


def test_three_encompass_incidents_of_one_victim_escalate():
    w = helpers.world()
    for n, surname in enumerate(("Bloggs", "Blogs", "Bloggs")):
        _encompass(w, f"E{n}", victim=("Joanne", surname))
    encompass_pull()
    found = {
        c.incident.reference: [f.criterion for f in c.findings] for c in board_cases(day=MONDAY)
    }
    # Three incidents of one victim (one surname misspelt) on one evening: each is the third.
    assert found == {name: ["potential_escalation"] for name in ("E0", "E1", "E2")}
