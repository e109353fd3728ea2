"""Setting a password by a one-time link, and asking for a reset link.

Both pages are public. The set-password page moves the token out of the address bar on the
first visit (into the session, then a redirect to ``.../set``), as Django's own reset view
does, so the token is not left in browser history or sent on in a Referer header.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.core.forms.invitations import ForgotPasswordForm, SetPasswordForm
from safeguard.core.http import capability_required, public, step_up_for_change
from safeguard.core.roles import Capability
from safeguard.core.selectors import partnership as partnership_selectors
from safeguard.core.services import invitations as services

TOKEN_SESSION_KEY = "safeguard_set_password_token"  # noqa: S105 (a session key name)
# Stands for the real token in the address once it is in the session; never a valid token.
IN_SESSION = "set"


def _link_invalid(request: HttpRequest) -> HttpResponse:
    request.session.pop(TOKEN_SESSION_KEY, None)
    return render(request, "core/invitations/link_invalid.html")


@public
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if token != IN_SESSION:
        if services.link_check(uidb64=uidb64, token=token) is None:
            return _link_invalid(request)
        request.session[TOKEN_SESSION_KEY] = token
        return redirect("core:set_password", uidb64=uidb64, token=IN_SESSION)
    held = str(request.session.get(TOKEN_SESSION_KEY, ""))
    holder = services.link_check(uidb64=uidb64, token=held)
    if holder is None:
        return _link_invalid(request)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set_by_link(
                uidb64=uidb64, token=held, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            problems = error.message_dict
            if "token" in problems:
                return _link_invalid(request)
            for problem in problems.get("password", []):
                form.add_error("password", problem)
        else:
            request.session.pop(TOKEN_SESSION_KEY, None)
            if request.user.is_authenticated:
                logout(request)  # whoever was signed in here, the new password is someone's
            messages.success(request, "Your password is set: sign in with it")
            return redirect("core:sign_in")
    context = {"form": form, "invitation": holder.purpose == services.INVITATION}
    return render(
        request,
        "core/invitations/set_password.html",
        context,
        status=400 if form.errors else 200,
    )


@public
@require_http_methods(["GET", "POST"])
def forgot_password(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not the address has an account."""
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        context = {"hours": services.RESET_HOURS}
        return render(request, "core/invitations/forgot_password_sent.html", context)
    return render(
        request,
        "core/invitations/forgot_password.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@capability_required(Capability.MANAGE_PARTNERSHIP)
@require_POST
def person_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """The Invite button on a person's page: queue the email, then back to the page."""
    person = get_object_or_404(partnership_selectors.people(actor=request.user), pk=pk)
    # An invitation that will go completes an account: if it carries roles, it grants access.
    completes = person.is_active and not person.has_usable_password()
    back_to = reverse("core:person_detail", args=[person.pk])
    widens = completes and bool(person.role_codes)
    if asked := step_up_for_change(request, widens_access=widens, back_to=back_to):
        return asked
    try:
        services.person_invite(actor=request.user, person=person)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(
            request,
            f"Invitation sent. The link in it works once, for {services.INVITATION_HOURS} hours",
        )
    return redirect("core:person_detail", pk=person.pk)


urlpatterns = [
    path("account/set-password/<uidb64>/<token>", set_password, name="set_password"),
    path("sign-in/forgot-password", forgot_password, name="forgot_password"),
    path("partnership/people/<int:pk>/invite", person_invite, name="person_invite"),
]
