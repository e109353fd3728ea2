"""The API's contract with a partner system: whatever it sends, the answer is JSON in the one
error shape, never a 500 nor one of Django's HTML pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from ninja import Router, Schema
from ninja.errors import ConfigError

from safeguard.core.api import SafeguardAPI, install
from safeguard.core.services.apikeys import apikey_create
from tests import factories

pytestmark = pytest.mark.django_db


def _headers(kind: str, *scopes: str) -> dict[str, str]:
    organisation = factories.organisation(name=f"A {kind}", kind=kind)
    admin = factories.person("business_unit_admin")
    _, full = apikey_create(actor=admin, organisation=organisation, name="System", scopes=[*scopes])
    return {"HTTP_AUTHORIZATION": f"Bearer {full}"}


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    error = json.loads(response.content)["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


def _referral(**overrides: Any) -> dict[str, Any]:
    body = {
        "sender_reference": "NICHE/2026/0042",
        "incident_date": "2026-11-01",
        "la_aware_on": "2026-11-02",
        "summary": "Infant taken to hospital with fractures.",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        "referrer_view": "meets",
        "referrer_reasons": "Unexplained injuries to a non-mobile infant.",
        "children": [
            {"full_name": "Noah Testchild", "date_of_birth": "2026-06-01", "gender": "male"}
        ],
    }
    return body | overrides


def _incident(**overrides: Any) -> dict[str, Any]:
    body = {
        "reference": "INC-1",
        "occurred_at": "2026-11-01T21:30:00+00:00",
        "kind": "incident",
        "children": [{"ref": "P1", "presence": "present", "forename": "Ava"}],
    }
    return body | overrides


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations?offset=9223372036854775808",
        "/api/v1/organisations?limit=9223372036854775808",
        "/api/v1/encompass/incidents?offset=9223372036854775808",
    ],
)
def test_numbers_out_of_range_are_422(client: Client, url: str) -> None:
    headers = _headers("police", "partnership:read", "encompass:incidents:read")
    error = _error(client.get(url, **headers), 422)
    assert error["code"] == "validation_error"


@pytest.mark.parametrize("field", ["incident_date", "la_aware_on"])
@pytest.mark.parametrize("value", ["9999-12-31"])
def test_a_referral_dated_at_the_ends_of_the_calendar_is_422(
    client: Client, field: str, value: str
) -> None:
    headers = _headers("police", "reviews:refer")
    response = client.post(
        "/api/v1/reviews/referrals",
        json.dumps(_referral(**{field: value})),
        content_type="application/json",
        **headers,
    )
    error = _error(response, 422)
    assert error["fields"][0]["field"] == field


def test_a_referral_older_than_the_bank_holiday_data_is_422(client: Client) -> None:
    # Found by schemathesis: the LA decision clock could not be counted from 1 January 2000.
    headers = _headers("police", "reviews:refer")
    body = _referral(incident_date="2000-01-01", la_aware_on="2000-01-01")
    response = client.post(
        "/api/v1/reviews/referrals", json.dumps(body), content_type="application/json", **headers
    )
    error = _error(response, 422)
    assert error["message"].startswith("Dates must be between 1 January 2012 and")


@pytest.mark.parametrize("value", ["9999-12-31T23:59:00+00:00", "9999-12-31T23:59:59-12:00"])
def test_an_incident_at_the_ends_of_the_calendar_is_422(client: Client, value: str) -> None:
    headers = _headers("police", "encompass:incidents:write")
    response = client.post(
        "/api/v1/encompass/incidents",
        json.dumps(_incident(occurred_at=value)),
        content_type="application/json",
        **headers,
    )
    error = _error(response, 422)
    assert error["fields"][0]["field"] == "occurred_at"


def test_text_with_a_nul_character_is_422_naming_the_field(client: Client) -> None:
    # PostgreSQL cannot store NUL in text: it failed inside the query as a 500.
    headers = _headers("police", "reviews:refer", "encompass:incidents:read")
    children = [{"full_name": "No\x00ah", "date_of_birth": "2026-06-01", "gender": "male"}]
    response = client.post(
        "/api/v1/reviews/referrals",
        json.dumps(_referral(children=children)),
        content_type="application/json",
        **headers,
    )
    assert _error(response, 422)["fields"][0]["field"] == "children.0.full_name"
    query = client.get("/api/v1/encompass/incidents?reference=INC%00", **headers)
    assert _error(query, 422)["fields"][0]["field"] == "reference"


def test_a_body_over_the_limit_is_413_naming_the_limit(client: Client) -> None:
    headers = _headers("police", "encompass:incidents:write")
    big = json.dumps(_incident(location="x" * (10 * 1024 * 1024)))
    response = client.post(
        "/api/v1/encompass/incidents", big, content_type="application/json", **headers
    )
    error = _error(response, 413)
    assert error["code"] == "too_large"
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert f"{limit:,} bytes" in error["message"]


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/v1/no-such-thing", "/api/v1/", "/api/v2/incidents", "/api/"])
def test_an_unknown_api_path_is_404_in_json_whatever_the_method(method: str, url: str) -> None:
    client = Client(enforce_csrf_checks=True)
    body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
    response = getattr(client, method)(url, **body)
    assert _error(response, 404)["code"] == "not_found"


# --- the OpenAPI document ---------------------------------------------------------------------


def _document(client: Client) -> dict[str, Any]:
    return json.loads(client.get("/api/v1/openapi.json").content)


def _ref(schema: dict[str, Any]) -> str:
    return str(schema["$ref"]).rsplit("/", 1)[-1]


def test_the_referral_is_documented_with_its_own_child_fields(client: Client) -> None:
    document = _document(client)
    schemas = document["components"]["schemas"]
    operation = document["paths"]["/api/v1/reviews/referrals"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    child = _ref(schemas[_ref(body)]["properties"]["children"]["items"])
    assert {"full_name", "date_of_birth", "gender"} <= set(schemas[child]["properties"])
    incident = document["paths"]["/api/v1/encompass/incidents"]["post"]
    body = incident["requestBody"]["content"]["application/json"]["schema"]
    child = _ref(schemas[_ref(body)]["properties"]["children"]["items"])
    assert {"ref", "presence"} <= set(schemas[child]["properties"])


def test_an_action_is_documented_as_it_is_returned(client: Client) -> None:
    document = _document(client)
    schemas = document["components"]["schemas"]
    partner = document["paths"]["/api/v1/reviews/actions/{action_id}"]["post"]
    out = _ref(partner["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(schemas[out]["properties"]) == {
        "id",
        "incident_reference",
        "description",
        "due_on",
        "status",
        "completed_on",
    }
    steps = "/api/v1/reviews/cases/{incident_reference}/recommendations/{recommendation_id}/actions"
    added = document["paths"][steps]["post"]
    out = _ref(added["responses"]["201"]["content"]["application/json"]["schema"])
    assert "owner_organisation_id" in schemas[out]["properties"]


# Two modules' schemas that happen to share a class name.
ChildA = type("ChildIn", (Schema,), {"__annotations__": {"ref": str}})
ChildB = type("ChildIn", (Schema,), {"__annotations__": {"full_name": str}})


def test_two_schemas_of_one_name_are_refused_when_the_api_is_built() -> None:
    first, second = Router(), Router()

    @first.post("/a")
    def a(request: Any, payload: ChildA) -> dict[str, Any]:  # type: ignore[valid-type]
        return {}

    @second.post("/b")
    def b(request: Any, payload: ChildB) -> dict[str, Any]:  # type: ignore[valid-type]
        return {}

    api = SafeguardAPI(urls_namespace="clash_test", docs_url=None)
    install(api)
    api.add_router("/first", first)
    api.add_router("/second", second)
    with pytest.raises(ConfigError, match="ChildIn"):
        api.urls  # noqa: B018
