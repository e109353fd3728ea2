"""Secure settings pages: the settings, a setting's 24 months, a month's return, incident
reviews with their actions, and the annual report's restraint-by-month table."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from safeguard.assurance import policies, rules
from safeguard.assurance.forms import (
    IncidentReviewForm,
    ReturnForm,
    ReviewActionForm,
    place_errors,
)
from safeguard.assurance.policies import Cap
from safeguard.assurance.selectors import secure as selectors
from safeguard.assurance.services import secure as services
from safeguard.core.clock import london_date
from safeguard.core.http import capability_required
from safeguard.governance import policies as action_policies
from safeguard.governance.selectors.actions import actions_of_source


def _month(text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError as error:
        raise Http404 from error


@capability_required(Cap.SECURE_RETURN)
def settings(request: HttpRequest) -> HttpResponse:
    found = selectors.settings_for(actor=request.user)
    this_month = rules.first_of_month(london_date(timezone.now()))
    last_month = rules.previous_month(this_month)
    rows = [(o, selectors.return_of(o, last_month)) for o in found]
    return render(
        request,
        "assurance/settings.html",
        {
            "rows": rows,
            "last_month": last_month,
            "reviews": selectors.reviews_for(actor=request.user)[:20],
            "manages": policies.manages(request.user),
            "may_see_figures": policies.can(request.user, Cap.FIGURES),
        },
    )


@capability_required(Cap.SECURE_RETURN)
def setting(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.setting_for(actor=request.user, pk=pk)
    returns = selectors.returns_of(found)
    used = [
        (name, label)
        for name, label, _ in rules.FIGURES
        if any(getattr(r, name) is not None for r in returns)
    ]
    this_month = rules.first_of_month(london_date(timezone.now()))
    return render(
        request,
        "assurance/setting.html",
        {
            "setting": found,
            "returns": [(r, [getattr(r, name) for name, _ in used]) for r in returns],
            "used": used,
            "this_month": this_month,
            "last_month": rules.previous_month(this_month),
        },
    )


@capability_required(Cap.SECURE_RETURN)
def monthly_return(request: HttpRequest, pk: int, month: str) -> HttpResponse:
    found = selectors.setting_for(actor=request.user, pk=pk)
    when = _month(month)
    current = selectors.return_of(found, when)
    initial = {name: getattr(current, name) for name in rules.FIGURE_FIELDS} if current else {}
    if current:
        initial["narrative"] = current.narrative
    form = ReturnForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.return_submit(
                actor=request.user,
                organisation=found,
                month=when,
                figures={name: data.get(name) for name in rules.FIGURE_FIELDS},
                narrative=data["narrative"],
            )
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, f"Return for {when:%B %Y} submitted")
            return redirect("assurance:setting", pk=found.pk)
    return render(
        request,
        "assurance/return.html",
        {"setting": found, "month": when, "form": form, "current": current},
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.MANAGE)
def review_new(request: HttpRequest) -> HttpResponse:
    form = IncidentReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.incident_review_record(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, "Incident review recorded")
            return redirect("assurance:review", pk=review.pk)
    return render(
        request,
        "assurance/form.html",
        {
            "form": form,
            "title": "Record an incident review",
            "button": "Record the review",
            "back": "assurance:settings",
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.SECURE_RETURN)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.review_for(actor=request.user, pk=pk)
    manages = policies.manages(request.user)
    form = ReviewActionForm(request.POST or None)
    if request.method == "POST":
        if not manages:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.review_action_add(
                    actor=request.user,
                    review=found,
                    title=data["title"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                )
            except ValidationError as error:
                place_errors(form, error)
            else:
                messages.success(request, "Action added to the partnership action plan")
                return redirect("assurance:review", pk=found.pk)
    return render(
        request,
        "assurance/review.html",
        {
            "review": found,
            "form": form if manages else None,
            "actions": actions_of_source(
                source_kind=services.SOURCE_KIND, source_ids=[str(found.pk)]
            ),
            "may_open_actions": action_policies.may_open_action_pages(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.FIGURES)
def restraints(request: HttpRequest) -> HttpResponse:
    today = london_date(timezone.now())
    latest = today.year if today.month >= 4 else today.year - 1
    chosen = request.GET.get("year", "")
    start = int(chosen) if chosen.isdigit() and 2000 <= int(chosen) <= latest else latest - 1
    return render(
        request,
        "assurance/restraints.html",
        {
            "rows": selectors.restraints_by_month(start),
            "months": rules.MONTH_NAMES,
            "label": f"{start}/{str(start + 1)[2:]}",
            "years": [(y, f"{y}/{str(y + 1)[2:]}") for y in range(latest, latest - 4, -1)],
            "start": start,
        },
    )


urlpatterns = [
    path("secure-settings", settings, name="settings"),
    path("secure-settings/restraints", restraints, name="restraints"),
    path("secure-settings/reviews/new", review_new, name="review_new"),
    path("secure-settings/reviews/<int:pk>", review, name="review"),
    path("secure-settings/<int:pk>", setting, name="setting"),
    path("secure-settings/<int:pk>/returns/<str:month>", monthly_return, name="return"),
]
