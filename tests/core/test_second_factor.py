"""The second factor: enrolment, codes, recovery codes, lockout on wrong codes, demo helper."""

from __future__ import annotations

import re
from base64 import b32encode

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core.models import AuditEvent
from safeguard.core.services.accounts import recovery_codes_replace
from tests import factories
from tests.core.test_accounts import code_for, sign_in

pytestmark = pytest.mark.django_db

DEMO_TEXT = "Demo partnership: the current code for this demo account is"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def test_enrolment_end_to_end(client):
    someone = factories.person("practitioner")
    response = sign_in(client, someone.email)
    assert response["Location"] == "/sign-in/set-up"
    # Until set up, nothing else is reachable.
    assert client.get("/account")["Location"] == "/sign-in/code"
    assert client.get("/sign-in/code")["Location"] == "/sign-in/set-up"

    page = client.get("/sign-in/set-up").content.decode()
    device = TOTPDevice.objects.get(user=someone)
    assert not device.confirmed
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" alt="QR code', page)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped in page
    assert "style=" not in page
    # Reloading keeps the same key, so a code scanned earlier still works.
    client.get("/sign-in/set-up")
    assert TOTPDevice.objects.filter(user=someone).count() == 1

    response = client.post("/sign-in/set-up", {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()

    response = client.post("/sign-in/set-up", {"code": code_for(device)})
    assert response["Location"] == "/account/recovery-codes"
    device.refresh_from_db()
    assert device.confirmed
    page = client.get("/account/recovery-codes").content.decode()
    codes = list(StaticToken.objects.filter(device__user=someone).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(f"<code>{code}</code>" in page for code in codes)
    assert "I have saved these codes" in page
    assert client.post("/account/recovery-codes")["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(detail="authenticator set up", record_id=str(someone.pk))


def test_a_password_alone_cannot_replace_an_authenticator(client):
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    sign_in(client, someone.email)
    assert client.get("/sign-in/set-up")["Location"] == "/sign-in/code"
    assert client.post("/sign-in/set-up", {"code": "123456"})["Location"] == "/sign-in/code"
    assert list(TOTPDevice.objects.filter(user=someone)) == [device]
    assert client.get("/account/recovery-codes")["Location"] == "/sign-in/code"


def test_code_must_be_six_digits(client):
    someone = factories.person("practitioner")
    factories.totp_device(someone)
    sign_in(client, someone.email)
    page = client.post("/sign-in/code", {"code": "12345"}).content.decode()
    assert '<a href="#id_code">The code must be 6 digits, for example 123456</a>' in page
    page = client.post("/sign-in/code", {"code": ""}).content.decode()
    assert "Enter the 6-digit code from your authenticator app" in page
    assert not AuditEvent.objects.filter(action="sign_in_failed").exists()


def test_a_wrong_code_is_refused_and_audited(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    sign_in(client, someone.email)
    response = client.post("/sign-in/code", {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert client.get("/")["Location"] == "/sign-in/code"
    row = AuditEvent.objects.get(action="sign_in_failed")
    assert (row.record_id, row.detail) == (str(someone.pk), "second factor")
    # The right code still works afterwards.
    assert client.post("/sign-in/code", {"code": code_for(device)})["Location"] == "/"


def test_a_code_works_only_once(client):
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    code = code_for(device)
    sign_in(client, someone.email)
    assert client.post("/sign-in/code", {"code": code})["Location"] == "/"
    client.post("/sign-out")
    sign_in(client, someone.email)
    response = client.post("/sign-in/code", {"code": code})
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()


def test_five_wrong_codes_sign_out_and_lock(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # as if the person waited between tries
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    sign_in(client, someone.email)
    bad = wrong_code(device)
    for _ in range(4):
        assert client.post("/sign-in/code", {"code": bad}).status_code == 200
    response = client.post("/sign-in/code", {"code": bad})
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"].startswith("/sign-in")
    assert AuditEvent.objects.filter(action="locked_out", record_id=str(someone.pk)).exists()
    assert AuditEvent.objects.filter(
        action="sign_out", record_id=str(someone.pk), detail="locked out"
    ).exists()
    # The password no longer opens the account until the cool-off ends.
    assert sign_in(client, someone.email).status_code == 429


def test_codes_are_paused_after_a_wrong_one_and_the_page_says_so(client):
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    sign_in(client, someone.email)
    client.post("/sign-in/code", {"code": wrong_code(device)})
    # Straight away, even the right code is not checked: django-otp pauses the device.
    right = code_for(device)
    page = client.post("/sign-in/code", {"code": right}).content.decode()
    assert "There have been too many wrong codes. Wait a few minutes" in page
    assert client.get("/")["Location"] == "/sign-in/code"
    assert AuditEvent.objects.filter(action="sign_in_failed").count() == 1  # pause not counted
    # Once the pause is over, the same code works (it was not used up).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    assert client.post("/sign-in/code", {"code": right})["Location"] == "/"


def test_a_recovery_code_works_once_only(client):
    someone = factories.person("practitioner")
    factories.totp_device(someone)
    codes = recovery_codes_replace(actor=someone)
    sign_in(client, someone.email)
    page = client.get("/sign-in/code").content.decode()
    assert 'href="/sign-in/recovery-code">Use a recovery code instead</a>' in page
    typed = f"{codes[0][:4].upper()} {codes[0][4:].upper()}"  # as a person might type it
    response = client.post("/sign-in/recovery-code", {"code": typed}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "You have 9 recovery codes left" in response.content.decode()
    assert StaticToken.objects.filter(device__user=someone).count() == 9
    assert AuditEvent.objects.filter(detail="recovery code used", actor_id=someone.pk).exists()

    client.post("/sign-out")
    sign_in(client, someone.email)
    response = client.post("/sign-in/recovery-code", {"code": codes[0]})
    assert response.status_code == 200
    assert "The recovery code is not correct or has already been used" in response.content.decode()
    assert client.get("/")["Location"] == "/sign-in/code"


def test_recovery_code_format_is_checked(client):
    someone = factories.person("practitioner")
    factories.totp_device(someone)
    sign_in(client, someone.email)
    page = client.post("/sign-in/recovery-code", {"code": "abc"}).content.decode()
    assert '<a href="#id_code">Enter the recovery code as it was shown' in page


def test_demo_helper_shows_the_current_code_to_demo_people_in_demo_mode(client, settings):
    settings.DEMO_MODE = True
    someone = factories.person("practitioner", is_demo=True)
    device = factories.totp_device(someone)
    sign_in(client, someone.email)
    before = code_for(device)
    page = client.get("/sign-in/code").content.decode()
    after = code_for(device)
    assert DEMO_TEXT in page
    shown = re.search(r"demo account is <span[^>]*>(\d{6})</span>", page)
    assert shown is not None and shown.group(1) in {before, after}
    assert client.post("/sign-in/code", {"code": shown.group(1)})["Location"] == "/"
    # And on the step-up page.
    page = client.get("/account/confirm").content.decode()
    assert DEMO_TEXT in page


def test_demo_helper_is_hidden_when_demo_mode_is_off(client, settings):
    settings.DEMO_MODE = False
    someone = factories.person("practitioner", is_demo=True)
    factories.totp_device(someone)
    sign_in(client, someone.email)
    assert DEMO_TEXT not in client.get("/sign-in/code").content.decode()


def test_demo_helper_is_hidden_from_real_people_in_demo_mode(client, settings):
    settings.DEMO_MODE = True
    someone = factories.person("practitioner", is_demo=False)
    device = factories.totp_device(someone)
    sign_in(client, someone.email)
    page = client.get("/sign-in/code").content.decode()
    assert DEMO_TEXT not in page
    assert code_for(device) not in page


def test_signed_in_people_can_still_sign_out_before_the_code(client):
    someone = factories.person("practitioner")
    factories.totp_device(someone)
    sign_in(client, someone.email)
    assert client.post("/sign-out")["Location"] == "/sign-in"
    assert "_auth_user_id" not in client.session
    assert Client().get("/sign-in/code")["Location"].startswith("/sign-in")


def test_the_session_key_changes_when_the_second_factor_is_given(client):
    """A new key at the second step: no session fixation, and a request racing the sign-in
    (a font, another tab) cannot save its older copy of the session over the signed-in one."""
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    sign_in(client, someone.email)
    password_only_key = client.cookies["sessionid"].value
    assert client.post("/sign-in/code", {"code": code_for(device)})["Location"] == "/"
    assert client.cookies["sessionid"].value != password_only_key
    assert not Session.objects.filter(session_key=password_only_key).exists()
    stale = Client()
    stale.cookies["sessionid"] = password_only_key
    assert stale.get("/")["Location"].startswith("/sign-in")
    assert client.get("/").status_code == 200
