"""The action plan's API: a partner's key lists, reads and progresses its own actions only."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from safeguard.core.services.apikeys import apikey_create
from safeguard.governance.models import ActionProgress
from safeguard.governance.services.actions import action_create, action_withdraw
from tests import factories
from tests.governance.helpers import TEST_SOURCE, partnership

pytestmark = pytest.mark.django_db


def _key(p, organisation):
    admin = factories.person("business_unit_admin", organisation_obj=p.bu_officer.organisation)
    _, secret = apikey_create(
        actor=admin, organisation=organisation, name="Key", scopes=["governance:actions"]
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _actions(p):
    return [
        action_create(
            actor=p.bu_officer,
            source_kind=TEST_SOURCE,
            source_id=n,
            title=f"Action {n}",
            owner_organisation=p.icb,
            due_on=date(2027, 1, n),
        )
        for n in (1, 2, 3)
    ] + [
        action_create(
            actor=p.bu_officer,
            source_kind=TEST_SOURCE,
            source_id=9,
            title="Police action",
            owner_organisation=p.police,
            due_on=date(2027, 1, 9),
        )
    ]


def test_a_key_pages_through_its_organisation_s_actions() -> None:
    p = partnership()
    mine = _actions(p)[:3]
    headers = _key(p, p.icb)
    body = Client().get("/api/v1/governance/actions?limit=2&offset=1", **headers).json()
    assert body["count"] == 3 and body["limit"] == 2 and body["offset"] == 1
    assert [item["id"] for item in body["items"]] == [mine[1].pk, mine[2].pk]
    assert body["items"][0]["source"] == "Test source"


def test_progress_is_idempotent_on_the_sender_s_reference() -> None:
    p = partnership()
    action = _actions(p)[0]
    headers = _key(p, p.icb)
    url = f"/api/v1/governance/actions/{action.pk}/progress"
    payload = {"sender_reference": "ICB-1", "text": "Started"}
    first = Client().post(url, payload, content_type="application/json", **headers)
    again = Client().post(url, payload, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "in_progress"
    assert ActionProgress.objects.filter(action=action).count() == 1


def test_completion_needs_evidence_and_a_withdrawn_action_takes_no_progress() -> None:
    p = partnership()
    action, withdrawn = _actions(p)[:2]
    action_withdraw(actor=p.bu_officer, action=withdrawn, reason="Not needed")
    headers = _key(p, p.icb)
    empty = Client().post(
        f"/api/v1/governance/actions/{action.pk}/completion",
        {"evidence": ""},
        content_type="application/json",
        **headers,
    )
    assert empty.status_code == 422
    done = Client().post(
        f"/api/v1/governance/actions/{action.pk}/completion",
        {"evidence": "Done"},
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"
    refused = Client().post(
        f"/api/v1/governance/actions/{withdrawn.pk}/progress",
        {"sender_reference": "ICB-2", "text": "Too late"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 422


def test_another_organisation_s_action_is_not_found() -> None:
    p = partnership()
    police_action = _actions(p)[3]
    response = Client().get(f"/api/v1/governance/actions/{police_action.pk}", **_key(p, p.icb))
    assert response.status_code == 404
