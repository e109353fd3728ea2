"""A partner system notifies a death through the API: idempotent on its reference, answered
with the partnership's reference only; another organisation's acknowledgement is 404."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.child_deaths.models import Death, Notification
from safeguard.core.models import OutboxMessage
from safeguard.core.services.apikeys import apikey_create
from tests import factories
from tests.child_deaths.helpers import partnership

pytestmark = pytest.mark.django_db


def _key(p, organisation) -> str:
    admin = factories.person("business_unit_admin")
    _, secret = apikey_create(
        actor=admin, organisation=organisation, name="Hospital EPR", scopes=["child_deaths:notify"]
    )
    return secret


def _body(**extra):
    died = timezone.now() - timedelta(hours=4)
    return {
        "sender_reference": "EPR-123",
        "full_name": "Ivy Apichild",
        "born_on": "2025-06-01",
        "died_at": died.isoformat(),
        "place": "hospital",
        "expected": False,
        **extra,
    }


def _post(secret: str, body):
    return Client().post(
        "/api/v1/child-deaths/notifications",
        json.dumps(body),
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_notify_then_repeat_is_the_same_notification() -> None:
    p = partnership()
    secret = _key(p, p.hospital)
    first = _post(secret, _body())
    assert first.status_code == 201
    answer = first.json()
    death = Death.objects.get()
    assert answer["reference"] == death.reference and "Ivy" not in first.content.decode()
    again = _post(secret, _body())
    assert again.status_code == 200 and again.json()["reference"] == death.reference
    assert Notification.objects.count() == 1
    assert OutboxMessage.objects.filter(reason="child_deaths.notified").count() == 2


def test_a_bad_date_is_a_clear_422_and_nothing_changes() -> None:
    p = partnership()
    secret = _key(p, p.hospital)
    later = (timezone.now() + timedelta(days=3)).isoformat()
    response = _post(secret, _body(died_at=later))
    assert response.status_code == 422
    assert not Death.objects.exists()


def test_acknowledgement_is_the_organisations_own() -> None:
    p = partnership()
    secret = _key(p, p.hospital)
    _post(secret, _body())
    mine = Client().get(
        "/api/v1/child-deaths/notifications/EPR-123", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert mine.status_code == 200
    police = _key(p, p.police)
    theirs = Client().get(
        "/api/v1/child-deaths/notifications/EPR-123", HTTP_AUTHORIZATION=f"Bearer {police}"
    )
    assert theirs.status_code == 404
