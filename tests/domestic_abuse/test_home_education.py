"""The home education notice: a DSL tells the LA about its own pupil; the LA's coordinator reads
the answer beside the child's Encompass history."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from safeguard.children.models import Pupil
from safeguard.core.models import AuditEvent
from safeguard.domestic_abuse.models import HomeEducationNotice
from tests import factories

pytestmark = pytest.mark.django_db


def _school(urn: str):
    school = factories.organisation(kind="school", urn=urn, name=f"School {urn}")
    dsl = factories.person("school_dsl", organisation_obj=school)
    pupil = Pupil.objects.create(
        upn=f"A{urn}000000",
        forename="Robin",
        surname="Ashdown",
        dob=date(2015, 3, 4),
        school=school,
    )
    return school, dsl, pupil


def test_a_dsl_sends_a_notice_and_the_coordinator_reads_it_audited():
    _, dsl, pupil = _school("906001")
    _, _, other_pupil = _school("906002")
    client = factories.signed_in(Client(), dsl)
    missing = client.post(
        "/domestic-abuse/home-education/new/",
        {"pupil": str(pupil.pk), "leaving_on": "20/3/2026", "aware_of_abuse": "yes"},
    )
    assert missing.status_code == 200 and "Say what you know" in missing.content.decode()
    # Another school's pupil is not offered, so not accepted.
    other = client.post(
        "/domestic-abuse/home-education/new/",
        {"pupil": str(other_pupil.pk), "leaving_on": "20/3/2026", "aware_of_abuse": "no"},
    )
    assert other.status_code == 200
    assert not HomeEducationNotice.objects.exists()
    sent = client.post(
        "/domestic-abuse/home-education/new/",
        {
            "pupil": str(pupil.pk),
            "leaving_on": "20/3/2026",
            "aware_of_abuse": "yes",
            "details": "Police called twice last term",
        },
    )
    assert sent.status_code == 302
    notice = HomeEducationNotice.objects.get()
    coordinator = factories.person("la_encompass_coordinator")
    page = factories.signed_in(Client(), coordinator).get(
        f"/domestic-abuse/home-education/{notice.pk}/"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Police called twice last term" in text
    assert "No Operation Encompass notification" in text
    assert AuditEvent.objects.filter(
        action="view", record_type="domestic_abuse.home_education_notice"
    ).exists()
    assert (
        factories.signed_in(Client(), dsl)
        .get(f"/domestic-abuse/home-education/{notice.pk}/")
        .status_code
        == 403
    )


def test_the_pupil_list_is_read_through_the_child_index_with_the_read_audited():
    """Issue 12 d: the form's pupils come from ``children.selectors.own_school_roll``, which
    lists the DSL's own school only, audits the read (a count, no names) and refuses others."""
    from safeguard.children.selectors import own_school_roll

    school, dsl, pupil = _school("906003")
    _, _, other_pupil = _school("906004")
    page = factories.signed_in(Client(), dsl).get("/domestic-abuse/home-education/new/")
    text = page.content.decode()
    assert page.status_code == 200 and "Ashdown" in text
    assert f'value="{other_pupil.pk}"' not in text and f'value="{pupil.pk}"' in text
    row = AuditEvent.objects.filter(action="view", record_type="children.school_roll").latest("pk")
    assert row.record_id == str(school.pk) and row.changes == {"pupils": 1}
    assert row.actor_id == dsl.pk and "Ashdown" not in str(row.changes) + row.detail
    # Anyone else gets nothing, and the refusal is audited.
    coordinator = factories.person("la_encompass_coordinator")
    assert own_school_roll(actor=coordinator) == []
    assert AuditEvent.objects.filter(
        action="denied", record_type="children.school_roll", actor_id=coordinator.pk
    ).exists()
