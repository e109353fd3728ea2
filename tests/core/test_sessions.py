"""Idle sessions end on the server; sensitive actions ask for the code again.

This module is also a URLconf (``@pytest.mark.urls``): the whole site plus one tiny sensitive
page, so ``core.http.sensitive`` is tested through the real middleware and client.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path
from django.utils import timezone

from safeguard.core.http import capability_required, sensitive
from safeguard.core.models import AuditEvent
from safeguard.core.roles import Capability
from tests import factories
from tests.core.test_accounts import code_for
from tests.core.test_second_factor import wrong_code

pytestmark = pytest.mark.django_db
IDLE_TEXT = "You were signed out because you were inactive for"


@capability_required(Capability.USE_SERVICE)
@sensitive
def _sensitive_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the sensitive thing")


urlpatterns = [
    path("test/sensitive", _sensitive_page),
    path("", include("safeguard.core.urls")),
]


def _idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session["safeguard_last_seen"] = time.time() - minutes * 60
    session.save()


def test_an_idle_session_is_signed_out(client_for):
    someone = factories.person("practitioner")
    client = client_for(someone)
    assert client.get("/").status_code == 200
    _idle_for(client, 16)
    response = client.get("/account")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=/account"
    page = client.get(response["Location"]).content.decode()
    assert f"{IDLE_TEXT} 15 minutes" in page
    # Said once, not on every later visit.
    assert IDLE_TEXT not in client.get("/sign-in").content.decode()
    assert client.get("/")["Location"].startswith("/sign-in")
    row = AuditEvent.objects.get(action="sign_out")
    assert (row.record_id, row.detail) == (str(someone.pk), "idle")


def test_a_session_in_use_stays(client_for):
    client = client_for(factories.person("practitioner"))
    client.get("/")
    _idle_for(client, 14)
    assert client.get("/").status_code == 200
    # Each request renews the clock.
    assert client.session["safeguard_last_seen"] > time.time() - 60


def test_a_stolen_cookie_replayed_after_the_idle_limit_fails(client_for):
    client = client_for(factories.person("practitioner"))
    client.get("/")
    stolen = client.cookies["sessionid"].value
    _idle_for(client, 20)
    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert thief.get("/account")["Location"].startswith("/sign-in")
    # The session is gone from the store, so the owner's copy is dead too.
    assert not Session.objects.filter(session_key=stolen).exists()
    assert client.get("/")["Location"].startswith("/sign-in")


def test_the_idle_limit_comes_from_settings(client_for, settings):
    settings.IDLE_MINUTES = 30
    client = client_for(factories.person("practitioner"))
    client.get("/")
    _idle_for(client, 20)
    assert client.get("/").status_code == 200
    _idle_for(client, 31)
    response = client.get("/", follow=True)
    assert f"{IDLE_TEXT} 30 minutes" in response.content.decode()


def test_a_session_the_store_has_already_expired_says_why(client_for):
    client = client_for(factories.person("practitioner"))
    client.get("/")
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    response = client.get("/account", follow=True)
    assert response.redirect_chain[-1][0] == "/sign-in?next=/account"
    assert f"{IDLE_TEXT} 15 minutes" in response.content.decode()


@pytest.mark.urls("tests.core.test_sessions")
def test_a_sensitive_page_asks_for_the_code_again(client_for, settings):
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    client = client_for(someone)  # signed in with both factors, but not just now
    response = client.get("/test/sensitive")
    assert response["Location"] == "/account/confirm?next=%2Ftest%2Fsensitive"
    page = client.get(response["Location"]).content.decode()
    assert "Confirm it is you" in page
    assert '<input type="hidden" name="next" value="/test/sensitive">' in page

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    response = client.post(
        "/account/confirm", {"code": wrong_code(device), "next": "/test/sensitive"}
    )
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert client.get("/test/sensitive").status_code == 302
    assert AuditEvent.objects.filter(action="sign_in_failed", detail="step-up code").exists()

    response = client.post(
        "/account/confirm", {"code": code_for(device), "next": "/test/sensitive"}
    )
    assert response["Location"] == "/test/sensitive"
    response = client.get("/test/sensitive")
    assert response.status_code == 200
    assert response.content == b"the sensitive thing"

    # After STEP_UP_MINUTES the code is asked for again.
    session = client.session
    session["safeguard_second_factor_at"] = time.time() - (settings.STEP_UP_MINUTES * 60 + 1)
    session.save()
    assert client.get("/test/sensitive")["Location"].startswith("/account/confirm")


@pytest.mark.urls("tests.core.test_sessions")
def test_a_sensitive_page_still_needs_its_capability(client_for):
    client = client_for(factories.person())
    assert client.get("/test/sensitive").status_code == 403


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/x", "//evil.example", "/\\evil.example", "http:evil.example", ""],
)
def test_step_up_never_redirects_off_site(client_for, target):
    someone = factories.person("practitioner")
    device = factories.totp_device(someone)
    client = client_for(someone)
    page = client.get("/account/confirm", {"next": target}).content.decode()
    assert "evil" not in page
    response = client.post("/account/confirm", {"code": code_for(device), "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_step_up_needs_the_first_factor_and_the_second(client):
    assert client.get("/account/confirm")["Location"].startswith("/sign-in")
    someone = factories.person("practitioner")
    factories.totp_device(someone)
    client.force_login(someone)  # password only
    assert client.get("/account/confirm")["Location"] == "/sign-in/code"
