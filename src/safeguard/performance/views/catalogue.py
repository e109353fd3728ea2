"""The Business Unit's catalogue of indicators, their comparators and the PMSG meeting dates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.performance import policies, selectors
from safeguard.performance.forms import (
    ComparatorForm,
    IndicatorForm,
    MeetingForm,
    add_service_errors,
)
from safeguard.performance.models import Indicator, Meeting
from safeguard.performance.services import catalogue


@capability_required(policies.MANAGE)
def indicators(request: HttpRequest) -> HttpResponse:
    found = selectors.indicators(actor=request.user, include_inactive=True)
    return render(
        request,
        "performance/catalogue.html",
        {"indicators": found, "meetings": Meeting.objects.all()},
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


@capability_required(policies.MANAGE)
def meeting_add(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        catalogue.meeting_add(actor=request.user, held_on=form.cleaned_data["held_on"])
        messages.success(request, "PMSG meeting date added")
        return redirect("performance:indicators")
    return render(request, "performance/meeting_form.html", {"form": form})


urlpatterns = [
    path("indicators", indicators, name="indicators"),
    path("indicators/add", indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit", indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/comparators/add", comparator_add, name="comparator_add"),
    path("meetings/add", meeting_add, name="meeting_add"),
]
