"""Making, checking and revoking API keys: the services and the key format, on a real database."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.api import auth as api_auth
from safeguard.core.api.auth import KeyRejected, parse_key, register_scope, verify_key
from safeguard.core.models import ApiKey, AuditEvent
from safeguard.core.selectors.apikeys import apikey_list
from safeguard.core.services.apikeys import apikey_create, apikey_revoke
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return factories.person("business_unit_admin")


def test_a_new_key_is_shown_once_and_only_its_digest_is_stored(admin) -> None:
    organisation = factories.organisation(kind="police")
    key, full_key = apikey_create(
        actor=admin, organisation=organisation, name="Records system", scopes=["partnership:read"]
    )
    prefix, secret = parse_key(full_key)  # type: ignore[misc]
    assert full_key == f"sg_{prefix}_{secret}"
    assert len(prefix) == 8 and len(secret) >= 43
    key.refresh_from_db()
    assert key.prefix == prefix
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(ApiKey.objects.values()), default=str)
    assert (key.created_by, key.organisation, key.scopes) == (
        admin,
        organisation,
        ["partnership:read"],
    )


def test_making_a_key_is_audited_without_the_secret(admin) -> None:
    key, full_key = apikey_create(
        actor=admin, organisation=factories.organisation(), name="Feed", scopes=["partnership:read"]
    )
    event = AuditEvent.objects.get(record_type="core.apikey", record_id=str(key.pk))
    assert (event.action, event.actor_id) == ("create", admin.pk)
    assert event.changes["prefix"] == [None, key.prefix]
    assert event.changes["scopes"] == [None, ["partnership:read"]]
    _, secret = parse_key(full_key)  # type: ignore[misc]
    assert secret not in json.dumps([event.changes, event.detail])
    assert audit.verify().intact


def test_two_keys_never_share_a_prefix_or_secret(admin) -> None:
    organisation = factories.organisation()
    made = [
        apikey_create(
            actor=admin, organisation=organisation, name=f"k{n}", scopes=["partnership:read"]
        )
        for n in range(5)
    ]
    assert len({k.prefix for k, _ in made}) == 5
    assert len({full for _, full in made}) == 5


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["everything:write"]}, "scopes"),
        ({"expires_at": "past"}, "expires_at"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(admin, fields, field) -> None:
    arguments = {"name": "Feed", "scopes": ["partnership:read"], "expires_at": None, **fields}
    if arguments["expires_at"] == "past":
        arguments["expires_at"] = timezone.now() - timedelta(minutes=1)
    with pytest.raises(ValidationError) as raised:
        apikey_create(actor=admin, organisation=factories.organisation(), **arguments)
    assert field in raised.value.message_dict
    assert not ApiKey.objects.exists()
    assert not AuditEvent.objects.filter(record_type="core.apikey").exists()


def test_an_inactive_organisation_gets_no_key(admin) -> None:
    with pytest.raises(ValidationError) as raised:
        apikey_create(
            actor=admin,
            organisation=factories.organisation(active=False),
            name="Feed",
            scopes=["partnership:read"],
        )
    assert "organisation" in raised.value.message_dict


def test_only_those_who_manage_keys_may_make_revoke_or_list_them(admin) -> None:
    officer = factories.person("business_unit_officer")
    organisation = factories.organisation()
    with pytest.raises(PermissionDenied):
        apikey_create(
            actor=officer, organisation=organisation, name="x", scopes=["partnership:read"]
        )
    key, _ = apikey_create(
        actor=admin, organisation=organisation, name="x", scopes=["partnership:read"]
    )
    with pytest.raises(PermissionDenied):
        apikey_revoke(actor=officer, key=key)
    assert list(apikey_list(actor=officer)) == []
    assert list(apikey_list(actor=admin)) == [key]


def test_verify_accepts_the_key_then_refuses_it_once_revoked(admin) -> None:
    key, full_key = apikey_create(
        actor=admin, organisation=factories.organisation(), name="Feed", scopes=["partnership:read"]
    )
    assert verify_key(full_key).pk == key.pk
    apikey_revoke(actor=admin, key=key)
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == admin
    with pytest.raises(KeyRejected) as raised:
        verify_key(full_key)
    assert raised.value.reason == "revoked"
    event = AuditEvent.objects.filter(record_type="core.apikey", action="update").get()
    assert event.changes["state"] == ["active", "revoked"]
    assert event.actor_id == admin.pk


def test_revoking_twice_is_refused(admin) -> None:
    key, _ = apikey_create(
        actor=admin, organisation=factories.organisation(), name="Feed", scopes=["partnership:read"]
    )
    apikey_revoke(actor=admin, key=key)
    with pytest.raises(ValidationError):
        apikey_revoke(actor=admin, key=key)
    assert AuditEvent.objects.filter(record_type="core.apikey", action="update").count() == 1


def test_a_key_expires_at_its_moment(admin) -> None:
    key, full_key = apikey_create(
        actor=admin,
        organisation=factories.organisation(),
        name="Feed",
        scopes=["partnership:read"],
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert api_auth.key_state(key) == "active"
    assert api_auth.key_state(key, key.expires_at) == "expired"
    assert verify_key(full_key).pk == key.pk
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now())
    with pytest.raises(KeyRejected) as raised:
        verify_key(full_key)
    assert raised.value.reason == "expired"


def test_module_scopes_can_be_registered_and_then_granted(admin) -> None:
    register_scope("testmodule:things:write", "Write test things")
    try:
        key, _ = apikey_create(
            actor=admin,
            organisation=factories.organisation(),
            name="Feed",
            scopes=["testmodule:things:write", "partnership:read"],
        )
    finally:
        api_auth._scopes.pop("testmodule:things:write")
    assert key.scopes == ["partnership:read", "testmodule:things:write"]
    with pytest.raises(ValueError):
        register_scope("Not A Scope", "bad")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "sg_",
        "sg_abcdefgh",
        "sg_ABCDEFGH_" + "a" * 43,
        "xx_abcdefgh_" + "a" * 43,
        "sg_abcdefgh_short",
    ],
)
def test_malformed_keys_do_not_parse(token: str) -> None:
    assert parse_key(token) is None
