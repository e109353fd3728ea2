"""Pages for the Business Unit administrator: the partners' API keys, making and revoking them.

Making and revoking keys ask for the second factor again (``@sensitive``). A new key is shown
once, in the response to the form that made it; it is never put in the session or a URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from safeguard.core.api.auth import key_state
from safeguard.core.forms.apikeys import ApiKeyForm
from safeguard.core.http import capability_required, sensitive
from safeguard.core.roles import Capability
from safeguard.core.selectors import apikeys as selectors
from safeguard.core.services import apikeys as services

# Service errors are keyed by the service's argument names; the form names one differently.
_FORM_FIELD = {"expires_at": "expires_on"}


@capability_required(Capability.MANAGE_API_KEYS)
@require_GET
def apikey_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    keys = [(key, key_state(key, now)) for key in selectors.apikey_list(actor=request.user)]
    return render(request, "core/apikeys/list.html", {"keys": keys})


@capability_required(Capability.MANAGE_API_KEYS)
@sensitive
@never_cache
@require_http_methods(["GET", "POST"])
def apikey_create(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, full_key = services.apikey_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                name = _FORM_FIELD.get(field, field)
                form.add_error(name if name in form.fields else None, problems)
        else:
            # never_cache marks this response no-store: the key must not linger in a cache.
            return render(request, "core/apikeys/created.html", {"key": key, "full_key": full_key})
    return render(request, "core/apikeys/form.html", {"form": form})


@capability_required(Capability.MANAGE_API_KEYS)
@sensitive
@require_http_methods(["GET", "POST"])
def apikey_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = selectors.apikey_get(actor=request.user, pk=pk)
    if key is None:
        raise Http404
    problem = ""
    if request.method == "POST":
        try:
            services.apikey_revoke(actor=request.user, key=key)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"The key {key.prefix} has been revoked")
            return redirect("core:apikeys")
    return render(
        request,
        "core/apikeys/revoke.html",
        {"key": key, "state": key_state(key), "problem": problem},
        status=400 if problem else 200,
    )


urlpatterns = [
    path("api-keys", apikey_list, name="apikeys"),
    path("api-keys/new", apikey_create, name="apikey_create"),
    path("api-keys/<int:pk>/revoke", apikey_revoke, name="apikey_revoke"),
]
