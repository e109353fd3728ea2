"""Signing in and out: password, authenticator code or recovery code, set-up, step-up, account.

A wrong password and a wrong code both count as failed sign-ins in django-axes, so five of
either, in any mix, lock the account for the cool-off time and sign out whoever was mid-way.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import sso
from safeguard.core.forms.accounts import (
    CODES_PAUSED,
    WRONG_CODE,
    WRONG_CREDENTIALS,
    WRONG_RECOVERY_CODE,
    CodeForm,
    RecoveryCodeForm,
    SignInForm,
)
from safeguard.core.http import capability_required, mark_second_factor, public, sensitive
from safeguard.core.middleware import SIGNED_OUT_IDLE_SESSION_KEY
from safeguard.core.models import Person, ProviderSecondFactor
from safeguard.core.roles import Capability, Role
from safeguard.core.selectors.accounts import (
    authenticator_of,
    codes_paused,
    demo_code_for,
    recovery_codes_left,
)
from safeguard.core.services import accounts as services
from safeguard.core.signals import SIGN_OUT_REASON_ATTR, STAGE_KEY

NEXT_SESSION_KEY = "safeguard_next"
RECOVERY_CODES_SESSION_KEY = "safeguard_new_recovery_codes"


def _local(request: HttpRequest, url: str | None) -> str:
    """``url`` if it stays on this site, else ''. Guards every ``next`` against open redirects."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _pop_next(request: HttpRequest) -> str:
    return _local(request, request.session.pop(NEXT_SESSION_KEY, "")) or resolve_url(
        settings.LOGIN_REDIRECT_URL
    )


def _is_verified(request: HttpRequest) -> bool:
    """Both factors given in this session (django-otp's OTPMiddleware adds ``is_verified``)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check is not None and check())


def _person(request: HttpRequest) -> Person:
    assert isinstance(request.user, Person)
    return request.user


@public
def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: the page shown instead of the form, status 429."""
    return _locked_out_page(request)


def _locked_out_page(request: HttpRequest) -> HttpResponse:
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(request, "core/accounts/locked_out.html", {"minutes": minutes}, status=429)


def _is_locked(request: HttpRequest, person: Person) -> bool:
    return AxesProxyHandler.is_locked(request, {settings.AXES_USERNAME_FORM_FIELD: person.email})


def _lock_response(request: HttpRequest) -> HttpResponse:
    setattr(request, SIGN_OUT_REASON_ATTR, "locked out")
    logout(request)
    return _locked_out_page(request)


def _code_failed(request: HttpRequest, person: Person, stage: str) -> HttpResponse | None:
    """Count a wrong code as a failed sign-in; the locked-out page if that was one too many."""
    user_login_failed.send(
        sender=__name__,
        credentials={settings.AXES_USERNAME_FORM_FIELD: person.email, STAGE_KEY: stage},
        request=request,
    )
    if getattr(request, "axes_locked_out", False):
        return _lock_response(request)
    return None


def _verified_with(request: HttpRequest, person: Person, device: Any) -> None:
    """Mark the session as signed in with both factors, under a new session key.

    The new key defeats session fixation at this second step, and it makes a request racing
    this one (the browser fetching a font, a second tab) fail to save its older copy of the
    session over this one, instead of silently undoing the sign-in.
    """
    request.session.cycle_key()
    otp_login(request, device)
    mark_second_factor(request)
    axes_reset(username=person.email)


