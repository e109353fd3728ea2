"""An API key's scopes must fit its organisation's kind: a school's key cannot decide for the LA."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from safeguard.core import scope_holders
from safeguard.core.api import auth as api_auth
from safeguard.core.http import STEP_UP_SESSION_KEY
from safeguard.core.models import ApiKey
from safeguard.core.services.apikeys import apikey_create
from tests import factories

pytestmark = pytest.mark.django_db

DECIDE = "testing:decide"


@pytest.fixture(autouse=True)
def la_only_scope(monkeypatch):
    """A scope registered as a module would, and said to be for local authorities only."""
    monkeypatch.setitem(api_auth._scopes, DECIDE, api_auth.Scope(DECIDE, "Record the decision"))
    monkeypatch.setattr(scope_holders, "_holders", dict(scope_holders._holders))
    scope_holders.limit_scope(DECIDE, kinds=["local_authority"])


@pytest.fixture
def admin():
    return factories.person("business_unit_admin")


def test_a_school_key_cannot_hold_an_la_scope(admin):
    school = factories.organisation(kind="school", urn="123456")
    with pytest.raises(ValidationError) as refused:
        apikey_create(actor=admin, organisation=school, name="MIS", scopes=[DECIDE])
    [message] = refused.value.message_dict["scopes"]
    assert message == (
        "A key for a school or college cannot record the decision. Only a key for a local "
        "authority may do that: remove it or choose another organisation"
    )
    assert not ApiKey.objects.exists()


def test_the_kinds_named_may_hold_it_and_unlimited_scopes_fit_any_kind(admin):
    council = factories.organisation(kind="local_authority")
    key, _ = apikey_create(actor=admin, organisation=council, name="Case system", scopes=[DECIDE])
    assert key.scopes == [DECIDE]
    school = factories.organisation(kind="school", urn="654321")
    key, _ = apikey_create(
        actor=admin, organisation=school, name="MIS", scopes=["partnership:read"]
    )
    assert key.organisation == school


def test_the_key_form_refuses_a_misfit_beside_the_scopes(client_for, admin):
    client: Client = client_for(admin)
    session = client.session
    session[STEP_UP_SESSION_KEY] = time.time()
    session.save()
    school = factories.organisation(kind="school", urn="111111", name="Cedar School")
    response = client.post(
        reverse("core:apikey_create"),
        {"organisation": school.pk, "name": "MIS", "scopes": [DECIDE, "partnership:read"]},
    )
    page = response.content.decode()
    assert "A key for a school or college cannot record the decision" in page
    assert 'href="#id_scopes"' in page
    assert not ApiKey.objects.exists()


def test_limits_name_real_kinds():
    with pytest.raises(ValueError, match="unknown organisation kinds"):
        scope_holders.limit_scope("testing:other", kinds=["castle"])
    with pytest.raises(ValueError, match="at least one kind"):
        scope_holders.limit_scope("testing:other", kinds=[])


def test_an_organisation_cannot_change_to_a_kind_its_keys_may_not_hold(admin):
    from safeguard.core.services.apikeys import apikey_revoke
    from safeguard.core.services.partnership import organisation_update

    council = factories.organisation(kind="local_authority", name="Westshire Council")
    key, _ = apikey_create(actor=admin, organisation=council, name="Case system", scopes=[DECIDE])
    with pytest.raises(ValidationError) as refused:
        organisation_update(
            actor=admin,
            organisation=council,
            name=council.name,
            kind="school",
            statutory_partner=False,
        )
    [message] = refused.value.message_dict["kind"]
    assert message == (
        "This organisation's API keys may do things that a school or college may not"
        " (record the decision): revoke those keys first"
    )
    council.refresh_from_db()
    assert council.kind == "local_authority"
    apikey_revoke(actor=admin, key=key)
    organisation_update(
        actor=admin,
        organisation=council,
        name=council.name,
        kind="school",
        statutory_partner=False,
    )
    council.refresh_from_db()
    assert council.kind == "school"
