"""Recommendations and actions of a case, and closing the case."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.governance.models import Action
from safeguard.reviews import policies, rules
from safeguard.reviews.forms import (
    ActionForm,
    ActionUpdateForm,
    ActionWithdrawForm,
    RecommendationForm,
    add_service_errors,
)
from safeguard.reviews.models import Incident, Recommendation, Status
from safeguard.reviews.policies import Cap
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.services import actions as services
from safeguard.reviews.services._common import today


@capability_required(Cap.USE)
def action_plan(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    case_actions = services.actions_of_case(incident)
    recommendations = [
        (r, [a for a in case_actions if a.source_id == str(r.pk)])
        for r in incident.recommendations.all()
    ]
    user = request.user
    on = today()
    return render(
        request,
        "reviews/actions.html",
        {
            "incident": incident,
            "recommendations": recommendations,
            "can_manage": policies.can_manage(user, incident)
            and incident.status in services.WITH_RECOMMENDATIONS,
            "can_close": policies.can_manage(user, incident) and incident.status == "actions",
            "can_correct": policies.can_manage(user, incident) and incident.status != "closed",
            "overdue": {
                a.pk
                for a in case_actions
                if rules.action_is_overdue(status=a.status, due_on=a.due_on, today=on)
            },
            "may_update": {
                a.pk
                for a in case_actions
                if policies.can_update_action(user, incident, a.owner_organisation_id)
            },
        },
    )


@capability_required(Cap.MANAGE)
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    if not policies.can_manage(request.user, incident):
        raise Http404
    form = RecommendationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_add(
                actor=request.user, incident=incident, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Recommendation added")
            return redirect("reviews:actions", pk=incident.pk)
    return render(
        request,
        "reviews/actions_form.html",
        {"form": form, "incident": incident, "title": "Add a recommendation", "button": "Add"},
    )


@capability_required(Cap.MANAGE)
def action_add(request: HttpRequest, pk: int, recommendation_pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    recommendation = Recommendation.objects.filter(pk=recommendation_pk, incident=incident).first()
    if recommendation is None or not policies.can_manage(request.user, incident):
        raise Http404
    form = ActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_add(
                actor=request.user, recommendation=recommendation, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action added. The owner organisation has been told.")
            return redirect("reviews:actions", pk=incident.pk)
    return render(
        request,
        "reviews/actions_form.html",
        {
            "form": form,
            "incident": incident,
            "title": "Add an action",
            "button": "Add action",
            "recommendation": recommendation,
        },
    )


@capability_required(Cap.CONTRIBUTE)
def action_update(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    incident, action = _action_of_case(
        request,
        pk,
        action_pk,
        may=lambda incident, action: policies.can_update_action(
            request.user, incident, action.owner_organisation_id
        ),
    )
    form = ActionUpdateForm(
        request.POST if request.method == "POST" else None,
        initial={
            "status": action.status,
            "evidence_of_completion": action.completion_evidence,
            "evidence_of_impact": action.evidence_of_impact,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action updated")
            return redirect("reviews:actions", pk=incident.pk)
    return render(
        request,
        "reviews/actions_form.html",
        {
            "form": form,
            "incident": incident,
            "title": "Update the action",
            "button": "Save",
            "action": action,
        },
    )


def _action_of_case(
    request: HttpRequest,
    pk: int,
    action_pk: int,
    *,
    may: Callable[[Incident, Action], bool],
    open_only: bool = False,
) -> tuple[Incident, Action]:
    """The case's action that this person may act on, or 404 with the refusal audited."""
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    ids = [str(r) for r in incident.recommendations.values_list("pk", flat=True)]
    actions = Action.objects.filter(pk=action_pk, source_kind=services.SOURCE, source_id__in=ids)
    if open_only:
        actions = actions.filter(status__in=services.OPEN)
    action = actions.select_related("owner_organisation", "owner_person").first()
    if action is None or not may(incident, action):
        case_selectors.refused(request.user, services.ACTION, action_pk)
        raise Http404
    return incident, action


def _action_to_correct(request: HttpRequest, pk: int, action_pk: int) -> tuple[Incident, Action]:
    """An open action of an open case, for the Business Unit to change or withdraw."""
    return _action_of_case(
        request,
        pk,
        action_pk,
        open_only=True,
        may=lambda incident, action: (
            policies.can_manage(request.user, incident) and incident.status != Status.CLOSED
        ),
    )


@capability_required(Cap.MANAGE)
def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    incident, action = _action_to_correct(request, pk, action_pk)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "description": services.action_text(action),
            "owner_organisation": action.owner_organisation,
            "due_on": action.due_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_edit(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action changed")
            return redirect("reviews:actions", pk=incident.pk)
    return render(
        request,
        "reviews/actions_form.html",
        {
            "form": form,
            "incident": incident,
            "title": "Change the action",
            "button": "Save changes",
            "action": action,
        },
    )


@capability_required(Cap.MANAGE)
def action_withdraw(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    incident, action = _action_to_correct(request, pk, action_pk)
    form = ActionWithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_withdraw(
                actor=request.user, action=action, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action withdrawn")
            return redirect("reviews:actions", pk=incident.pk)
    return render(
        request,
        "reviews/actions_form.html",
        {
            "form": form,
            "incident": incident,
            "title": "Withdraw the action",
            "button": "Withdraw action",
            "action": action,
        },
    )


@capability_required(Cap.MANAGE)
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    if not policies.can_manage(request.user, incident):
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.case_close(actor=request.user, incident=incident)
        except ValidationError as error:
            errors = [m for ms in error.message_dict.values() for m in ms]
        else:
            messages.success(request, f"Case {incident.reference} closed")
            return redirect("reviews:case", pk=incident.pk)
    return render(
        request,
        "reviews/case_close.html",
        {"incident": incident, "error_items": [{"anchor": "", "message": e} for e in errors]},
    )


urlpatterns = [
    path("cases/<int:pk>/actions", action_plan, name="actions"),
    path("cases/<int:pk>/recommendations/add", recommendation_add, name="recommendation_add"),
    path(
        "cases/<int:pk>/recommendations/<int:recommendation_pk>/actions/add",
        action_add,
        name="action_add",
    ),
    path("cases/<int:pk>/actions/<int:action_pk>", action_update, name="action_update"),
    path("cases/<int:pk>/actions/<int:action_pk>/edit", action_edit, name="action_edit"),
    path(
        "cases/<int:pk>/actions/<int:action_pk>/withdraw", action_withdraw, name="action_withdraw"
    ),
    path("cases/<int:pk>/close", case_close, name="case_close"),
]
