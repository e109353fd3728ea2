"""Signing in through an organisation's identity provider (OpenID Connect; ADR 0019).

``sso_start`` sends the browser to the provider with state, nonce and a PKCE challenge (made by
mozilla-django-oidc and kept in the session); ``sso_callback`` takes the provider's answer,
checks the state, has the library exchange the code and check the ID token, and matches the
person. Failures are audited and counted towards the lockout as wrong passwords are. The second
factor is the provider's when its ID token says one was used, ours (TOTP) otherwise.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from safeguard.core import audit, sso, sso_rules
from safeguard.core.http import mark_second_factor, public
from safeguard.core.models import Person, ProviderSecondFactor
from safeguard.core.models.audit import AuditAction
from safeguard.core.selectors.accounts import authenticator_of
from safeguard.core.signals import STAGE_KEY
from safeguard.core.views.accounts import (
    NEXT_SESSION_KEY,
    _is_locked,
    _local,
    _lock_response,
    _pop_next,
    _verified_with,
)

STATES_SESSION_KEY = "oidc_states"
PROVIDER_SESSION_KEY = sso.PROVIDER_SESSION_KEY
_STAGE = "single sign-on"


class _AuthorisationRequest(OIDCAuthenticationRequestView):
    """The library's request view, for the provider chosen by the URL."""

    def __init__(self, chosen: sso.Provider, *, step_up: bool) -> None:
        self.OIDC_OP_AUTH_ENDPOINT = sso.endpoints(chosen)["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = chosen.client_id
        self.step_up = step_up

    def get_settings(self, attr: str, *default: Any) -> Any:  # type: ignore[override]
        return sso.library_setting(attr, *default)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        # A step-up makes the provider ask again, whatever session it holds.
        return {"prompt": "login", "max_age": "0"} if self.step_up else {}


def _failed(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(request, "core/accounts/sso_failed.html", {"reason": reason}, status=status)


def _refused(request: HttpRequest, refusal: sso.SignInRefused, email: str) -> HttpResponse:
    """Audit and count a refused sign-in as a wrong password is counted (ids only, no address)."""
    address = refusal.person.email if refusal.person is not None else email
    user_login_failed.send(
        sender=__name__,
        credentials={"email": address, STAGE_KEY: f"{_STAGE}: {refusal.reason}"},
        request=request,
    )
    if getattr(request, "axes_locked_out", False):
        return _lock_response(request)
    return _failed(request, "account")


@public
@require_GET
def sso_start(request: HttpRequest, key: str) -> HttpResponse:
    chosen = sso.provider(key)
    if chosen is None or chosen not in sso.providers_in_use():
        raise Http404
    step_up = request.GET.get("step_up") == "1" and request.user.is_authenticated
    try:
        response = _AuthorisationRequest(chosen, step_up=step_up).get(request)
    except sso.ProviderUnavailable:
        return _failed(request, "unavailable", status=502)
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    entry = request.session[STATES_SESSION_KEY][state]
    entry["provider"] = chosen.key
    entry["step_up"] = step_up
    entry["next"] = _local(request, request.GET.get("next"))
    request.session.pop("oidc_login_next", None)
    request.session.modified = True
    return response


def _take_state(request: HttpRequest) -> dict[str, Any] | None:
    """The sign-in this answer belongs to, removed so that the answer works once only."""
    state = request.GET.get("state", "")
    states = request.session.get(STATES_SESSION_KEY)
    if not state or not isinstance(states, dict) or state not in states:
        return None
    entry: dict[str, Any] = states.pop(state)
    request.session.modified = True
    request.session.save()
    return entry


@public
@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    entry = _take_state(request)
    chosen = sso.provider(entry["provider"]) if entry else None
    if entry is None or chosen is None:
        audit.record(
            action=AuditAction.SIGN_IN_FAILED,
            record_type="core.person",
            detail=f"{_STAGE}: answer matches no sign-in started here",
        )
        return _failed(request, "state", status=400)
    if request.GET.get("error") or not request.GET.get("code"):
        audit.record(
            action=AuditAction.SIGN_IN_FAILED,
            record_type="core.person",
            detail=f"{_STAGE}: the provider did not sign anyone in",
        )
        return _failed(request, "provider")
    try:
        backend = sso.ProviderBackend(chosen)
        person = backend.sign_in(
            request, nonce=entry["nonce"], code_verifier=entry["code_verifier"]
        )
    except sso.ProviderUnavailable:
        return _failed(request, "unavailable", status=502)
    except sso.SignInRefused as refusal:
        claimed = sso_rules.email_from_claims(backend.claims, claim=chosen.email_claim)
        return _refused(request, refusal, claimed)
    if _is_locked(request, person):
        return _lock_response(request)
    provider_factor = sso_rules.provider_asserts_second_factor(backend.claims.get("amr"))
    if entry.get("step_up"):
        return _stepped_up(request, person, entry, fresh=provider_factor, claims=backend.claims)
    login(request, person, backend=sso.BACKEND_PATH)
    request.session[PROVIDER_SESSION_KEY] = chosen.key
    if entry.get("next"):
        request.session[NEXT_SESSION_KEY] = entry["next"]
    audit.record(
        action=AuditAction.SIGN_IN,
        record_type="core.person",
        record_id=person.pk,
        actor=person,
        detail=f"{_STAGE} through {chosen.key}; second factor "
        + ("from the provider" if provider_factor else "asked here"),
    )
    if provider_factor:
        _verified_with(request, person, _provider_device(person, chosen))
        return redirect(_pop_next(request))
    if authenticator_of(person) is None:
        return redirect("core:enrol")
    return redirect("core:second_factor")


def _provider_device(person: Person, chosen: sso.Provider) -> ProviderSecondFactor:
    device, _ = ProviderSecondFactor.objects.get_or_create(
        user=person, defaults={"name": chosen.name[:64], "confirmed": True}
    )
    return device


def _stepped_up(
    request: HttpRequest, person: Person, entry: dict[str, Any], *, fresh: bool, claims: Any
) -> HttpResponse:
    """The provider's sign-in again before a sensitive action: the same person, just now, with
    a second factor."""
    same = request.user.is_authenticated and request.user.pk == person.pk
    if not (same and fresh and sso_rules.step_up_is_fresh(claims, now=time.time())):
        audit.record(
            action=AuditAction.SIGN_IN_FAILED,
            record_type="core.person",
            record_id=person.pk,
            detail=f"{_STAGE}: step-up not confirmed",
        )
        return _failed(request, "step_up")
    mark_second_factor(request)
    audit.record(
        action=AuditAction.UPDATE,
        record_type="core.person",
        record_id=person.pk,
        actor=person,
        detail=f"{_STAGE}: second factor confirmed again at the provider",
    )
    return redirect(entry.get("next") or "core:home")


urlpatterns = [
    path("sign-in/organisation/<slug:key>", sso_start, name="sso_start"),
    path("sign-in/organisation-callback", sso_callback, name="sso_callback"),
]
