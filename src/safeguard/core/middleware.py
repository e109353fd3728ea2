"""Request plumbing: the audit route, idle sessions, the second factor, and no-store."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.cache import add_never_cache_headers

from safeguard.core.context import current_route, request_memo
from safeguard.core.signals import SIGN_OUT_REASON_ATTR

# Pages a signed-in person may reach before completing the second factor.
_BEFORE_SECOND_FACTOR = {
    "core:sign_in",
    "core:sign_out",
    "core:second_factor",
    "core:sign_in_recovery_code",
    "core:enrol",
    "core:recovery_codes",
    "core:healthz",
    "core:set_password",
    "core:forgot_password",
    "core:sso_start",
    "core:sso_callback",
}
# Paths that never touch the session: static files and the API (which uses keys, not cookies).
_SESSIONLESS = ("/static/", "/api/")

LAST_SEEN_SESSION_KEY = "safeguard_last_seen"
# Left in the fresh session after an idle sign-out, so the sign-in page can say why.
SIGNED_OUT_IDLE_SESSION_KEY = "safeguard_signed_out_idle"


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            route = resolve(request.path_info).view_name
        except Resolver404:
            route = ""
        token = current_route.set(route)
        reading = request_memo.set({} if request.method in ("GET", "HEAD") else None)
        try:
            return self.get_response(request)
        finally:
            request_memo.reset(reading)
            current_route.reset(token)


def _session_expired(request: HttpRequest) -> bool:
    """The browser sent a session cookie that no longer names a live session.

    The session store drops a session SESSION_COOKIE_AGE after its last use, which equals the
    idle limit, so most idle sessions end there rather than in ``end_idle_session``.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    request.session.get(LAST_SEEN_SESSION_KEY)  # loads the session, or finds it gone
    return request.session.session_key is None


def end_idle_session(request: HttpRequest) -> HttpResponse | None:
    """Sign out a session unused for longer than IDLE_MINUTES, judged on the server.

    The timestamp lives in the session row, not the cookie, so a copied cookie replayed after
    the idle limit fails even if the store still holds the session.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        if _session_expired(request):
            request.session[SIGNED_OUT_IDLE_SESSION_KEY] = True
        return None
    now = time.time()
    last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
    if last_seen is not None and now - float(last_seen) > settings.IDLE_MINUTES * 60:
        setattr(request, SIGN_OUT_REASON_ATTR, "idle")
        logout(request)
        request.session[SIGNED_OUT_IDLE_SESSION_KEY] = True
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect("core:sign_in")
    request.session[LAST_SEEN_SESSION_KEY] = now
    return None


class SecondFactorRequiredMiddleware:
    """Ends idle sessions; then a person who has given only a password can reach nothing but
    the second-factor pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(_SESSIONLESS):
            return self.get_response(request)
        ended = end_idle_session(request)
        if ended is not None:
            return ended
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            try:
                route = resolve(request.path_info).view_name
            except Resolver404:
                route = ""
            if route not in _BEFORE_SECOND_FACTOR:
                return redirect("core:second_factor")
        return self.get_response(request)


# Never kept by a browser or proxy: static files (public, fingerprinted) and the health check.
_CACHEABLE = ("/static/", "/assets/", "/healthz")


def _holds_personal_data(request: HttpRequest, response: HttpResponse) -> bool:
    if request.path_info.startswith(_CACHEABLE):
        return False
    if response.has_header("Content-Disposition"):  # an export or a download
        return True
    if request.path_info.startswith("/api/"):  # a partner system's key, not a session
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in person, the API and exports.

    A shared computer's browser cache, or a proxy, must not keep a page with a child's details
    once the person has signed out. The sign-in page itself is left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _holds_personal_data(request, response):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
