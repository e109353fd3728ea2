"""Concerns Resolution pages: the list, raising a concern (finding the child in the child
index), one concern with its stages, and the partnership's figures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.assurance import charts, policies, rules
from safeguard.assurance.forms import (
    ChildSearchForm,
    DecideForm,
    EscalationForm,
    RespondForm,
    place_errors,
)
from safeguard.assurance.policies import Cap
from safeguard.assurance.selectors import escalations as selectors
from safeguard.assurance.services import escalations as services
from safeguard.core.http import capability_required


@capability_required(Cap.ESCALATE)
def escalations(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    found = selectors.escalations_for(actor=request.user, status=status)
    return render(
        request,
        "assurance/escalations.html",
        {
            "escalations": found[:300],
            "status": status,
            "statuses": rules.ESCALATION_STATUSES,
            "may_see_figures": policies.can(request.user, Cap.FIGURES),
        },
    )


@capability_required(Cap.ESCALATE)
def escalation_new(request: HttpRequest) -> HttpResponse:
    """Find the child (each child shown is an audited read), then record the concern."""
    search = ChildSearchForm(request.GET if "surname" in request.GET else None)
    found: list[Any] = []
    if search.is_bound and search.is_valid():
        found = selectors.children_search(
            actor=request.user,
            forename=search.cleaned_data["forename"],
            surname=search.cleaned_data["surname"],
            dob=search.cleaned_data["dob"],
        )
    pupil = selectors.pupil_for(
        actor=request.user, pk=request.GET.get("child", "") or request.POST.get("child", "")
    )
    form = EscalationForm(request.POST or None)
    if request.method == "POST":
        if pupil is None:
            form.add_error(None, "Find and choose the child the concern is about")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                escalation = services.escalation_raise(
                    actor=request.user,
                    pupil=pupil,
                    other_organisation=data["other_organisation"],
                    theme=data["theme"],
                    decision=data["decision"],
                    concern=data["concern"],
                )
            except ValidationError as error:
                place_errors(form, error)
            else:
                messages.success(request, f"Concern {escalation.reference} recorded")
                return redirect("assurance:escalation", pk=escalation.pk)
    return render(
        request,
        "assurance/escalation_new.html",
        {"search": search, "found": found, "pupil": pupil, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.ESCALATE)
def escalation(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.escalation_for(actor=request.user, pk=pk)
    may_respond = policies.can_respond_escalation(request.user, found)
    may_decide = policies.can_decide_escalation(request.user, found)
    respond = RespondForm(request.POST if request.POST.get("step") == "respond" else None)
    decide = DecideForm(request.POST if request.POST.get("step") == "decide" else None)
    if request.method == "POST":
        step = request.POST.get("step")
        if (step == "respond" and not may_respond) or (step == "decide" and not may_decide):
            raise Http404
        try:
            if step == "respond" and respond.is_valid():
                services.escalation_respond(
                    actor=request.user, escalation=found, response=respond.cleaned_data["response"]
                )
                messages.success(request, "Your agency's answer is recorded")
                return redirect("assurance:escalation", pk=found.pk)
            if step == "decide" and decide.is_valid():
                data = decide.cleaned_data
                if data["outcome"] == rules.OUTCOME_RESOLVED:
                    services.escalation_resolve(
                        actor=request.user, escalation=found, note=data["note"]
                    )
                    messages.success(request, "The concern is resolved")
                else:
                    services.escalation_escalate(
                        actor=request.user, escalation=found, note=data["note"]
                    )
                    messages.success(request, "The concern is escalated to the next stage")
                return redirect("assurance:escalation", pk=found.pk)
        except ValidationError as error:
            place_errors(decide if step == "decide" else respond, error)
    stages = list(found.stages.select_related("responded_by", "closed_by"))
    current = next((s for s in stages if s.number == found.stage), None)
    return render(
        request,
        "assurance/escalation.html",
        {
            "escalation": found,
            "stages": stages,
            "current": current,
            "respond": respond if may_respond and current and not current.responded_at else None,
            "decide": decide if may_decide else None,
            "may_escalate": rules.may_escalate(stage=found.stage, status=found.status),
        },
        status=400 if request.method == "POST" else 200,
    )


@capability_required(Cap.FIGURES)
def escalation_figures(request: HttpRequest) -> HttpResponse:
    figures = rules.escalation_figures(selectors.escalation_facts())
    stage_rows = [(rules.STAGES[n], figures.resolved_at[n]) for n in rules.STAGES]
    theme_rows = [(rules.THEMES[key], count) for key, count in figures.themes.items()]
    return render(
        request,
        "assurance/escalation_figures.html",
        {
            "figures": figures,
            "stage_rows": stage_rows,
            "theme_rows": theme_rows,
            "stage_chart": charts.data_uri(
                charts.bar_chart(rows=stage_rows, title="Concerns resolved, by stage")
            ),
            "stage_alt": charts.describe(rows=stage_rows, title="Concerns resolved, by stage"),
            "theme_chart": charts.data_uri(
                charts.bar_chart(rows=theme_rows, title="What concerns were about")
            ),
            "theme_alt": charts.describe(rows=theme_rows, title="What concerns were about"),
        },
    )


urlpatterns = [
    path("escalations", escalations, name="escalations"),
    path("escalations/new", escalation_new, name="escalation_new"),
    path("escalations/figures", escalation_figures, name="escalation_figures"),
    path("escalations/<int:pk>", escalation, name="escalation"),
]
