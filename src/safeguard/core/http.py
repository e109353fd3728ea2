"""Decorators that put the policies in front of every page.

Each page declares the capability it needs; the permission walk in the tests reads the same
declaration, so a page without one fails the suite.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from safeguard.core import audit, policies
from safeguard.core.models.audit import AuditAction

View = Callable[..., HttpResponseBase]
STEP_UP_SESSION_KEY = "safeguard_second_factor_at"


def capability_required(capability: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not policies.can(request.user, capability):
                audit.record(
                    action=AuditAction.DENIED,
                    record_type="page",
                    actor=request.user,
                    detail=f"needs {capability}",
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability  # type: ignore[attr-defined]
        return wrapped

    return decorate


def public(view: View) -> View:
    """Mark a page that anyone may reach (sign-in, health check)."""
    view.required_capability = None  # type: ignore[attr-defined]
    return view


def second_factor_is_recent(request: HttpRequest) -> bool:
    at = request.session.get(STEP_UP_SESSION_KEY)
    return at is not None and time.time() - float(at) < settings.STEP_UP_MINUTES * 60


def mark_second_factor(request: HttpRequest) -> None:
    request.session[STEP_UP_SESSION_KEY] = time.time()


def ask_for_second_factor(request: HttpRequest, *, back_to: str | None = None) -> HttpResponse:
    """Send the person to the code page; after the code, back to ``back_to`` (a GET page)."""
    query = urlencode({"next": back_to or request.get_full_path()})
    return redirect(f"{reverse('core:confirm_second_factor')}?{query}")


def step_up_for_change(
    request: HttpRequest, *, widens_access: bool, back_to: str | None = None
) -> HttpResponse | None:
    """The code page when a submitted change grants or widens access and the code is stale.

    One rule for every page whose change may or may not widen access (a person created with
    or without roles, an organisation renamed or given another kind): the page works out
    whether the submitted change widens access and asks here; ``None`` means go ahead. A
    plain edit that grants nothing never asks. Pages whose every change is sensitive use
    ``@sensitive`` instead.
    """
    if widens_access and request.user.is_authenticated and not second_factor_is_recent(request):
        return ask_for_second_factor(request, back_to=back_to)
    return None


def sensitive(view: View) -> View:
    """Ask for the second factor again unless it was given in the last few minutes."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not second_factor_is_recent(request):
            return ask_for_second_factor(request)
        return view(request, *args, **kwargs)

    return wrapped
