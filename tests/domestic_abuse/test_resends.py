"""Issue 12 b: an Encompass incident resent by the police with changed adults: the DRAMM case
follows the latest version (the feed's), the change is shown and audited, and the criteria are
worked out again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from safeguard.core.demo import clock_at
from safeguard.core.models import AuditEvent
from safeguard.domestic_abuse.models import AdultsChange, Incident
from safeguard.domestic_abuse.selectors.board import board_cases
from safeguard.domestic_abuse.services.incidents import encompass_pull, encompass_resends
from safeguard.domestic_abuse.tasks import run_encompass_pull
from safeguard.encompass.services import incidents as encompass
from tests import factories
from tests.domestic_abuse import helpers
from tests.domestic_abuse.helpers import FRIDAY_EVENING, MONDAY

pytestmark = pytest.mark.django_db


def _send(w, reference, victim, perpetrator=("Mark", "Hollis"), when=FRIDAY_EVENING):
    data = encompass.IncidentData(
        reference=reference,
        occurred_at=FRIDAY_EVENING,
        kind="incident",
        adults=(
            encompass.AdultData(
                role="victim", forename=victim[0], surname=victim[1], dob=date(1990, 4, 17)
            ),
            encompass.AdultData(role="suspect", forename=perpetrator[0], surname=perpetrator[1]),
        ),
        children=(encompass.ChildData(ref="C1", presence="present", forename="Robin"),),
    )
    with clock_at(when):
        incident, _ = encompass.incident_receive(actor=w.officer, force=w.police, data=data)
    return incident


def _criteria():
    return {
        c.incident.reference: [f.criterion for f in c.findings] for c in board_cases(day=MONDAY)
    }


def test_a_resend_with_a_new_victim_is_followed_shown_audited_and_the_criteria_recomputed():
    w = helpers.world()
    _send(w, "R1", ("Joanne", "Bloggs"))
    _send(w, "K1", ("Kim", "Ashdown"))
    _send(w, "K2", ("Kim", "Ashdown"))
    assert encompass_pull() == 3
    assert _criteria() == {}  # Kim has two incidents, Joanne one: no criterion yet
    case = Incident.objects.get(reference="R1")
    assert case.encompass_version == 1
    # The police correct R1: the victim was Kim, and the suspect someone else.
    _send(w, "R1", ("Kim", "Ashdown"), ("Dean", "Carter"), when=FRIDAY_EVENING + timedelta(hours=1))
    assert encompass_pull() == 0  # not a new incident
    assert encompass_resends() == 1
    case.refresh_from_db()
    assert case.encompass_version == 2 and case.version == 2
    assert {(a.role, a.forename) for a in case.adults.all()} == {
        ("victim", "Kim"),
        ("perpetrator", "Dean"),
    }
    kim = Incident.objects.get(reference="K1").victim_key
    assert case.victim_key == kim
    # Three incidents of Kim now: each is on Monday's board as a potential escalation.
    assert _criteria() == {ref: ["potential_escalation"] for ref in ("R1", "K1", "K2")}
    change = AdultsChange.objects.get(incident=case)
    assert change.victim_changed and change.perpetrator_changed and change.encompass_version == 2
    assert {a["forename"] for a in change.before} == {"Joanne", "Mark"}
    row = AuditEvent.objects.filter(
        record_type="domestic_abuse.incident", record_id=str(case.pk), action="update"
    ).latest("pk")
    assert row.changes["victim_changed"] is True and row.changes["encompass_version"] == 2
    assert "Joanne" not in str(row.changes)  # ids and flags, no names
    # Idempotent: a second pass (and the worker's job) changes nothing.
    assert encompass_resends() == 0
    run_encompass_pull()
    assert AdultsChange.objects.count() == 1
    # Shown: on the incident page (with the adults as they were) and on the board.
    client = factories.signed_in(Client(), w.social_worker)
    page = client.get(f"/domestic-abuse/incidents/{case.pk}/").content.decode()
    assert "the victim and the perpetrator changed" in page and "Joanne Bloggs" in page
    board = client.get(f"/domestic-abuse/board/{MONDAY:%Y-%m-%d}/").content.decode()
    assert "Adults changed" in board


def test_a_resend_that_leaves_the_adults_alone_records_no_change():
    w = helpers.world()
    first = _send(w, "S1", ("Joanne", "Bloggs"))
    encompass_pull()
    # The police resend with a new location only: Encompass raises the version.
    data = encompass.IncidentData(
        reference="S1",
        occurred_at=FRIDAY_EVENING,
        kind="incident",
        location="Somewhere else",
        adults=(
            encompass.AdultData(
                role="victim", forename="Joanne", surname="Bloggs", dob=date(1990, 4, 17)
            ),
            encompass.AdultData(role="suspect", forename="Mark", surname="Hollis"),
        ),
        children=(encompass.ChildData(ref="C1", presence="present", forename="Robin"),),
    )
    with clock_at(FRIDAY_EVENING + timedelta(hours=2)):
        encompass.incident_receive(actor=w.officer, force=w.police, data=data)
    first.refresh_from_db()
    assert first.version == 2
    assert encompass_resends() == 1
    case = Incident.objects.get(reference="S1")
    assert case.encompass_version == 2 and not AdultsChange.objects.exists()
