"""The team's pages: the deaths list, one death, the JAR, forms asked, the meeting, the review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from safeguard.child_deaths import policies, rules
from safeguard.child_deaths.forms import (
    FormRequestForm,
    JarForm,
    LearningActionForm,
    MeetingForm,
    ReviewForm,
    moment,
)
from safeguard.child_deaths.models import JointAgencyResponse, Status
from safeguard.child_deaths.policies import Cap
from safeguard.child_deaths.selectors import deaths as selectors
from safeguard.child_deaths.services.actions import learning_action_add
from safeguard.child_deaths.services.jar import jar_start, jar_step_record, jar_triggers_set
from safeguard.child_deaths.services.reporting import form_request
from safeguard.child_deaths.services.reviews import cdr_meeting_record, review_complete
from safeguard.child_deaths.views._common import place_errors
from safeguard.core.http import capability_required
from safeguard.governance import policies as action_policies


@capability_required(Cap.REVIEW)
def deaths(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    found = selectors.deaths_for(actor=request.user, status=status or None)
    return render(
        request,
        "child_deaths/deaths.html",
        {
            "deaths": found[:300],
            "statuses": Status.choices,
            "status": status,
            "is_team": policies.is_team(request.user),
        },
    )


@capability_required(Cap.REVIEW)
def death(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.death_for(actor=request.user, pk=pk)
    context: dict[str, Any] = selectors.death_context(found)
    context["can_change"] = policies.can_change_death(request.user, found)
    context["domains"] = rules.DOMAINS
    context["may_open_actions"] = action_policies.may_open_action_pages(request.user)
    return render(request, "child_deaths/death.html", context)


def _changeable(request: HttpRequest, pk: int) -> Any:
    found = selectors.death_for(actor=request.user, pk=pk)
    if not policies.can_change_death(request.user, found):
        raise Http404
    return found


@capability_required(Cap.REVIEW)
def jar(request: HttpRequest, pk: int) -> HttpResponse:
    found = _changeable(request, pk)
    current = JointAgencyResponse.objects.filter(death=found).first()
    initial = {"triggers": current.triggers} if current else {}
    form = JarForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if current is None:
                jar_start(
                    actor=request.user,
                    death=found,
                    triggers=data["triggers"],
                    started_at=timezone.now(),
                )
            else:
                jar_triggers_set(actor=request.user, death=found, triggers=data["triggers"])
            if data.get("step"):
                jar_step_record(
                    actor=request.user,
                    death=found,
                    step=data["step"],
                    at=moment(data["on"], data["at"]),
                    key_worker=data["key_worker"],
                    bereavement_support=data["bereavement_support"],
                    leaflet_language=data["leaflet_language"],
                )
        except ValidationError as error:
            place_errors(form, error, fields={"at": "on"})
        else:
            messages.success(request, "The Joint Agency Response was updated")
            return redirect("child_deaths:death", pk=found.pk)
    return render(
        request,
        "child_deaths/jar.html",
        {
            "form": form,
            "death": found,
            "jar": current,
            "title": "Joint Agency Response",
            "button": "Save",
        },
    )


@capability_required(Cap.REVIEW)
def request_forms(request: HttpRequest, pk: int) -> HttpResponse:
    found = _changeable(request, pk)
    form = FormRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for organisation in form.cleaned_data["organisations"]:
            form_request(actor=request.user, death=found, organisation=organisation)
        messages.success(request, "The agencies were asked for their reporting forms")
        return redirect("child_deaths:death", pk=found.pk)
    return render(
        request,
        "child_deaths/_form_page.html",
        {"form": form, "death": found, "title": "Ask for reporting forms", "button": "Ask"},
    )


@capability_required(Cap.REVIEW)
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    found = _changeable(request, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cdr_meeting_record(
                actor=request.user, death=found, held_on=form.cleaned_data["held_on"]
            )
        except ValidationError as error:
            place_errors(form, error)
        else:
            return redirect("child_deaths:death", pk=found.pk)
    return render(
        request,
        "child_deaths/_form_page.html",
        {
            "form": form,
            "death": found,
            "title": "Child death review meeting",
            "button": "Save",
        },
    )


@capability_required(Cap.REVIEW)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    found = _changeable(request, pk)
    agencies = selectors.agencies_answers(found)
    initial: dict[str, Any] = {}
    if agencies.forms_answering:
        initial = {
            "poverty": agencies.poverty,
            "barriers": agencies.barriers,
            "barrier_kinds": list(agencies.barrier_kinds),
        }
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review_complete(
                actor=request.user,
                death=found,
                panel_meeting_on=data["panel_meeting_on"],
                categories=data["categories"],
                findings=form.findings(),
                learning=data["learning"],
                poverty=data["poverty"],
                barriers=data["barriers"],
                barrier_kinds=data["barrier_kinds"],
            )
        except ValidationError as error:
            renames = {code: f"modifiable_{code}" for code, _ in rules.DOMAINS}
            place_errors(form, error, fields=renames)
        else:
            messages.success(request, "The review is complete")
            return redirect("child_deaths:death", pk=found.pk)
    return render(
        request,
        "child_deaths/review.html",
        {
            "form": form,
            "death": found,
            "title": "The panel's review",
            "button": "Complete the review",
            "agencies": agencies,
        },
    )


@capability_required(Cap.REVIEW)
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.death_for(actor=request.user, pk=pk)
    form = LearningActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            learning_action_add(
                actor=request.user,
                death=found,
                title=data["title"],
                owner_organisation=data["owner_organisation"],
                due_on=data["due_on"],
                description=data["description"],
            )
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, "The action was added to the partnership's action plan")
            return redirect("child_deaths:death", pk=found.pk)
    return render(
        request,
        "child_deaths/_form_page.html",
        {"form": form, "death": found, "title": "Add an action from the learning", "button": "Add"},
    )


urlpatterns = [
    path("deaths", deaths, name="deaths"),
    path("deaths/<int:pk>", death, name="death"),
    path("deaths/<int:pk>/joint-agency-response", jar, name="jar"),
    path("deaths/<int:pk>/reporting-forms", request_forms, name="request_forms"),
    path("deaths/<int:pk>/review-meeting", meeting, name="meeting"),
    path("deaths/<int:pk>/review", review, name="review"),
    path("deaths/<int:pk>/actions/new", action_add, name="action_add"),
]
