"""Request plumbing: the route for the audit trail, and the second factor for everyone."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404

from safeguard.core.context import current_route

# Pages a signed-in person may reach before completing the second factor.
_BEFORE_SECOND_FACTOR = {
    "core:sign_in",
    "core:sign_out",
    "core:second_factor",
    "core:enrol",
    "core:recovery_codes",
    "core:healthz",
}


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            route = resolve(request.path_info).view_name
        except Resolver404:
            route = ""
        token = current_route.set(route)
        try:
            return self.get_response(request)
        finally:
            current_route.reset(token)


class SecondFactorRequiredMiddleware:
    """A person who has given only a password can reach nothing but the second-factor pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path_info.startswith(("/static/", "/api/"))
        ):
            try:
                route = resolve(request.path_info).view_name
            except Resolver404:
                route = ""
            if route not in _BEFORE_SECOND_FACTOR:
                return redirect("core:second_factor")
        return self.get_response(request)
