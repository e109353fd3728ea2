"""The cross-border pages: the registry of neighbours, the forwards, and the e-mail link page.

The link page is public: the neighbour's contact has no account here. It shows one child's
forward to whoever holds a good link, audits each opening, and never caches.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safeguard.core.http import capability_required, public
from safeguard.core.models import OutboxMessage
from safeguard.encompass import policies
from safeguard.encompass.forms.forwarding import (
    ChildForwardForm,
    ForwardActionForm,
    LinkAcknowledgeForm,
    LinkCodeForm,
    NeighbourForm,
)
from safeguard.encompass.models import Forward, Neighbour
from safeguard.encompass.policies import Cap
from safeguard.encompass.selectors.forwards import (
    RECORD_TYPE,
    forward_get,
    forwards_for,
    neighbours_for,
)
from safeguard.encompass.selectors.incidents import unmatched_child_get
from safeguard.encompass.services import forward_links, forwarding, neighbours


def _form_errors(form, error: ValidationError) -> None:  # type: ignore[no-untyped-def]
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


@capability_required(Cap.MANAGE_NEIGHBOURS)
def neighbour_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "encompass/neighbours.html", {"neighbours": neighbours_for(request.user)}
    )


def _neighbour_form(request: HttpRequest, neighbour: Neighbour | None) -> HttpResponse:
    initial = (
        {
            "name": neighbour.name,
            "la_codes": ", ".join(neighbour.codes),
            "api_base_url": neighbour.api_base_url,
            "contact_email": neighbour.contact_email,
            "code_email": neighbour.code_email,
            "active": neighbour.active,
        }
        if neighbour
        else {"active": True}
    )
    form = NeighbourForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = neighbours.neighbour_save(
                actor=request.user,
                neighbour=neighbour,
                name=data["name"],
                la_codes=data["la_codes"],
                api_base_url=data["api_base_url"],
                api_key=data["api_key"],
                clear_api_key=data["clear_api_key"],
                contact_email=data["contact_email"],
                code_email=data["code_email"],
                active=data["active"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{saved.name} saved")
            return redirect("encompass:neighbours")
    return render(request, "encompass/neighbour_form.html", {"form": form, "neighbour": neighbour})


@capability_required(Cap.MANAGE_NEIGHBOURS)
def neighbour_create(request: HttpRequest) -> HttpResponse:
    return _neighbour_form(request, None)


@capability_required(Cap.MANAGE_NEIGHBOURS)
def neighbour_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _neighbour_form(request, get_object_or_404(neighbours_for(request.user), pk=pk))


@capability_required(Cap.VIEW_FORWARDS)
def forward_list(request: HttpRequest) -> HttpResponse:
    rows = forwards_for(request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "encompass/forwards.html", {"page": page})


@capability_required(Cap.VIEW_FORWARDS)
def forward_detail(request: HttpRequest, pk: int) -> HttpResponse:
    forward = forward_get(request.user, pk)
    email = (
        OutboxMessage.objects.filter(
            reason="encompass_forward", record_type=RECORD_TYPE, record_id=str(pk)
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    return render(
        request,
        "encompass/forward_detail.html",
        {
            "forward": forward,
            "email": email,
            "attempts": forward.tries.all(),
            "may_act": policies.may_act_on_forward(request.user),
        },
    )


@capability_required(Cap.VIEW_FORWARDS)
@require_POST
def forward_action(request: HttpRequest, pk: int) -> HttpResponse:
    if not policies.may_act_on_forward(request.user):
        raise PermissionDenied
    forward = forward_get(request.user, pk)
    form = ForwardActionForm(request.POST)
    if form.is_valid():
        act = forwarding.forward_retry if form.cleaned_data["action"] == "retry" else None
        try:
            if act is not None:
                act(actor=request.user, forward=forward)
                messages.success(request, "The forward will be sent again")
            else:
                forward_links.revoke(actor=request.user, forward=forward)
                messages.success(request, "The link no longer works")
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
    return redirect("encompass:forward_detail", pk=pk)


@capability_required(Cap.MANAGE_UNMATCHED)
def unmatched_forward(request: HttpRequest, pk: int) -> HttpResponse:
    child = unmatched_child_get(request.user, pk)
    form = ChildForwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            forward = forwarding.child_forward(
                actor=request.user,
                child=child,
                school_urn=form.cleaned_data["school_urn"],
                la_code=form.cleaned_data["la_code"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Forwarded to {forward.neighbour.name}")
            return redirect("encompass:unmatched")
    return render(request, "encompass/unmatched_forward.html", {"child": child, "form": form})


@public
@never_cache
def forwarded_link(request: HttpRequest, token: str) -> HttpResponse:
    """The neighbour's page: first the access code sent apart from the link, then the child."""
    form = LinkAcknowledgeForm(request.POST if "name" in request.POST else None)
    code_form = LinkCodeForm(request.POST if "code" in request.POST else None)
    try:
        forward = forward_links.check(token)
        unlocked = request.session.get(
            forward_links.session_key(forward)
        ) == forward_links.session_value(forward)
        if request.method == "POST" and "code" in request.POST and not unlocked:
            if code_form.is_valid():
                forward, right = forward_links.unlock(token, code_form.cleaned_data["code"])
                if right:
                    request.session[forward_links.session_key(forward)] = (
                        forward_links.session_value(forward)
                    )
                    return _no_referrer(_forward_page(request, forward, form))
                forward = forward_links.check(token)  # refused after the last wrong code
                code_form.add_error("code", "The access code is not right: check it and try again")
            return _no_referrer(
                render(request, "encompass/forwarded_code.html", {"form": code_form})
            )
        if not unlocked:
            return _no_referrer(
                render(request, "encompass/forwarded_code.html", {"form": code_form})
            )
        if request.method == "POST" and "name" in request.POST:
            if form.is_valid():
                try:
                    forward_links.acknowledge(token, name=form.cleaned_data["name"])
                except ValidationError as error:
                    _form_errors(form, error)
                else:
                    request.session.pop(forward_links.session_key(forward), None)
                    return _no_referrer(render(request, "encompass/forwarded_done.html"))
        else:
            forward = forward_links.opened(token)
    except forward_links.Refused as refused:
        forward_links.record_refusal(refused)
        return _no_referrer(render(request, "encompass/forwarded_refused.html", status=404))
    return _no_referrer(_forward_page(request, forward, form))


def _forward_page(
    request: HttpRequest, forward: Forward, form: LinkAcknowledgeForm
) -> HttpResponse:
    return render(
        request,
        "encompass/forwarded.html",
        {
            "forward": forward,
            "child": forward.child,
            "incident": forward.child.incident,
            "form": form,
        },
    )


def _no_referrer(response: HttpResponse) -> HttpResponse:
    """The token is in the path: no page it links to may learn it."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


urlpatterns = [
    path("neighbours/", neighbour_list, name="neighbours"),
    path("neighbours/add/", neighbour_create, name="neighbour_create"),
    path("neighbours/<int:pk>/", neighbour_edit, name="neighbour_edit"),
    path("forwards/", forward_list, name="forwards"),
    path("forwards/<int:pk>/", forward_detail, name="forward_detail"),
    path("forwards/<int:pk>/action/", forward_action, name="forward_action"),
    path("unmatched/<int:pk>/forward/", unmatched_forward, name="unmatched_forward"),
    path("forwarded/<str:token>/", forwarded_link, name="forwarded_link"),
]
