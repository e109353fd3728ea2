"""The scorecard's API: reads with performance:read, returns with performance:submit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from safeguard.core.models import AuditEvent
from safeguard.core.services.apikeys import apikey_create
from safeguard.performance.models import Observation
from tests import factories
from tests.performance import helpers

pytestmark = pytest.mark.django_db
BASE = "/api/v1/performance"
STEADY = [80, 82, 79, 81, 80, 82, 78, 81, 80, 79, 81, 80]


@pytest.fixture
def owner():
    return factories.organisation(name="Owner council")


def _key(org, *scopes: str) -> str:
    admin = factories.person("business_unit_admin")
    _, secret = apikey_create(actor=admin, organisation=org, name="System", scopes=list(scopes))
    return secret


def _get(path: str, key: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return Client().get(f"{BASE}{path}", **headers)


def _post(body: dict, key: str):
    return Client().post(
        f"{BASE}/returns",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_reads_need_a_key_with_the_read_scope(owner) -> None:
    indicator = helpers.indicator(owner, code="icpc")
    helpers.series(indicator, [*STEADY, 50])
    assert _get("/indicators", None).status_code == 401
    assert _get("/indicators", _key(owner, "performance:submit")).status_code == 403
    key = _key(factories.organisation(), "performance:read")
    body = _get("/indicators", key).json()["items"]
    assert body[0]["code"] == "icpc"
    assert body[0]["latest"] == {"period": "2025-01", "value": 50.0}
    assert body[0]["variation"] == "concern"
    series = _get("/indicators/icpc", key).json()
    assert len(series["points"]) == 13
    assert series["points"][-1]["special_cause"] == "below_lower_limit"
    assert series["trial_limits"] is False
    missing = _get("/indicators/nope", key)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_a_partner_system_sends_values_and_a_resend_changes_nothing(owner) -> None:
    helpers.indicator(owner, code="icpc")
    key = _key(owner, "performance:submit")
    body = {
        "values": [
            {"indicator": "icpc", "period": "2026-08", "value": "84", "narrative": "Steady"},
            {"indicator": "icpc", "period": "2026-09", "value": "86.5", "narrative": "Better"},
        ]
    }
    first = _post(body, key)
    assert first.status_code == 200, first.content
    assert first.json() == {"saved": 2}
    assert _post(body, key).status_code == 200
    assert Observation.objects.count() == 2
    assert Observation.objects.get(period_start=date(2026, 9, 1)).value == Decimal("86.5")
    assert Observation.objects.filter(source="api").count() == 2
    events = AuditEvent.objects.filter(record_type="performance.observation")
    assert events.count() == 2  # the resend recorded nothing new
    assert all(e.api_key_id is not None for e in events)


def test_a_bad_batch_is_refused_whole_naming_each_value(owner) -> None:
    helpers.indicator(owner, code="icpc")
    helpers.indicator(factories.organisation(), code="theirs")
    key = _key(owner, "performance:submit")
    body = {
        "values": [
            {"indicator": "icpc", "period": "2026-08", "value": "84", "narrative": "Fine"},
            {"indicator": "icpc", "period": "2026-09", "value": "140", "narrative": "Too high"},
            {"indicator": "theirs", "period": "2026-09", "value": "1", "narrative": "Not ours"},
        ]
    }
    response = _post(body, key)
    assert response.status_code == 422
    fields = {f["field"]: f["message"] for f in response.json()["error"]["fields"]}
    assert fields == {
        "values.1.value": "A percentage cannot be more than 100",
        "values.2.indicator": "Your organisation does not own this indicator",
    }
    assert not Observation.objects.exists()


def test_the_walk_expects_exactly_the_routes_the_router_has() -> None:
    from safeguard.api import api
    from tests.performance import walk

    paths = api.get_openapi_schema()["paths"]
    found = {
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method in operations
        if path.startswith("/api/v1/performance/")
    }
    assert found == set(walk.API)


def test_the_scorecard_is_a_page_of_indicators(owner) -> None:
    for code in ("a", "b", "c"):
        helpers.indicator(owner, code=code)
    key = _key(owner, "performance:read")
    page = _get("/indicators?limit=2&offset=1", key).json()
    assert (page["count"], page["limit"], page["offset"]) == (3, 2, 1)
    assert len(page["items"]) == 2
    everything = _get("/indicators", key).json()["items"]
    assert [i["code"] for i in page["items"]] == [i["code"] for i in everything][1:3]
    assert _get("/indicators?limit=201", key).status_code == 422
