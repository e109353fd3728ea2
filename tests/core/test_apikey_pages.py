"""The API key pages through the test client, signed in as real people with real roles."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from safeguard.core.api.auth import parse_key, verify_key
from safeguard.core.http import STEP_UP_SESSION_KEY
from safeguard.core.models import ApiKey, AuditEvent
from safeguard.core.services.apikeys import apikey_create
from tests import factories

pytestmark = pytest.mark.django_db


def stepped_up(client: Client) -> Client:
    session = client.session
    session[STEP_UP_SESSION_KEY] = time.time()
    session.save()
    return client


@pytest.fixture
def admin():
    return factories.person("business_unit_admin")


@pytest.fixture
def admin_client(client_for, admin) -> Client:
    return stepped_up(client_for(admin))


def a_key(admin, **fields) -> ApiKey:
    key, _ = apikey_create(
        actor=admin,
        organisation=factories.organisation(name="Northshire Police", kind="police"),
        name="Records system",
        scopes=["partnership:read"],
        **fields,
    )
    return key


def test_anonymous_people_are_sent_to_sign_in(client: Client) -> None:
    for url in (reverse("core:apikeys"), reverse("core:apikey_create"), "/api-keys/1/revoke"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:sign_in"))


def test_people_without_the_capability_are_refused_and_audited(client_for, admin) -> None:
    key = a_key(admin)
    client = stepped_up(client_for(factories.person("business_unit_officer")))
    for url in (
        reverse("core:apikeys"),
        reverse("core:apikey_create"),
        reverse("core:apikey_revoke", args=[key.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("core:apikey_revoke", args=[key.pk])).status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None
    assert AuditEvent.objects.filter(action="denied", detail="needs apikeys.manage").count() == 4


def test_the_list_shows_each_key_and_its_state(admin_client, admin) -> None:
    active = a_key(admin)
    revoked = apikey_create(
        actor=admin, organisation=active.organisation, name="Old feed", scopes=["partnership:read"]
    )[0]
    ApiKey.objects.filter(pk=revoked.pk).update(revoked_at="2026-01-01T00:00:00Z")
    response = admin_client.get(reverse("core:apikeys"))
    assert response.status_code == 200
    page = response.content.decode()
    assert active.prefix in page and revoked.prefix in page
    assert "Northshire Police" in page
    assert ">Active<" in page and ">Revoked<" in page
    assert reverse("core:apikey_revoke", args=[active.pk]) in page
    assert reverse("core:apikey_revoke", args=[revoked.pk]) not in page


def test_making_a_key_asks_for_the_second_factor_again(client_for, admin) -> None:
    client = client_for(admin)
    for url in (
        reverse("core:apikey_create"),
        reverse("core:apikey_revoke", args=[a_key(admin).pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:confirm_second_factor"))
    response = client.post(
        reverse("core:apikey_create"),
        {"organisation": admin.organisation_id, "name": "Feed", "scopes": ["partnership:read"]},
    )
    assert response.status_code == 302
    assert ApiKey.objects.count() == 1
    key = ApiKey.objects.get()
    response = client.post(reverse("core:apikey_revoke", args=[key.pk]))
    assert response["Location"].startswith(reverse("core:confirm_second_factor"))
    key.refresh_from_db()
    assert key.revoked_at is None


def test_the_form_offers_organisations_and_scopes_as_checkboxes(admin_client) -> None:
    response = admin_client.get(reverse("core:apikey_create"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="checkbox"' in page and 'value="partnership:read"' in page
    assert '<select name="organisation"' in page


def test_a_new_key_is_shown_once_and_works(admin_client, admin) -> None:
    organisation = factories.organisation(name="Southshire Council")
    response = admin_client.post(
        reverse("core:apikey_create"),
        {"organisation": organisation.pk, "name": "Case system", "scopes": ["partnership:read"]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    full_key = re.search(r"sg_[a-z0-9]{8}_[A-Za-z0-9_-]{43,}", page)[0]  # type: ignore[index]
    assert "will not be shown again" in page
    assert verify_key(full_key).organisation == organisation
    _, secret = parse_key(full_key)  # type: ignore[misc]
    assert secret not in str(dict(admin_client.session))
    listing = admin_client.get(reverse("core:apikeys")).content.decode()
    assert secret not in listing


def test_an_expiry_date_ends_the_key_at_the_end_of_that_day(admin_client) -> None:
    organisation = factories.organisation()
    response = admin_client.post(
        reverse("core:apikey_create"),
        {
            "organisation": organisation.pk,
            "name": "Pilot",
            "scopes": ["partnership:read"],
            "expires_on": "31/3/2099",
        },
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    assert key.expires_at.isoformat() == "2099-03-31T23:00:00+00:00"  # midnight BST


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "scopes": ["partnership:read"]}, "name"),
        ({"name": "Feed"}, "scopes"),
        ({"name": "Feed", "scopes": ["everything:write"]}, "scopes"),
        ({"name": "Feed", "scopes": ["partnership:read"], "expires_on": "1/1/2001"}, "expires_on"),
        ({"name": "Feed", "scopes": ["partnership:read"], "expires_on": "soon"}, "expires_on"),
        (
            {"name": "Feed", "scopes": ["partnership:read"], "organisation": "999999"},
            "organisation",
        ),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_makes_no_key(
    admin_client, admin, data, field
) -> None:
    data = {"organisation": admin.organisation_id, **data}
    response = admin_client.post(reverse("core:apikey_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert f'href="#id_{field}"' in page
    assert f'id="id_{field}-error"' in page
    assert not ApiKey.objects.exists()


def test_revoking_asks_first_then_revokes(admin_client, admin) -> None:
    key = a_key(admin)
    url = reverse("core:apikey_revoke", args=[key.pk])
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert "Revoke the key" in confirm.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None
    response = admin_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:apikeys")
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == admin
    again = admin_client.post(url)
    assert again.status_code == 400
    assert "already been revoked" in again.content.decode()


def test_revoking_a_key_that_does_not_exist_is_404(admin_client) -> None:
    assert admin_client.get(reverse("core:apikey_revoke", args=[999999])).status_code == 404
