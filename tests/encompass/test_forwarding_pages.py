"""The cross-border pages: the registry, need to know on forwards, the LA's forward, oversight."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from safeguard.core.models import AuditEvent
from safeguard.encompass.models import (
    Forward,
    ForwardState,
    IncidentChild,
    LaOutcome,
    MatchState,
    Neighbour,
)
from safeguard.encompass.services import forwarding
from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.matching import incident_match
from tests import factories
from tests.encompass.forward_world import border_world, casey, forwarded_incident, neighbour
from tests.encompass.helpers import child, incident, london

pytestmark = pytest.mark.django_db


def _client(person) -> Client:  # type: ignore[no-untyped-def]
    return factories.signed_in(Client(), person)


def test_the_business_unit_adds_a_neighbour_and_the_key_is_never_shown_again() -> None:
    admin = factories.person("business_unit_admin")
    client = _client(admin)
    form = {
        "name": "Northshire Partnership",
        "la_codes": "873, 874",
        "api_base_url": "https://safeguard.northshire.example.invalid/",
        "api_key": "sg_their_secret_key",
        "contact_email": "",
        "active": "on",
    }
    assert client.post("/encompass/neighbours/add/", form).status_code == 302
    n = Neighbour.objects.get()
    assert n.codes == ["873", "874"] and n.has_api
    assert n.api_base_url == "https://safeguard.northshire.example.invalid"
    assert "sg_their_secret_key" not in n.api_key_sealed
    edit = client.get(f"/encompass/neighbours/{n.pk}/").content.decode()
    assert "sg_their_secret_key" not in edit and "An API key is stored" in edit
    # Saving without a key keeps the one stored.
    sealed_before = n.api_key_sealed
    form.update(api_key="", name="Northshire SCP")
    assert client.post(f"/encompass/neighbours/{n.pk}/", form).status_code == 302
    n.refresh_from_db()
    assert n.name == "Northshire SCP" and n.api_key_sealed == sealed_before
    for event in AuditEvent.objects.filter(record_type="encompass.neighbour"):
        assert "sg_their_secret_key" not in str(event.changes)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("la_codes", "87A", "Each LA code must be three digits"),
        ("api_base_url", "http://neighbour.example.invalid", "must start with https://"),
        ("contact_email", "not-an-address", "right format"),
        ("name", "", "Enter the partnership"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    field: str, value: str, message: str
) -> None:
    client = _client(factories.person("la_encompass_coordinator"))
    form = {"name": "Northshire", "la_codes": "873", "contact_email": "a@example.invalid"}
    form[field] = value
    response = client.post("/encompass/neighbours/add/", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not Neighbour.objects.exists()


def test_a_neighbour_needs_a_route_and_an_la_code_belongs_to_one_neighbour() -> None:
    client = _client(factories.person("business_unit_admin"))
    no_route = client.post("/encompass/neighbours/add/", {"name": "A", "la_codes": "873"})
    assert "Enter a secure contact e-mail" in no_route.content.decode()
    url_no_key = client.post(
        "/encompass/neighbours/add/",
        {"name": "A", "la_codes": "873", "api_base_url": "https://a.example.invalid"},
    )
    assert "Enter the API key" in url_no_key.content.decode()
    ok = {"name": "A", "la_codes": "873", "contact_email": "a@example.invalid", "active": "on"}
    assert client.post("/encompass/neighbours/add/", ok).status_code == 302
    clash = client.post("/encompass/neighbours/add/", {**ok, "name": "B"})
    assert "LA code 873 already belongs to A" in clash.content.decode()
    assert Neighbour.objects.count() == 1


def test_need_to_know_on_forwards() -> None:
    b = border_world()
    neighbour(b, contact_email="n@example.invalid")
    forward = forwarded_incident(b)
    detail = f"/encompass/forwards/{forward.pk}/"
    # A school's DSL never sees forwards.
    dsl = _client(b.w.dsl)
    assert dsl.get("/encompass/forwards/").status_code == 403
    assert dsl.get(detail).status_code == 403
    # The force that sent the incident sees its forward; another force does not.
    own = _client(b.w.officer)
    assert f"Forward {forward.pk}" in own.get("/encompass/forwards/").content.decode()
    assert own.get(detail).status_code == 200
    other = _client(factories.person("police_officer", organisation_obj=b.w.other_force))
    assert f"Forward {forward.pk}" not in other.get("/encompass/forwards/").content.decode()
    assert other.get(detail).status_code == 404
    # Police see but do not act: sending again is the LA coordinator's.
    assert own.post(f"{detail}action/", {"action": "retry"}).status_code == 403
    coordinator = _client(b.w.coordinator)
    assert coordinator.get(detail).status_code == 200
    assert (
        AuditEvent.objects.filter(
            record_type="encompass.forward", record_id=str(forward.pk), action="view"
        ).count()
        == 2
    )
    # The neighbour registry is not the police's.
    assert own.get("/encompass/neighbours/").status_code == 403


def test_the_la_forwards_a_child_at_school_in_another_area_by_urn() -> None:
    b = border_world()
    neighbour(b, contact_email="n@example.invalid")
    found, _ = incident_receive(
        actor=b.w.officer,
        force=b.w.force,
        data=incident("WM/2026/0800", child("P9", forename="Zed", surname="Quill", postcode="")),
    )
    incident_match(incident_id=found.pk)
    kid = IncidentChild.objects.get(incident=found)
    assert kid.match_state == MatchState.NONE
    client = _client(b.w.coordinator)
    url = f"/encompass/unmatched/{kid.pk}/forward/"
    empty = client.post(url, {"school_urn": "", "la_code": ""})
    assert "Enter the school&#x27;s URN or its LA code" in empty.content.decode()
    unknown = client.post(url, {"school_urn": "", "la_code": "555"})
    assert "No neighbouring partnership covers LA code 555" in unknown.content.decode()
    assert not Forward.objects.exists()
    assert client.post(url, {"school_urn": "800001", "la_code": ""}).status_code == 302
    forward = Forward.objects.get()
    assert forward.reason == "la" and forward.la_code == "873"
    kid.refresh_from_db()
    assert kid.la_outcome == LaOutcome.OUTSIDE_AREA
    assert client.get(url).status_code == 404  # no longer in the LA's queue


def test_oversight_counts_forwards_and_the_share_sent_before_the_deadline() -> None:
    b = border_world()
    neighbour(b, contact_email="n@example.invalid")
    # Friday 20 November 2026 at 19:00: due before Monday's school day starts (08:45).
    friday = london(2026, 11, 20, 19, 0)
    for reference, sent in (
        ("WM/2026/0901", friday + timedelta(minutes=30)),
        ("WM/2026/0902", london(2026, 11, 23, 9, 30)),
    ):
        found, _ = incident_receive(
            actor=b.w.officer,
            force=b.w.force,
            data=incident(reference, casey(), occurred_at=friday),
        )
        incident_match(incident_id=found.pk)
        forward = Forward.objects.get(child__incident=found)
        assert forward.due_at == london(2026, 11, 23, 8, 45)
        Forward.objects.filter(pk=forward.pk).update(next_attempt_at=sent)
        assert forwarding.forwards_send(now=sent, worker_id="w") == 1
    assert Forward.objects.filter(state=ForwardState.SENT).count() == 2
    text = _client(b.w.coordinator).get("/encompass/oversight/").content.decode()
    assert 'data-figure="forwards">2<' in text
    assert 'data-figure="forwards_on_time">50%<' in text
