"""Signing in with a password, lockout, signing out, the account page: through the real client."""

from __future__ import annotations

import logging
import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import audit
from safeguard.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

WRONG = "Enter a correct email address and password"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app would show (``steps_ahead`` later, within the tolerance)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(client: Client, email: str, password: str = factories.PASSWORD, **extra: str):
    return client.post("/sign-in", {"email": email, "password": password, **extra})


def test_sign_in_page_is_a_govuk_form(client):
    page = client.get("/sign-in").content.decode()
    assert '<label class="govuk-label" for="id_email">Email address</label>' in page
    assert 'type="password"' in page
    assert 'autocomplete="current-password"' in page
    assert page.count("<h1") == 1


def test_full_sign_in_with_a_real_code(client):
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    response = sign_in(client, someone.email.upper())  # the address is not case-sensitive
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/code"
    # Password alone reaches nothing else.
    assert client.get("/")["Location"] == "/sign-in/code"
    response = client.post("/sign-in/code", {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    actions = list(AuditEvent.objects.values_list("action", "record_id"))
    assert ("sign_in", str(someone.pk)) in actions
    assert audit.verify().intact


def test_sign_in_returns_to_the_page_asked_for(client):
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    sign_in(client, someone.email, next="/account")
    response = client.post("/sign-in/code", {"code": code_for(device)})
    assert response["Location"] == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "https:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_sign_in_refuses_to_send_people_off_site(client, target):
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    page = client.get("/sign-in", {"next": target}).content.decode()
    assert "evil" not in page and "javascript" not in page
    sign_in(client, someone.email, next=target)
    response = client.post("/sign-in/code", {"code": code_for(device)})
    assert response["Location"] == "/"


def test_wrong_password_and_unknown_account_read_the_same(client):
    someone = factories.person("practitioner")
    wrong_password = sign_in(client, someone.email, "not the password at all")
    no_account = sign_in(client, "nobody@example.invalid", "not the password at all")
    for response in (wrong_password, no_account):
        assert response.status_code == 200
        page = response.content.decode()
        assert WRONG in page
        assert "govuk-error-summary" in page
        assert "not the password" not in page  # the password is never echoed
    assert "_auth_user_id" not in client.session
    failures = AuditEvent.objects.filter(action="sign_in_failed").order_by("seq")
    assert [f.record_id for f in failures] == [str(someone.pk), ""]


def test_empty_fields_are_named_in_the_error_summary(client):
    page = client.post("/sign-in", {"email": "", "password": ""}).content.decode()
    assert '<a href="#id_email">Enter your email address</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page
    page = client.post("/sign-in", {"email": "not-an-address", "password": "x"}).content.decode()
    assert "Enter an email address in the correct format" in page


def test_five_wrong_passwords_lock_the_account(client):
    someone = factories.person("practitioner")
    factories.totp_device(someone)
    for _ in range(4):
        assert sign_in(client, someone.email, "wrong password here").status_code == 200
    response = sign_in(client, someone.email, "wrong password here")
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()
    # Even the right password is refused while locked.
    response = sign_in(client, someone.email)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    locked = AuditEvent.objects.filter(action="locked_out")
    assert locked.exists()
    assert {row.record_id for row in locked} == {str(someone.pk)}
    # Another person is not affected.
    other = factories.person("practitioner")
    assert sign_in(Client(), other.email)["Location"] == "/sign-in/set-up"


def test_lockout_of_an_unknown_address_is_audited_without_it(client):
    for _ in range(5):
        response = sign_in(client, "nobody@example.invalid", "wrong password here")
    assert response.status_code == 429
    row = AuditEvent.objects.get(action="locked_out")
    assert row.record_id == ""


def test_no_email_address_reaches_the_audit_trail_or_the_logs(client, caplog):
    caplog.set_level(logging.INFO)
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    sign_in(client, someone.email, "wrong password here")
    sign_in(client, "nobody@example.invalid", "wrong password here")
    sign_in(client, someone.email)
    client.post("/sign-in/code", {"code": "000000" if code_for(device) != "000000" else "111111"})
    for _ in range(5):
        sign_in(Client(), "another@example.invalid", "wrong password here")
    assert AuditEvent.objects.count() >= 9
    assert caplog.records, "the sign-in events should log something (by id)"
    for addr in (someone.email, "nobody@example.invalid", "another@example.invalid"):
        for row in AuditEvent.objects.all():
            assert addr not in f"{row.record_id} {row.detail} {row.changes} {row.route}"
        for record in caplog.records:
            assert addr not in record.getMessage()
        assert addr not in caplog.text


def test_sign_out_is_post_only_audited_and_says_so(client_for):
    someone = factories.person("practitioner")
    client = client_for(someone)
    assert client.get("/sign-out").status_code == 405
    response = client.post("/sign-out", follow=True)
    assert response.redirect_chain[-1][0] == "/sign-in"
    assert "You have signed out" in response.content.decode()
    assert AuditEvent.objects.filter(action="sign_out", record_id=str(someone.pk)).exists()
    assert client.get("/")["Location"].startswith("/sign-in")


def test_account_page_shows_who_you_are(client_for):
    org = factories.organisation(name="Northshire Council")
    someone = factories.person("practitioner", "school_dsl", organisation_obj=org)
    page = client_for(someone).get("/account").content.decode()
    assert someone.full_name in page
    assert "Northshire Council" in page
    assert "Practitioner" in page
    assert "School designated safeguarding lead" in page
    assert "Make new recovery codes" in page


def test_account_page_needs_a_role_and_a_sign_in(client, client_for):
    assert client.get("/account")["Location"].startswith("/sign-in")
    assert client_for(factories.person()).get("/account").status_code == 403


def test_new_recovery_codes_ask_for_the_code_again(client):
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    sign_in(client, someone.email)
    client.post("/sign-in/code", {"code": code_for(device)})
    # Just signed in: the second factor is recent, so no second prompt.
    response = client.post("/account/recovery-codes/new")
    assert response["Location"] == "/account/recovery-codes"
    page = client.get("/account/recovery-codes").content.decode()
    codes = list(StaticToken.objects.filter(device__user=someone).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in page for code in codes)
    assert client.post("/account/recovery-codes")["Location"] == "/account"
    # Shown once only.
    assert client.get("/account/recovery-codes")["Location"] == "/"
    # Later, once the step-up has gone stale, the code is asked for again.
    session = client.session
    session["safeguard_second_factor_at"] = time.time() - 3600
    session.save()
    response = client.post("/account/recovery-codes/new")
    assert response["Location"] == "/account/confirm?next=%2Faccount%2Frecovery-codes%2Fnew"
    assert set(
        StaticToken.objects.filter(device__user=someone).values_list("token", flat=True)
    ) == set(codes)
    replaced = AuditEvent.objects.filter(detail="recovery codes replaced", actor_id=someone.pk)
    assert replaced.count() == 1
