"""The API through Django's test client: authentication, scopes, errors, the kernel routes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import Client
from django.urls import path
from django.utils import timezone
from ninja import Router, Schema

from safeguard.core import audit
from safeguard.core.api import SafeguardAPI, install
from safeguard.core.api.auth import ApiKeyAuth
from safeguard.core.context import current_api_key_id
from safeguard.core.models import ApiKey, AuditEvent
from safeguard.core.models.audit import AuditAction
from safeguard.core.services.apikeys import apikey_create, apikey_revoke
from tests import factories

pytestmark = pytest.mark.django_db


def make_key(
    scopes: list[str] | None = None, organisation: Any = None, **fields: Any
) -> tuple[ApiKey, str]:
    admin = factories.person("business_unit_admin")
    return apikey_create(
        actor=admin,
        organisation=organisation
        or factories.organisation(name="Northshire Police", kind="police"),
        name="Records system",
        scopes=scopes if scopes is not None else ["partnership:read"],
        **fields,
    )


def bearer(full_key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {full_key}"}


def body(response: Any) -> Any:
    return json.loads(response.content)


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()  # type: ignore[return-value]


# --- authentication -------------------------------------------------------------------------


def test_whoami_names_the_key_and_its_organisation(client: Client) -> None:
    key, full_key = make_key()
    response = client.get("/api/v1/whoami", **bearer(full_key))
    assert response.status_code == 200
    data = body(response)
    assert data["organisation"] == {"id": key.organisation_id, "name": "Northshire Police"}
    assert data["key_name"] == "Records system"
    assert data["key_prefix"] == key.prefix
    assert data["scopes"] == ["partnership:read"]


def test_a_valid_key_marks_last_used_at_most_once_a_minute(client: Client) -> None:
    key, full_key = make_key()
    assert key.last_used_at is None
    client.get("/api/v1/whoami", **bearer(full_key))
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    client.get("/api/v1/whoami", **bearer(full_key))
    key.refresh_from_db()
    assert key.last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/whoami", **bearer(full_key))
    key.refresh_from_db()
    assert key.last_used_at > first


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("Basic dXNlcjpwYXNz", "malformed"),
        ("Bearer not-a-key", "malformed"),
        ("Bearer sg_short_x", "malformed"),
    ],
)
def test_a_missing_or_malformed_key_is_refused_and_audited(
    client: Client, header: str | None, reason: str
) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/whoami", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert body(response)["error"]["code"] == "unauthorised"
    event = last_event()
    assert event.action == AuditAction.API_KEY_REJECTED
    assert event.detail == reason
    assert event.record_id == ""


def test_an_unknown_prefix_is_refused_and_audited_with_the_prefix_only(client: Client) -> None:
    secret = "A" * 43
    response = client.get("/api/v1/whoami", **bearer(f"sg_zzzzzzzz_{secret}"))
    assert response.status_code == 401
    event = last_event()
    assert (event.action, event.detail, event.record_id) == (
        "api_key_rejected",
        "unknown",
        "zzzzzzzz",
    )
    assert secret not in json.dumps([event.detail, event.changes, event.record_id])


def test_a_wrong_secret_for_a_real_prefix_is_refused_as_unknown(client: Client) -> None:
    key, full_key = make_key()
    forged = f"sg_{key.prefix}_{'B' * 43}"
    assert forged != full_key
    response = client.get("/api/v1/whoami", **bearer(forged))
    assert response.status_code == 401
    assert (last_event().detail, last_event().record_id) == ("unknown", key.prefix)


def test_a_revoked_key_is_refused_and_audited(client: Client) -> None:
    key, full_key = make_key()
    assert client.get("/api/v1/whoami", **bearer(full_key)).status_code == 200
    apikey_revoke(actor=factories.person("business_unit_admin"), key=key)
    response = client.get("/api/v1/whoami", **bearer(full_key))
    assert response.status_code == 401
    assert (last_event().detail, last_event().record_id) == ("revoked", key.prefix)


def test_an_expired_key_is_refused_and_audited(client: Client) -> None:
    key, full_key = make_key(expires_at=timezone.now() + timedelta(hours=1))
    assert client.get("/api/v1/whoami", **bearer(full_key)).status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/whoami", **bearer(full_key))
    assert response.status_code == 401
    assert (last_event().detail, last_event().record_id) == ("expired", key.prefix)


def test_a_key_of_an_inactive_organisation_is_refused(client: Client) -> None:
    key, full_key = make_key()
    key.organisation.active = False
    key.organisation.save()
    assert client.get("/api/v1/whoami", **bearer(full_key)).status_code == 401
    assert last_event().detail == "inactive_organisation"


# --- scopes ---------------------------------------------------------------------------------


def test_a_key_without_the_scope_gets_403_and_an_audit_row_naming_the_key(client: Client) -> None:
    key, full_key = make_key(scopes=["partnership:read"])
    ApiKey.objects.filter(pk=key.pk).update(scopes=[])
    response = client.get("/api/v1/organisations", **bearer(full_key))
    assert response.status_code == 403
    assert body(response)["error"]["code"] == "forbidden"
    assert "partnership:read" in body(response)["error"]["message"]
    event = last_event()
    assert event.action == AuditAction.DENIED
    assert event.detail == "needs scope partnership:read"
    assert event.api_key_id == key.pk
    assert event.route == "api:organisations"


def test_the_api_key_id_does_not_outlive_the_request(client: Client) -> None:
    _, full_key = make_key()
    client.get("/api/v1/whoami", **bearer(full_key))
    assert current_api_key_id.get() is None
    assert audit.record(action="view", record_type="test").api_key_id is None


# --- kernel routes --------------------------------------------------------------------------


def test_organisations_are_paginated_and_filtered_by_kind(client: Client) -> None:
    _, full_key = make_key()
    for n in range(5):
        factories.organisation(name=f"School {n}", kind="school", urn=f"10000{n}")
    response = client.get("/api/v1/organisations?kind=school&limit=2&offset=1", **bearer(full_key))
    assert response.status_code == 200
    data = body(response)
    assert data["count"] == 5
    assert (data["limit"], data["offset"]) == (2, 1)
    assert [o["name"] for o in data["items"]] == ["School 1", "School 2"]
    assert set(data["items"][0]) == {"id", "name", "kind", "urn", "statutory_partner", "active"}
    assert data["items"][0]["urn"] == "100001"
    everything = body(client.get("/api/v1/organisations?limit=200", **bearer(full_key)))
    assert {"Northshire Police", "School 0"} <= {o["name"] for o in everything["items"]}


def test_one_organisation_and_a_missing_one(client: Client) -> None:
    key, full_key = make_key()
    response = client.get(f"/api/v1/organisations/{key.organisation_id}", **bearer(full_key))
    assert response.status_code == 200
    assert body(response)["kind"] == "police"
    missing = client.get("/api/v1/organisations/999999", **bearer(full_key))
    assert missing.status_code == 404
    assert body(missing)["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=castle", "kind"),
        ("limit=abc", "limit"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("offset=-1", "offset"),
    ],
)
def test_bad_query_parameters_get_422_naming_the_field(
    client: Client, query: str, field: str
) -> None:
    _, full_key = make_key()
    response = client.get(f"/api/v1/organisations?{query}", **bearer(full_key))
    assert response.status_code == 422
    error = body(response)["error"]
    assert error["code"] == "validation_error"
    assert [f["field"] for f in error["fields"]] == [field]


def test_a_bad_path_parameter_gets_422(client: Client) -> None:
    _, full_key = make_key()
    response = client.get("/api/v1/organisations/abc", **bearer(full_key))
    assert response.status_code == 422
    assert body(response)["error"]["fields"][0]["field"] == "organisation_id"


def test_an_unknown_api_path_answers_in_json(client: Client) -> None:
    for url in ("/api/v1/no-such-thing", "/api/v1/"):
        response = client.get(url)
        assert response.status_code == 404
        assert body(response)["error"]["code"] == "not_found"


def test_a_wrong_method_is_not_a_500(client: Client) -> None:
    _, full_key = make_key()
    response = client.post("/api/v1/whoami", **bearer(full_key))
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert body(response)["error"]["code"] == "method_not_allowed"


# --- the OpenAPI document -------------------------------------------------------------------


def test_openapi_describes_routes_security_and_errors(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = body(response)
    assert {
        "/api/v1/whoami",
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}",
    } <= set(document["paths"])
    schemes = document["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= next(iter(schemes.values())).items()
    operation = document["paths"]["/api/v1/organisations"]["get"]
    assert operation["security"]
    for status in ("401", "403", "422"):
        ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/ErrorOut")
    assert "ErrorOut" in document["components"]["schemas"]


# --- errors raised inside routes, through a second API built with the same kernel ------------


class Referral(Schema):
    reference: str
    count: int


test_router = Router()


@test_router.post("/referrals")
def post_referral(request: Any, payload: Referral) -> dict[str, Any]:
    if payload.reference == "taken":
        raise DjangoValidationError({"reference": "This reference has been used"})
    audit.record(action="create", record_type="test.referral", record_id=payload.reference)
    return {"ok": True}


test_api = SafeguardAPI(urls_namespace="api_test", docs_url=None, auth=ApiKeyAuth())
install(test_api)
test_api.add_router("/test", test_router)
urlpatterns = [path("api/test/", test_api.urls)]


@pytest.mark.urls("tests.core.test_api")
def test_an_audit_row_written_during_an_api_call_carries_the_key() -> None:
    # A partner system has no CSRF cookie: bearer-key writes must not need one.
    client = Client(enforce_csrf_checks=True)
    key, full_key = make_key()
    response = client.post(
        "/api/test/test/referrals",
        data={"reference": "R-1", "count": 1},
        content_type="application/json",
        **bearer(full_key),
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(record_type="test.referral")
    assert event.api_key_id == key.pk


@pytest.mark.urls("tests.core.test_api")
def test_malformed_json_is_400_in_the_error_shape(client: Client) -> None:
    _, full_key = make_key()
    response = client.post(
        "/api/test/test/referrals",
        data=b'{"reference": "R-1", ',
        content_type="application/json",
        **bearer(full_key),
    )
    assert response.status_code == 400
    error = body(response)["error"]
    assert error["code"] == "validation_error"
    assert error["fields"][0]["field"] == "body"


@pytest.mark.urls("tests.core.test_api")
def test_body_validation_errors_name_each_field(client: Client) -> None:
    _, full_key = make_key()
    response = client.post(
        "/api/test/test/referrals",
        data={"count": "many"},
        content_type="application/json",
        **bearer(full_key),
    )
    assert response.status_code == 422
    fields = {f["field"] for f in body(response)["error"]["fields"]}
    assert fields == {"reference", "count"}


@pytest.mark.urls("tests.core.test_api")
def test_a_django_validation_error_in_a_route_is_422_with_its_field(client: Client) -> None:
    _, full_key = make_key()
    response = client.post(
        "/api/test/test/referrals",
        data={"reference": "taken", "count": 1},
        content_type="application/json",
        **bearer(full_key),
    )
    assert response.status_code == 422
    assert body(response)["error"]["fields"] == [
        {"field": "reference", "message": "This reference has been used"}
    ]
