"""The oversight page: the Encompass figures for a period, counts and shares only."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from safeguard.core.http import capability_required
from safeguard.encompass.forms.oversight import PeriodForm
from safeguard.encompass.policies import Cap
from safeguard.encompass.selectors import oversight


@capability_required(Cap.VIEW_OVERSIGHT)
def oversight_page(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    days = int(form.cleaned_data.get("days") or 30) if form.is_valid() else 30
    end = timezone.now()
    figures = oversight.figures(request.user, start=end - timedelta(days=days), end=end)
    return render(
        request, "encompass/oversight.html", {"form": form, "figures": figures, "days": days}
    )


urlpatterns = [path("oversight/", oversight_page, name="oversight")]
