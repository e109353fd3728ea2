"""The oversight page: the Encompass figures for a period, counts and shares only."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from safeguard.core.clock import LONDON
from safeguard.core.http import capability_required
from safeguard.encompass.forms.oversight import PeriodForm
from safeguard.encompass.policies import Cap
from safeguard.encompass.selectors import oversight


@capability_required(Cap.VIEW_OVERSIGHT)
def oversight_page(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    days = int(form.cleaned_data.get("days") or 30) if form.is_valid() else 30
    end = timezone.now()
    start = end - timedelta(days=days)
    if form.is_valid() and form.cleaned_data.get("start") and form.cleaned_data.get("end"):
        # Any range of whole days, London time, the last day included.
        start = datetime.combine(form.cleaned_data["start"], time(0), tzinfo=LONDON)
        end = datetime.combine(form.cleaned_data["end"] + timedelta(days=1), time(0), tzinfo=LONDON)
    figures = oversight.figures(request.user, start=start, end=end)
    tables = [
        ("By police force", figures.by_force, "Police force"),
        ("By school or setting", figures.by_school, "School or setting"),
    ]
    return render(
        request,
        "encompass/oversight.html",
        {"form": form, "figures": figures, "days": days, "tables": tables},
    )


urlpatterns = [path("oversight/", oversight_page, name="oversight")]
