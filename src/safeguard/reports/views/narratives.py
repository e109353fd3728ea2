"""One narrative section and its workflow: write (the Business Unit), send for review, review
(its owner alone), sign off (each statutory partner)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from safeguard.core.http import capability_required
from safeguard.reports import policies
from safeguard.reports.forms import NarrativeForm, ReviewForm
from safeguard.reports.policies import Cap
from safeguard.reports.selectors import reports as selectors
from safeguard.reports.services import narratives as services


def _errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    for problems in error.message_dict.values():
        for problem in problems:
            messages.error(request, problem)


@capability_required(Cap.VIEW)
def narrative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    narrative = selectors.narrative_for(actor=request.user, pk=pk)
    signed = selectors.signed_organisation_ids(narrative)
    signed_for = policies.signs_for(request.user)
    return render(
        request,
        "reports/narrative.html",
        {
            "narrative": narrative,
            "report": narrative.report,
            "sign_offs": selectors.sign_offs_of(narrative),
            "partners": services.statutory_partners(),
            "signed": signed,
            "may_write": policies.may_write(request.user, narrative),
            "may_submit": policies.may_submit(request.user, narrative),
            "may_review": policies.may_review(request.user, narrative),
            "may_sign": policies.may_sign(request.user, narrative, signed),
            "signs_for": signed_for,
        },
    )


@capability_required(Cap.MANAGE)
def narrative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    narrative = selectors.narrative_for(actor=request.user, pk=pk)
    if not policies.may_write(request.user, narrative):
        raise PermissionDenied
    form = NarrativeForm(
        request.POST if request.method == "POST" else None, initial={"body": narrative.body}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.narrative_write(
                actor=request.user,
                narrative=narrative,
                body=form.cleaned_data["body"],
                owner=form.cleaned_data["owner"],
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, "Section saved.")
            return redirect("reports:narrative", pk=narrative.pk)
    return render(
        request,
        "reports/narrative_form.html",
        {"form": form, "narrative": narrative, "title": f"Write: {narrative.title}"},
    )


@capability_required(Cap.MANAGE)
@require_POST
def narrative_submit(request: HttpRequest, pk: int) -> HttpResponse:
    narrative = selectors.narrative_for(actor=request.user, pk=pk)
    try:
        services.narrative_submit(actor=request.user, narrative=narrative)
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, f"Sent to {narrative.owner.full_name} for review.")
    return redirect("reports:narrative", pk=narrative.pk)


@capability_required(Cap.VIEW)
def narrative_review(request: HttpRequest, pk: int) -> HttpResponse:
    narrative = selectors.narrative_for(actor=request.user, pk=pk)
    if not policies.may_review(request.user, narrative):
        raise PermissionDenied
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.narrative_review(
                actor=request.user,
                narrative=narrative,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, "Review recorded.")
            return redirect("reports:narrative", pk=narrative.pk)
    return render(
        request,
        "reports/review_form.html",
        {"form": form, "narrative": narrative, "title": f"Review: {narrative.title}"},
    )


@capability_required(Cap.SIGN_OFF)
@require_POST
def narrative_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    narrative = selectors.narrative_for(actor=request.user, pk=pk)
    services.narrative_sign_off(actor=request.user, narrative=narrative)
    messages.success(request, "Signed off.")
    return redirect("reports:narrative", pk=narrative.pk)


urlpatterns = [
    path("sections/<int:pk>", narrative_detail, name="narrative"),
    path("sections/<int:pk>/write", narrative_edit, name="narrative_write"),
    path("sections/<int:pk>/submit", narrative_submit, name="narrative_submit"),
    path("sections/<int:pk>/review", narrative_review, name="narrative_review"),
    path("sections/<int:pk>/sign-off", narrative_sign_off, name="narrative_sign_off"),
]