def _signed_in_fully(request: HttpRequest, person: Person, device: Any) -> HttpResponse:
    _verified_with(request, person, device)
    return redirect(_pop_next(request))


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        if _is_verified(request):
            return redirect(_local(request, request.GET.get("next")) or settings.LOGIN_REDIRECT_URL)
        return redirect("core:second_factor")
    idle = request.session.pop(SIGNED_OUT_IDLE_SESSION_KEY, False)
    next_url = _local(request, request.POST.get("next") or request.GET.get("next"))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = authenticate(
            request,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        if person is None:
            # The same words whether or not the account exists, and whether or not it is locked
            # (a locked account gets the locked-out page from django-axes' middleware).
            form.add_error("email", WRONG_CREDENTIALS)
        else:
            login(request, person)
            if next_url:
                request.session[NEXT_SESSION_KEY] = next_url
            if authenticator_of(person) is None:
                return redirect("core:enrol")
            return redirect("core:second_factor")
    context = {
        "form": form,
        "next": next_url,
        "idle_minutes": settings.IDLE_MINUTES if idle else None,
        "providers": sso.providers_in_use(),
    }
    return render(request, "core/accounts/sign_in.html", context)


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    was_signed_in = request.user.is_authenticated
    logout(request)
    if was_signed_in:
        messages.success(request, "You have signed out")
    return redirect("core:sign_in")


@public
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    person = _person(request)
    if _is_verified(request):
        return redirect(_pop_next(request))
    if authenticator_of(person) is None:
        return redirect("core:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _is_locked(request, person):
            return _lock_response(request)
        if codes_paused(person, recovery=False):
            form.add_error("code", CODES_PAUSED)
        elif device := services.totp_check(actor=person, code=form.cleaned_data["code"]):
            return _signed_in_fully(request, person, device)
        else:
            form.add_error("code", WRONG_CODE)
            if locked := _code_failed(request, person, "second factor"):
                return locked
    context = {"form": form, "demo_code": demo_code_for(person)}
    return render(request, "core/accounts/second_factor.html", context)


@public
@require_http_methods(["GET", "POST"])
def sign_in_recovery_code(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    person = _person(request)
    if _is_verified(request):
        return redirect(_pop_next(request))
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _is_locked(request, person):
            return _lock_response(request)
        if codes_paused(person, recovery=True):
            form.add_error("code", CODES_PAUSED)
        elif device := services.recovery_code_use(actor=person, code=form.cleaned_data["code"]):
            left = recovery_codes_left(person)
            messages.info(
                request,
                f"You have {left} recovery code{'' if left == 1 else 's'} left."
                " You can make new ones from your account page.",
            )
            return _signed_in_fully(request, person, device)
        else:
            form.add_error("code", WRONG_RECOVERY_CODE)
            if locked := _code_failed(request, person, "recovery code"):
                return locked
    return render(request, "core/accounts/recovery_code.html", {"form": form})


def _secret_in_fours(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_code(device: TOTPDevice) -> str:
    """The set-up link as a QR code in a data: URI (CSP allows data: images, not inline SVG
    styles)."""
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4))


@public
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    person = _person(request)
    # Someone with an authenticator proves it; a password alone never replaces it.
    if _is_verified(request) or authenticator_of(person) is not None:
        return redirect("core:second_factor")
    device = services.authenticator_start(actor=person)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.authenticator_confirm(
            actor=person, device_id=device.pk, code=form.cleaned_data["code"]
        )
        if codes is not None:
            _verified_with(request, person, authenticator_of(person))
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect("core:recovery_codes")
        form.add_error("code", WRONG_CODE)
        locked = _code_failed(request, person, "set-up code")
        if locked is not None:
            return locked
    context = {"form": form, "qr_code": _qr_code(device), "secret": _secret_in_fours(device)}
    return render(request, "core/accounts/enrol.html", context)


@public
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes until the person says they have saved them; then never again."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _is_verified(request):
        return redirect("core:second_factor")
    codes = request.session.get(RECOVERY_CODES_SESSION_KEY)
    if not codes or request.method == "POST":
        request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
        return redirect(_pop_next(request))
    return render(request, "core/accounts/recovery_codes.html", {"codes": codes})


@capability_required(Capability.USE_SERVICE)
@require_http_methods(["GET", "POST"])
def confirm_second_factor(request: HttpRequest) -> HttpResponse:
    """Step-up: the code again before a sensitive action, then back to where the person was."""
    person = _person(request)
    next_url = _local(request, request.POST.get("next") or request.GET.get("next"))
    provider_key = request.session.get(sso.PROVIDER_SESSION_KEY)
    if provider_key and isinstance(getattr(person, "otp_device", None), ProviderSecondFactor):
        # The second factor came from the organisation's identity provider: ask it again.
        query = urlencode({"step_up": "1", "next": next_url or reverse("core:home")})
        return redirect(f"{reverse('core:sso_start', args=[provider_key])}?{query}")
    if authenticator_of(person) is None:
        messages.info(request, "Set up an authenticator app before you do this")
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _is_locked(request, person):
            return _lock_response(request)
        if codes_paused(person, recovery=False):
            form.add_error("code", CODES_PAUSED)
        elif services.totp_check(actor=person, code=form.cleaned_data["code"]):
            mark_second_factor(request)
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        else:
            form.add_error("code", WRONG_CODE)
            if locked := _code_failed(request, person, "step-up code"):
                return locked
    context = {"form": form, "next": next_url, "demo_code": demo_code_for(person)}
    return render(request, "core/accounts/confirm.html", context)


@capability_required(Capability.USE_SERVICE)
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    roles = sorted(Role(code).label for code in person.role_codes if code in Role.values)
    context = {
        "person": person,
        "roles": roles,
        "recovery_codes_left": recovery_codes_left(person),
    }
    return render(request, "core/accounts/account.html", context)


@capability_required(Capability.USE_SERVICE)
@sensitive
@require_http_methods(["GET", "POST"])
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        codes = services.recovery_codes_replace(actor=_person(request))
        request.session[RECOVERY_CODES_SESSION_KEY] = codes
        request.session[NEXT_SESSION_KEY] = reverse("core:account")
        return redirect("core:recovery_codes")
    return render(request, "core/accounts/new_recovery_codes.html")


urlpatterns = [
    path("sign-in", sign_in, name="sign_in"),
    path("sign-out", sign_out, name="sign_out"),
    path("sign-in/code", second_factor, name="second_factor"),
    path("sign-in/recovery-code", sign_in_recovery_code, name="sign_in_recovery_code"),
    path("sign-in/set-up", enrol, name="enrol"),
    path("account", account, name="account"),
    path("account/confirm", confirm_second_factor, name="confirm_second_factor"),
    path("account/recovery-codes", recovery_codes, name="recovery_codes"),
    path("account/recovery-codes/new", new_recovery_codes, name="new_recovery_codes"),
]
