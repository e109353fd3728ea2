"""The Business Unit's catalogue of indicators and their comparators.

The PMSG's meetings are scheduled in governance (ADR 0025); the page that kept a list of their
dates here is gone, and its old address answers 404 like any other unknown page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.http import capability_required
from safeguard.core.policies import can
from safeguard.governance.policies import MeetingCap
from safeguard.performance import agenda, policies, selectors
from safeguard.performance.forms import (
    ComparatorForm,
    IndicatorForm,
    add_service_errors,
)
from safeguard.performance.models import Indicator
from safeguard.performance.services import catalogue


@capability_required(policies.MANAGE)
def indicators(request: HttpRequest) -> HttpResponse:
    found = selectors.indicators(actor=request.user, include_inactive=True)
    return render(
        request,
        "performance/catalogue.html",
        {
            "indicators": found,
            "pmsg_group": next(iter(agenda.pmsg_groups()), None),
            "pmsg_meetings": agenda.upcoming_meetings(london_date(timezone.now()))[:4],
            # Every link shown opens for the person: governance's meetings are for its users.
            "may_open_meetings": can(request.user, MeetingCap.USE),
        },
    )


def _indicator(request: HttpRequest, pk: int) -> Indicator:
    found = selectors.indicators(actor=request.user, include_inactive=True).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@capability_required(policies.MANAGE)
def indicator_create(request: HttpRequest) -> HttpResponse:
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = catalogue.indicator_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Indicator added")
            return redirect("performance:indicator_detail", pk=indicator.pk)
    return render(request, "performance/indicator_form.html", {"form": form, "indicator": None})


@capability_required(policies.MANAGE)
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    form = IndicatorForm(request.POST or None, initial=IndicatorForm.initial_for(indicator))
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.indicator_update(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Indicator changed")
            return redirect("performance:indicator_detail", pk=indicator.pk)
    return render(
        request, "performance/indicator_form.html", {"form": form, "indicator": indicator}
    )


@capability_required(policies.MANAGE)
def comparator_add(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    form = ComparatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.comparator_set(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Comparator saved")
            return redirect("performance:indicator_detail", pk=indicator.pk)
    return render(
        request, "performance/comparator_form.html", {"form": form, "indicator": indicator}
    )


urlpatterns = [
    path("indicators", indicators, name="indicators"),
    path("indicators/add", indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit", indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/comparators/add", comparator_add, name="comparator_add"),
]
