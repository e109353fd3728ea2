"""The CSPR pages: the review, commissioning and progress, publication."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.reviews import policies
from safeguard.reviews.forms import CsprForm, PublishForm, add_service_errors
from safeguard.reviews.models import Cspr
from safeguard.reviews.policies import Cap
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.services.csprs import cspr_publish, cspr_record


@capability_required(Cap.USE)
def cspr(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    found = Cspr.objects.filter(incident=incident).first()
    return render(
        request,
        "reviews/cspr.html",
        {
            "incident": incident,
            "cspr": found,
            "clocks": [
                c for c in case_selectors.clocks_of(incident) if c.kind == "cspr_publication"
            ],
            "can_manage": policies.can_manage(request.user, incident) and incident.status == "cspr",
        },
    )


def _initial(found: Cspr | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        name: getattr(found, name)
        for name in (
            "reviewer",
            "terms_of_reference",
            "commissioned_on",
            "initiated_on",
            "joint_with",
            "progress",
        )
    }


@capability_required(Cap.MANAGE)
def cspr_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    if not policies.can_manage(request.user, incident):
        raise Http404
    found = Cspr.objects.filter(incident=incident).first()
    data = request.POST if request.method == "POST" else None
    form = CsprForm(data, initial=_initial(found))
    if request.method == "POST" and form.is_valid():
        try:
            cspr_record(actor=request.user, incident=incident, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "CSPR saved")
            return redirect("reviews:cspr", pk=incident.pk)
    return render(
        request,
        "reviews/cspr_form.html",
        {"form": form, "incident": incident, "title": "Commission the CSPR", "button": "Save"},
    )


@capability_required(Cap.MANAGE)
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    if not policies.can_manage(request.user, incident):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = PublishForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            cspr_publish(
                actor=request.user,
                incident=incident,
                published_on=form.cleaned_data["published_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Publication recorded")
            return redirect("reviews:cspr", pk=incident.pk)
    return render(
        request,
        "reviews/cspr_form.html",
        {"form": form, "incident": incident, "title": "Record publication", "button": "Save"},
    )


urlpatterns = [
    path("cases/<int:pk>/cspr", cspr, name="cspr"),
    path("cases/<int:pk>/cspr/edit", cspr_edit, name="cspr_edit"),
    path("cases/<int:pk>/cspr/publish", publish, name="cspr_publish"),
]
