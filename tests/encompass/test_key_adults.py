"""Issue 9, Key Adults: a school names its key adults and deputies with their training;
notifications go to the current ones; the LA sees schools without a current key adult."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from safeguard.core.models import AuditEvent, OutboxMessage
from safeguard.encompass.models import Notification
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.key_adults import key_adult_save
from safeguard.encompass.services.matching import incident_match
from tests import factories
from tests.encompass.helpers import child, incident, world

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.localdate()


def test_notifications_go_to_the_current_key_adults_not_an_expired_one() -> None:
    w = world()
    teacher = factories.person("school_dsl", organisation_obj=w.school)
    lapsed = factories.person("school_dsl", organisation_obj=w.school)
    key_adult_save(
        actor=w.dsl,
        school=w.school,
        person=teacher,
        deputy=True,
        trained_on=_today() - timedelta(days=30),
        expires_on=_today() + timedelta(days=300),
    )
    key_adult_save(
        actor=w.dsl,
        school=w.school,
        person=lapsed,
        deputy=False,
        trained_on=_today() - timedelta(days=800),
        expires_on=_today() - timedelta(days=1),
    )
    found, _ = incident_receive(actor=w.officer, force=w.force, data=incident("K1", child()))
    incident_match(incident_id=found.pk)
    note = Notification.objects.get(child__incident=found)
    told = set(
        OutboxMessage.objects.filter(reason="encompass_first", record_id=str(note.pk)).values_list(
            "to_address", flat=True
        )
    )
    assert told == {teacher.email}  # not the lapsed one, not the unnamed DSL
    assert (
        AuditEvent.objects.filter(record_type="encompass.key_adult", action="create").count() == 2
    )


def test_only_a_person_of_the_school_and_only_by_its_dsl_or_the_la() -> None:
    w = world()
    dates = {"trained_on": _today(), "expires_on": _today() + timedelta(days=365)}
    with pytest.raises(ValidationError):
        key_adult_save(actor=w.dsl, school=w.school, person=w.other_dsl, deputy=False, **dates)
    with pytest.raises(PermissionDenied):
        key_adult_save(actor=w.other_dsl, school=w.school, person=w.dsl, deputy=False, **dates)
    key_adult_save(actor=w.coordinator, school=w.school, person=w.dsl, deputy=False, **dates)


def test_the_la_sees_schools_without_a_current_key_adult_and_a_dsl_names_one() -> None:
    w = world()
    la = factories.signed_in(Client(), w.coordinator)
    missing = la.get("/encompass/key-adults/").content.decode()
    assert w.school.name in missing and w.other_school.name in missing
    school = factories.signed_in(Client(), w.dsl)
    page = school.get("/encompass/key-adults/").content.decode()
    assert w.other_dsl.full_name not in page
    saved = school.post(
        "/encompass/key-adults/",
        {
            "person": str(w.dsl.pk),
            "trained_on": _today().strftime("%d/%m/%Y"),
            "expires_on": (_today() + timedelta(days=365)).strftime("%d/%m/%Y"),
        },
    )
    assert saved.status_code == 302
    missing = la.get("/encompass/key-adults/").content.decode()
    assert w.school.name not in missing and w.other_school.name in missing
    refused = school.post(
        "/encompass/key-adults/",
        {"person": str(w.other_dsl.pk), "trained_on": "1/9/2026", "expires_on": "1/9/2027"},
    )
    assert "Choose the person from the list" in refused.content.decode()
