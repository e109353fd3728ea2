"""Early years settings (nurseries, pre-schools, known by their Ofsted URN): their children
on the rolls, notifications to their own key adults, and "under school age" only for a child
in no setting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguard.children.importers.roll import import_roll
from safeguard.children.models import Pupil
from safeguard.children.selectors import early_years_setting_ids
from safeguard.children.services import early_years_setting_register
from safeguard.core.models import OutboxMessage
from safeguard.encompass.models import IncidentChild, LaOutcome, MatchState, Notification
from safeguard.encompass.services import routing
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.key_adults import key_adult_save
from safeguard.encompass.services.matching import incident_match
from safeguard.encompass.services.review import la_outcome_record
from tests import factories
from tests.encompass.data import roll_file, upn
from tests.encompass.helpers import child, incident, world

pytestmark = pytest.mark.django_db
BORN = date(2023, 5, 9)


def _nursery(w):  # type: ignore[no-untyped-def]
    setting = early_years_setting_register(
        actor=None, ofsted_urn="ey 980001", name="Little Acorns Day Nursery", la_code="999"
    )
    import_roll(
        actor=None,
        data=roll_file(f"{upn(1, estab='2900')},Poppy,Marsh,{BORN:%Y-%m-%d},F,WM4 1AA,EY980001\n"),
        file_name="nursery-roll.csv",
    )
    manager = factories.person("school_dsl", organisation_obj=setting)
    today = timezone.localdate()
    key_adult_save(
        actor=w.coordinator,
        school=setting,
        person=manager,
        deputy=False,
        trained_on=today - timedelta(days=10),
        expires_on=today + timedelta(days=700),
    )
    return setting, manager


def test_the_ofsted_urn_is_checked() -> None:
    with pytest.raises(ValidationError, match="EY and 6 digits"):
        early_years_setting_register(actor=None, ofsted_urn="EY12", name="X", la_code="999")
    setting = early_years_setting_register(
        actor=None, ofsted_urn="2980002", name="Riverside Pre-school", la_code="999"
    )
    assert setting.urn == "2980002" and setting.early_years


def test_a_school_urn_is_not_taken_for_a_setting() -> None:
    w = world()
    with pytest.raises(ValidationError, match="DfE URN of Westmere Primary School"):
        early_years_setting_register(
            actor=None, ofsted_urn=w.school.urn, name="Westmere Nursery", la_code="999"
        )


def test_the_police_record_of_the_setting_s_ofsted_urn_counts_as_evidence() -> None:
    """Recorded as "ey980001" by the police, the setting's Ofsted URN is the pupil's school."""
    w = world()
    setting, _ = _nursery(w)
    found, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident(
            "EY3",
            child(forename="Popy", surname="Marsh", dob=None, postcode="", school_urn="ey980001"),
        ),
    )
    recorded = found.children.get()
    assert recorded.school_urn == "EY980001"
    incident_match(incident_id=found.pk)
    recorded.refresh_from_db()
    assert recorded.match_state in (MatchState.AUTOMATIC, MatchState.REVIEW)
    assert Pupil.objects.get(pk=recorded.candidates[0]).school_id == setting.pk


def test_the_la_routes_a_child_to_a_setting_by_its_ofsted_urn() -> None:
    w = world()
    setting, _manager = _nursery(w)
    found, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident("EY4", child(forename="Otis", surname="Fenn", dob=BORN)),
    )
    incident_match(incident_id=found.pk)
    note = routing.child_reroute(
        actor=w.coordinator,
        child=found.children.get(),
        school_urn="ey 980001",
        reason="The nursery confirmed the child attends",
    )
    assert note.school_id == setting.pk


def test_a_nursery_child_is_matched_and_the_setting_key_adult_told() -> None:
    w = world()
    setting, manager = _nursery(w)
    assert early_years_setting_ids() == {setting.pk}
    assert Pupil.objects.get(school=setting).forename == "Poppy"
    found, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident(
            "EY1", child(forename="Poppy", surname="Marsh", dob=BORN, postcode="WM4 1AA")
        ),
    )
    incident_match(incident_id=found.pk)
    note = Notification.objects.get(child__incident=found)
    assert note.school_id == setting.pk
    told = set(
        OutboxMessage.objects.filter(reason="encompass_first", record_id=str(note.pk)).values_list(
            "to_address", flat=True
        )
    )
    assert told == {manager.email}


def test_under_school_age_is_only_for_a_child_in_no_setting() -> None:
    w = world()
    _nursery(w)
    found, _ = incident_receive(
        actor=w.officer,
        force=w.force,
        data=incident(
            "EY2",
            child("C1", forename="Poppy", surname="Marsh", dob=BORN),
            child("C2", forename="Otis", surname="Fenn", dob=BORN),
        ),
    )
    IncidentChild.objects.filter(incident=found).update(match_state=MatchState.NONE, pupil=None)
    poppy, otis = found.children.order_by("ref")
    with pytest.raises(ValidationError, match="Little Acorns Day Nursery"):
        la_outcome_record(actor=w.coordinator, child=poppy, outcome=LaOutcome.UNDER_SCHOOL_AGE)
    done = la_outcome_record(actor=w.coordinator, child=otis, outcome=LaOutcome.UNDER_SCHOOL_AGE)
    assert done.la_outcome == LaOutcome.UNDER_SCHOOL_AGE
