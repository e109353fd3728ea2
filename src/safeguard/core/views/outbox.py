"""The notifications pages: what the outbox holds, what happened to each message, try again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from safeguard.core import outbox, policies
from safeguard.core.forms.outbox import OutboxFilterForm
from safeguard.core.http import capability_required
from safeguard.core.models import OutboxMessage
from safeguard.core.models.outbox import OutboxState
from safeguard.core.roles import Capability
from safeguard.core.selectors import outbox as selectors

PER_PAGE = 25


@capability_required(Capability.VIEW_OUTBOX)
def index(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    found = selectors.messages_visible_to(actor=request.user, state=state)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/outbox/index.html",
        {
            "form": form,
            "page": page,
            "state": state,
            "state_label": OutboxState(state).label if state else "",
        },
    )


def _message_or_404(request: HttpRequest, pk: int) -> OutboxMessage:
    try:
        return selectors.message_detail(actor=request.user, pk=pk)
    except OutboxMessage.DoesNotExist:
        raise Http404("No such message") from None


@capability_required(Capability.VIEW_OUTBOX)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(request, pk)
    return render(
        request,
        "core/outbox/detail.html",
        {
            "message": message,
            "attempts": list(message.tries.all()),
            "link_hidden": outbox.link_is_secret(message),
            "can_retry": message.state == OutboxState.FAILED
            and policies.can(request.user, Capability.MANAGE_PARTNERSHIP),
        },
    )


@capability_required(Capability.MANAGE_PARTNERSHIP)
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message_or_404(request, pk)
    try:
        outbox.message_retry(actor=request.user, message=message)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, "The message will be sent again within a few minutes.")
    return redirect("core:outbox_message", pk=message.pk)


urlpatterns = [
    path("notifications", index, name="outbox"),
    path("notifications/<int:pk>", detail, name="outbox_message"),
    path("notifications/<int:pk>/try-again", retry, name="outbox_retry"),
]
