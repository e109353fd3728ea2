"""The API through Django's test client with real keys: idempotent on the sender's reference."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from safeguard.core.demo import clock_at
from safeguard.core.services.apikeys import apikey_create
from safeguard.domestic_abuse.models import Dash, Incident
from safeguard.domestic_abuse.selectors.board import board_cases
from tests import factories
from tests.domestic_abuse import helpers
from tests.domestic_abuse.helpers import FRIDAY_EVENING, MONDAY

pytestmark = pytest.mark.django_db
URL = "/api/v1/domestic-abuse/incidents"


def _key(organisation):
    admin = factories.person("business_unit_admin")
    _, secret = apikey_create(
        actor=admin,
        organisation=organisation,
        name="Records system",
        scopes=["domestic_abuse:incidents:write"],
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(url, body, key):
    return Client().post(url, json.dumps(body), content_type="application/json", **key)


def test_an_incident_with_its_dash_lands_on_the_next_working_days_board():
    w = helpers.world()
    key = _key(w.dv)
    with clock_at(FRIDAY_EVENING + timedelta(minutes=30)):
        first = _post(URL, helpers.api_payload("DV-1", FRIDAY_EVENING, yes=16), key)
    assert first.status_code == 201, first.content
    assert first.json()["board_day"] == MONDAY.isoformat()
    assert first.json()["dash_level"] == "high"
    with clock_at(FRIDAY_EVENING + timedelta(hours=2)):
        again = _post(URL, helpers.api_payload("DV-1", FRIDAY_EVENING, yes=16), key)
    assert again.status_code == 200
    assert again.json()["created"] is False and again.json()["dash_version"] == 1
    assert Incident.objects.count() == 1 and Dash.objects.count() == 1
    assert [c.incident.reference for c in board_cases(day=MONDAY)] == ["DV-1"]


def test_a_dash_revised_later_is_a_new_version_and_an_incomplete_one_is_refused():
    w = helpers.world()
    key = _key(w.police)
    assert _post(URL, helpers.api_payload("P-1", FRIDAY_EVENING), key).status_code == 201
    partial = {"answers": {"q01_injured": "yes"}}
    refused = _post(f"{URL}/P-1/dash", partial, key)
    assert refused.status_code == 422
    assert (
        _post(f"{URL}/P-1/dash", {"answers": helpers.answers(5)}, key).json()["dash_version"] == 1
    )
    revised = _post(f"{URL}/P-1/dash", {"answers": helpers.answers(15)}, key)
    assert revised.json()["dash_version"] == 2 and revised.json()["dash_level"] == "high"


def test_a_key_reaches_only_its_own_incidents():
    w = helpers.world()
    assert _post(URL, helpers.api_payload("P-1", FRIDAY_EVENING), _key(w.police)).status_code == 201
    other = _key(w.dv)
    assert Client().get(f"{URL}/P-1", **other).status_code == 404
    assert _post(f"{URL}/P-1/dash", {"answers": helpers.answers(3)}, other).status_code == 404
    assert not Dash.objects.exists()


def test_a_school_key_may_not_hold_the_scope():
    from django.core.exceptions import ValidationError

    school = factories.organisation(kind="school", urn="907111", name="DA school")
    with pytest.raises(ValidationError):
        _key(school)
