"""The oversight table and the learning from reviews, which anyone in the partnership may read."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from safeguard.core.forms.govuk import GovukForm
from safeguard.core.http import capability_required
from safeguard.reviews import policies
from safeguard.reviews.forms import date_field
from safeguard.reviews.policies import Cap
from safeguard.reviews.selectors import learning as learning_selectors
from safeguard.reviews.selectors.oversight import oversight_between
from safeguard.reviews.services._common import today


class RangeForm(GovukForm):
    start = date_field("From")
    end = date_field("To")

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "To must be the same as or after From")
        return data


@capability_required(Cap.VIEW_OVERSIGHT)
def oversight(request: HttpRequest) -> HttpResponse:
    form = RangeForm(request.GET or None)
    now = today()
    start, end = date(now.year - 3, 4, 1), now
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    table = oversight_between(start, end)
    open_cases = learning_selectors.open_cases_for(actor=request.user)
    return render(
        request,
        "reviews/oversight.html",
        {"form": form, "table": table, "open_cases": open_cases},
    )


@capability_required(Cap.VIEW_LEARNING)
def learning(request: HttpRequest) -> HttpResponse:
    sheets = learning_selectors.published_sheets()
    return render(
        request,
        "reviews/learning.html",
        {"sheets": sheets, "can_manage": policies.can(request.user, Cap.MANAGE)},
    )


urlpatterns = [
    path("oversight", oversight, name="oversight"),
    path("learning", learning, name="learning"),
]
