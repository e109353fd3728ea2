"""Self-registration: the public page where a practitioner without an account asks for one, and
the Business Unit's or the organisation's approver's pages that decide. Approving opens an
account with a role, so it asks for the second factor again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from safeguard.core import audit
from safeguard.core.http import capability_required, public, step_up_for_change
from safeguard.core.models.audit import AuditAction
from safeguard.training import policies, selectors
from safeguard.training.forms import AccountRefuseForm, AccountRequestForm, add_service_errors
from safeguard.training.policies import Cap
from safeguard.training.services import registration as services


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@public
@require_http_methods(["GET", "POST"])
def request_account(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("training:catalogue")
    form = AccountRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_request_make(
                full_name=data["full_name"],
                email=data["email"],
                job_title=data["job_title"],
                organisation=data["organisation"],
                place=services.place_of(_client_address(request)),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The same answer whatever happened: the page never tells whether an address has
            # an account, a request waiting, or has asked too often.
            return redirect("training:request_account_sent")
    return render(
        request,
        "training/request_account.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@public
def request_account_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "training/request_account_sent.html")


@capability_required(Cap.BOOK)
def account_requests(request: HttpRequest) -> HttpResponse:
    if not policies.may_see_account_requests(request.user):
        audit.record(
            action=AuditAction.DENIED,
            record_type=services.REQUEST,
            actor=request.user,
            detail="list",
        )
        raise PermissionDenied
    rows = list(selectors.account_requests_for(actor=request.user))
    audit.record_view(actor=request.user, record_type=services.REQUEST, record_id="list")
    return render(request, "training/account_requests.html", {"rows": rows})


@capability_required(Cap.BOOK)
@require_http_methods(["GET", "POST"])
def account_request(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.account_request_for(actor=request.user, pk=pk)
    refuse_form = AccountRefuseForm(
        request.POST if request.method == "POST" and "refuse" in request.POST else None
    )
    error = ""
    if request.method == "POST" and row.status == "pending":
        if "approve" in request.POST:
            back = reverse("training:account_request", kwargs={"pk": row.pk})
            if asked := step_up_for_change(request, widens_access=True, back_to=back):
                return asked
            try:
                services.account_request_approve(actor=request.user, request=row)
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                messages.success(
                    request,
                    "Account opened with the practitioner role: they have been sent a"
                    " link to set their password",
                )
                return redirect("training:account_requests")
        elif "refuse" in request.POST and refuse_form.is_valid():
            try:
                services.account_request_refuse(
                    actor=request.user, request=row, reason=refuse_form.cleaned_data["reason"]
                )
            except ValidationError as problem:
                add_service_errors(refuse_form, problem)
            else:
                messages.success(request, "Request not approved: they have been told")
                return redirect("training:account_requests")
    return render(
        request,
        "training/account_request.html",
        {"row": row, "refuse_form": refuse_form, "error": error},
        status=400 if refuse_form.errors or error else 200,
    )


urlpatterns = [
    path("request-account", request_account, name="request_account"),
    path("request-account/sent", request_account_sent, name="request_account_sent"),
    path("account-requests", account_requests, name="account_requests"),
    path("account-requests/<int:pk>", account_request, name="account_request"),
]
