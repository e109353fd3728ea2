"""Bank holiday administration: the holidays the clocks skip, and adding one at short notice."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from safeguard.core import holidays
from safeguard.core.clock import london_date
from safeguard.core.forms.holidays import HolidayForm
from safeguard.core.http import capability_required
from safeguard.core.roles import Capability
from safeguard.core.services.holidays import holiday_add


@capability_required(Capability.MANAGE_HOLIDAYS)
def index(request: HttpRequest) -> HttpResponse:
    today = london_date(timezone.now())
    _covers_from, covers_until = holidays.coverage()
    years = [
        {"year": year, "holidays": holidays.holidays_between(date(year, 1, 1), date(year, 12, 31))}
        for year in (today.year, today.year + 1)
    ]
    return render(
        request,
        "core/holidays/index.html",
        {
            "years": years,
            "covers_until": covers_until,
            # Warn a year ahead: clocks of 20 working days and more reach into the next year.
            "running_out": covers_until.year <= today.year + 1,
            "today": today,
        },
    )


@capability_required(Capability.MANAGE_HOLIDAYS)
def add(request: HttpRequest) -> HttpResponse:
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extra = holiday_add(
                actor=request.user, date=form.cleaned_data["date"], name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error("day" if field == "date" else field, problem)
        else:
            messages.success(request, f"Bank holiday added for {extra.date.day} {extra.date:%B %Y}")
            return redirect("core:holidays")
    return render(request, "core/holidays/add.html", {"form": form})


urlpatterns = [
    path("holidays", index, name="holidays"),
    path("holidays/add", add, name="holiday_add"),
]
