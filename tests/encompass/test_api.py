"""POST /api/v1/encompass/incidents through Django's test client, with real API keys."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.core.services.apikeys import apikey_create
from safeguard.encompass.models import Incident, IncidentChild, Notification
from tests import factories
from tests.encompass.helpers import world

pytestmark = pytest.mark.django_db
URL = "/api/v1/encompass/incidents"


def _key(
    w: Any, organisation: Any = None, scopes: tuple[str, ...] = ("encompass:incidents:write",)
) -> dict[str, str]:
    _, full = apikey_create(
        actor=_admin(),
        organisation=organisation or w.force,
        name="Records system",
        scopes=list(scopes),
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {full}"}


def _admin() -> Any:
    from tests import factories

    return factories.person("business_unit_admin")


def _body(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": "WM/2026/0100",
        "occurred_at": "2026-10-13T19:00:00+01:00",
        "kind": "crime",
        "location": "1 High Street",
        "adults": [
            {"role": "victim", "forename": "Kim", "surname": "Ashdown", "dob": "1988-01-02"},
            {"role": "suspect", "forename": "Lee", "surname": "Ashdown", "dob": "1985-05-06"},
        ],
        "children": [
            {
                "ref": "P1",
                "presence": "present",
                "forename": "Robin",
                "surname": "Ashdown",
                "dob": "2016-03-04",
                "gender": "F",
                "postcode": "WM1 2BB",
                "where_they_were": "Bedroom",
                "voice_of_the_child": "Heard shouting",
                "injuries": "",
            }
        ],
    }
    body.update(fields)
    return body


def _post(headers: dict[str, str], body: dict[str, Any]) -> Any:
    return Client().post(URL, data=json.dumps(body), content_type="application/json", **headers)


def test_send_then_resend_answers_201_then_200_and_matches_the_child() -> None:
    w = world()
    headers = _key(w)
    first = _post(headers, _body())
    assert first.status_code == 201, first.content
    assert first.json()["children"] == [{"ref": "P1", "match_state": "automatic"}]
    again = _post(headers, _body(location="2 High Street"))
    assert again.status_code == 200
    assert again.json()["version"] == 2 and again.json()["id"] == first.json()["id"]
    assert Incident.objects.count() == 1
    assert IncidentChild.objects.count() == 1
    assert Notification.objects.count() == 1


def test_an_incident_in_the_future_is_refused_with_the_field_named() -> None:
    w = world()
    future = (timezone.now() + timedelta(days=1)).isoformat()
    response = _post(_key(w), _body(occurred_at=future))
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "occurred_at"
    assert not Incident.objects.exists()


def test_a_bad_presence_is_refused_with_the_field_named() -> None:
    w = world()
    body = _body()
    body["children"][0]["presence"] = "perhaps"
    response = _post(_key(w), body)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"].startswith("children.0.presence")


def test_without_the_scope_or_key_or_from_a_non_police_organisation() -> None:
    w = world()
    assert _post({}, _body()).status_code == 401
    from safeguard.core.api.auth import is_scope, register_scope

    if not is_scope("walk:nothing"):
        register_scope("walk:nothing", "nothing")
    assert _post(_key(w, scopes=("walk:nothing",)), _body()).status_code == 403
    with factories.scopes_unlimited("encompass:incidents:write"):
        la_key = _key(w, organisation=w.la)
    assert _post(la_key, _body()).status_code == 403
    assert not Incident.objects.exists()


def test_a_body_that_is_not_json_is_a_400() -> None:
    w = world()
    response = Client().post(URL, data="{", content_type="application/json", **_key(w))
    assert response.status_code == 400


def test_the_force_reads_where_its_incidents_stand_and_no_other_force_can() -> None:
    w = world()
    _post(_key(w), _body())
    reader = _key(w, scopes=("encompass:incidents:read",))
    response = Client().get(URL, {"reference": "WM/2026/0100"}, **reader)
    assert response.status_code == 200
    [item] = response.json()["items"]
    [kid] = item["children"]
    assert kid["match_state"] == "automatic"
    assert kid["notifications"][0]["school_urn"] == "900001"
    assert kid["notifications"][0]["acknowledged"] is False
    assert "Robin" not in response.content.decode()
    other = _key(w, organisation=w.other_force, scopes=("encompass:incidents:read",))
    assert Client().get(URL, **other).json()["count"] == 0
    writer_only = _key(w)
    assert Client().get(URL, **writer_only).status_code == 403
