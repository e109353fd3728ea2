"""Single sign-on against a real OpenID Connect provider on loopback (tests/oidc_provider.py).

Every test drives the whole flow through Django's test client: our start page sends the browser
to the provider, the provider's page is opened and answered over HTTP, and its answer comes
back to our callback, which fetches the token and the keys from the provider over HTTP too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import sso
from safeguard.core.models import AuditEvent, OutboxMessage, Person, ProviderSecondFactor
from safeguard.core.models.audit import AuditAction
from tests import factories
from tests.core.test_accounts import code_for
from tests.oidc_provider import Provider, oidc_provider  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/sign-in/organisation-callback"
SECRET = "test-client-secret-not-real"


@pytest.fixture
def council(oidc_provider: Provider, settings: Any) -> Provider:  # noqa: F811
    oidc_provider.register("safeguard-client", SECRET, [CALLBACK])
    settings.SSO_PROVIDERS = {
        "council": {
            "key": "council",
            "name": "Westmere Council",
            "issuer": oidc_provider.issuer,
            "client_id": "safeguard-client",
            "client_secret": SECRET,
            "email_claim": "email",
        }
    }
    sso.forget_discovery()
    yield oidc_provider
    sso.forget_discovery()


@pytest.fixture
def council_org() -> Any:
    return factories.organisation(name="Westmere Council", sign_in_provider="council")


def _person(org: Any, email: str = "jo.bloggs@westmere.example", *roles: str) -> Person:
    someone = factories.person(*(roles or ("practitioner",)), organisation_obj=org, email=email)
    someone.password = make_password(None)
    someone.save(update_fields=["password"])
    return someone


def sso_sign_in(
    client: Client, provider: Provider, *, start: str = "/sign-in/organisation/council"
):
    """Our start page, the provider's page over HTTP, then our callback: the callback's answer."""
    started = client.get(start)
    assert started.status_code == 302, started.content
    back = provider.sign_in_at_provider(started["Location"])
    parts = urlsplit(back)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return client.get(f"{parts.path}?{parts.query}")


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_provider_second_factor_signs_in_fully(client, council, council_org):
    someone = _person(council_org)
    council.identity = {"sub": "abc", "email": someone.email, "amr": ["pwd", "mfa"]}
    response = sso_sign_in(client, council)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/account").status_code == 200
    # The library sent state, nonce and a PKCE challenge, and the verifier at the token step.
    asked = council.authorize_requests[-1]
    assert asked["code_challenge_method"] == "S256"
    assert asked["nonce"] and asked["state"]
    assert asked["scope"].split() == ["openid", "email", "profile"]
    assert len(council.token_requests[-1]["code_verifier"]) >= 43
    device = ProviderSecondFactor.objects.get(user=someone)
    assert client.session["otp_device_id"] == device.persistent_id
    signed = [e for e in _events(AuditAction.SIGN_IN) if e.record_id == str(someone.pk)]
    assert any("second factor from the provider" in e.detail for e in signed)
    assert someone.email not in "".join(e.detail for e in AuditEvent.objects.all())


def test_without_provider_second_factor_ours_is_asked(client, council, council_org):
    someone = _person(council_org)
    council.identity = {"sub": "abc", "email": someone.email, "amr": ["pwd"]}
    response = sso_sign_in(client, council)
    assert response["Location"] == "/sign-in/set-up"
    assert client.get("/account")["Location"] == "/sign-in/code"

    # With an authenticator already set up, the code page, and the code finishes the sign-in.
    client.post("/sign-out")
    device = factories.totp_device(someone)
    council.identity = {"sub": "abc", "email": someone.email}  # no amr at all
    response = sso_sign_in(client, council)
    assert response["Location"] == "/sign-in/code"
    response = client.post("/sign-in/code", {"code": code_for(device)})
    assert response["Location"] == "/"
    assert client.get("/account").status_code == 200


def test_email_matches_without_case_and_nothing_is_created(client, council, council_org):
    someone = _person(council_org, "Jo.Bloggs@westmere.example".lower())
    council.identity = {"sub": "abc", "email": "JO.BLOGGS@Westmere.Example", "amr": ["mfa"]}
    people = Person.objects.count()
    assert sso_sign_in(client, council)["Location"] == "/"
    assert client.get("/account").status_code == 200
    assert Person.objects.count() == people
    assert someone.role_codes == frozenset({"practitioner"})


def test_unknown_address_is_refused_audited_and_creates_nobody(client, council, council_org):
    council.identity = {"sub": "x", "email": "nobody@westmere.example", "amr": ["mfa"]}
    people = Person.objects.count()
    response = sso_sign_in(client, council)
    assert response.status_code == 403
    assert "did not match an account" in response.content.decode()
    assert Person.objects.count() == people
    assert client.get("/account").status_code == 302
    failed = _events(AuditAction.SIGN_IN_FAILED)[-1]
    assert failed.record_id == ""
    assert "single sign-on: no such account" in failed.detail
    assert "nobody" not in failed.detail


def test_person_of_another_organisation_is_refused(client, council, council_org):
    elsewhere = factories.person("practitioner", email="jo@school.example")
    council.identity = {"sub": "x", "email": "jo@school.example", "amr": ["mfa"]}
    response = sso_sign_in(client, council)
    assert response.status_code == 403
    failed = _events(AuditAction.SIGN_IN_FAILED)[-1]
    assert failed.record_id == str(elsewhere.pk)
    assert "does not sign in through this provider" in failed.detail


def test_deactivated_person_is_refused(client, council, council_org):
    someone = _person(council_org)
    Person.objects.filter(pk=someone.pk).update(is_active=False)
    council.identity = {"sub": "x", "email": someone.email, "amr": ["mfa"]}
    assert sso_sign_in(client, council).status_code == 403
    assert client.get("/account").status_code == 302


def test_person_of_sso_organisation_cannot_use_a_password(client, council, council_org):
    someone = factories.person("practitioner", organisation_obj=council_org)  # has a password
    response = client.post("/sign-in", {"email": someone.email, "password": factories.PASSWORD})
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    assert client.get("/account").status_code == 302
    # Nor get a reset link.
    client.post("/sign-in/forgot-password", {"email": someone.email})
    assert not OutboxMessage.objects.filter(recipient=someone).exists()


def test_state_works_once_and_a_forged_state_is_refused(client, council, council_org):
    someone = _person(council_org)
    council.identity = {"sub": "x", "email": someone.email, "amr": ["mfa"]}
    started = client.get("/sign-in/organisation/council")
    back = urlsplit(council.sign_in_at_provider(started["Location"]))
    assert client.get(f"{back.path}?{back.query}")["Location"] == "/"
    client.post("/sign-out")
    again = client.get(f"{back.path}?{back.query}")
    assert again.status_code == 400
    code = parse_qs(back.query)["code"][0]
    forged = client.get(f"{back.path}?code={code}&state=made-up")
    assert forged.status_code == 400
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "another-client"},
        {"iss": "https://elsewhere.example/tenant"},
        {"exp": 1_000_000_000},
        {"nonce": "not-the-one-we-sent"},
        {"sub": None},
        {"email_verified": False},
    ],
    ids=["audience", "issuer", "expired", "nonce", "no subject", "unverified address"],
)
def test_a_bad_id_token_signs_nobody_in(client, council, council_org, change):
    someone = _person(council_org)
    council.identity = {"sub": "x", "email": someone.email, "amr": ["mfa"]}
    council.id_token_changes = change
    response = sso_sign_in(client, council)
    assert response.status_code == 403
    assert client.get("/account").status_code == 302
    assert _events(AuditAction.SIGN_IN_FAILED)


def test_a_token_signed_with_another_key_is_refused(client, council, council_org):
    someone = _person(council_org)
    council.identity = {"sub": "x", "email": someone.email, "amr": ["mfa"]}
    council.sign_with_wrong_key = True
    assert sso_sign_in(client, council).status_code == 403
    assert client.get("/account").status_code == 302


def test_provider_error_is_audited(client, council, council_org):
    started = client.get("/sign-in/organisation/council")
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    response = client.get(f"/sign-in/organisation-callback?error=access_denied&state={state}")
    assert response.status_code == 403
    assert "did not sign anyone in" in _events(AuditAction.SIGN_IN_FAILED)[-1].detail


def test_locked_account_cannot_sign_in_through_the_provider(client, council, council_org, settings):
    someone = _person(council_org)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/sign-in", {"email": someone.email, "password": "wrong password here"})
    council.identity = {"sub": "x", "email": someone.email, "amr": ["mfa"]}
    response = sso_sign_in(Client(), council)
    assert response.status_code == 429
    assert _events(AuditAction.LOCKED_OUT)


def test_refusals_count_towards_the_lockout(council, council_org, settings):
    someone = _person(council_org)
    Person.objects.filter(pk=someone.pk).update(is_active=False)
    council.identity = {"sub": "x", "email": someone.email, "amr": ["mfa"]}
    statuses = [
        sso_sign_in(Client(), council).status_code for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    assert _events(AuditAction.LOCKED_OUT)


def test_unused_or_unknown_provider_is_not_found(client, council):
    assert client.get("/sign-in/organisation/council").status_code == 404  # no organisation uses it
    assert client.get("/sign-in/organisation/nothing").status_code == 404


def test_sign_in_page_offers_providers_in_use(client, council, council_org):
    page = client.get("/sign-in").content.decode()
    assert "Sign in with Westmere Council" in page
    assert 'href="/sign-in/organisation/council"' in page


def test_step_up_goes_back_to_the_provider(client, council, council_org):
    someone = _person(council_org)
    council.identity = {"sub": "x", "email": someone.email, "amr": ["mfa"]}
    sso_sign_in(client, council)
    factories.stepped_up(client, lapsed=True)
    asked = client.get("/account/recovery-codes/new")
    assert asked["Location"].startswith("/account/confirm")
    to_provider = client.get(asked["Location"])
    assert to_provider["Location"].startswith("/sign-in/organisation/council?step_up=1")
    response = sso_sign_in(client, council, start=to_provider["Location"])
    assert council.authorize_requests[-1]["prompt"] == "login"
    assert council.authorize_requests[-1]["max_age"] == "0"
    assert response["Location"] == "/account/recovery-codes/new"
    assert client.get("/account/recovery-codes/new").status_code == 200


def test_step_up_without_a_second_factor_is_refused(client, council, council_org):
    someone = _person(council_org)
    council.identity = {"sub": "x", "email": someone.email, "amr": ["mfa"]}
    sso_sign_in(client, council)
    factories.stepped_up(client, lapsed=True)
    council.identity = {"sub": "x", "email": someone.email, "amr": ["pwd"]}
    response = sso_sign_in(
        client, council, start="/sign-in/organisation/council?step_up=1&next=/account"
    )
    assert response.status_code == 403
    assert client.get("/account/recovery-codes/new")["Location"].startswith("/account/confirm")


# Setting an organisation's sign-in -----------------------------------------------------------


def test_admin_sets_single_sign_on_with_step_up(client, council):
    partnership = factories.organisation(name="Business Unit", kind="partnership")
    admin = factories.person("business_unit_admin", organisation_obj=partnership)
    school = factories.organisation(name="Ashby School", kind="school", urn="100001")
    teacher = factories.person("school_dsl", organisation_obj=school)
    factories.signed_in(client, admin)
    factories.stepped_up(client, lapsed=True)
    url = f"/partnership/organisations/{school.pk}/sign-in"
    assert client.get(url)["Location"].startswith("/account/confirm")
    assert client.post(url, {"provider": "council"})["Location"].startswith("/account/confirm")
    school.refresh_from_db()
    assert school.sign_in_provider == ""

    factories.stepped_up(client)
    page = client.get(url).content.decode()
    assert "Through Westmere Council (single sign-on)" in page
    assert client.post(url, {"provider": "nope"}).status_code == 400
    assert client.post(url, {"provider": "council"})["Location"] == (
        f"/partnership/organisations/{school.pk}"
    )
    school.refresh_from_db()
    teacher.refresh_from_db()
    assert school.sign_in_provider == "council"
    assert not teacher.has_usable_password()
    change = AuditEvent.objects.filter(record_type="core.organisation", record_id=str(school.pk))
    assert change.last().changes == {"sign_in_provider": ["", "council"]}
    detail = client.get(f"/partnership/organisations/{school.pk}").content.decode()
    assert "Through Westmere Council (single sign-on)" in detail

    # Their own organisation: refused, so a mistake cannot lock them out.
    response = client.post(
        f"/partnership/organisations/{partnership.pk}/sign-in", {"provider": "council"}
    )
    assert response.status_code == 400
    assert "your own organisation" in response.content.decode()


def test_only_an_administrator_sets_sign_in(client, council):
    officer = factories.person("business_unit_officer")
    org = factories.organisation()
    factories.signed_in(client, officer)
    factories.stepped_up(client)
    assert (
        client.post(
            f"/partnership/organisations/{org.pk}/sign-in", {"provider": "council"}
        ).status_code
        == 403
    )
    org.refresh_from_db()
    assert org.sign_in_provider == ""


def test_invitation_is_refused_for_a_person_of_an_sso_organisation(council, council_org):
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from safeguard.core.services.invitations import person_invite

    admin = factories.person("business_unit_admin")
    someone = _person(council_org)
    with pytest.raises(ValidationError), transaction.atomic():
        person_invite(actor=admin, person=someone)


def test_totp_devices_are_untouched_by_provider_sign_in(client, council, council_org):
    someone = _person(council_org)
    factories.totp_device(someone)
    council.identity = {"sub": "x", "email": someone.email, "amr": ["mfa"]}
    sso_sign_in(client, council)
    assert TOTPDevice.objects.filter(user=someone, confirmed=True).count() == 1
