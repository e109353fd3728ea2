"""The partnership's priorities: the list, one priority with its evidence and progress, and the
pages that set a priority, link evidence and record progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.governance import policies
from safeguard.governance.forms import (
    EvidenceForm,
    PriorityForm,
    PriorityProgressForm,
    add_service_errors,
)
from safeguard.governance.policies import PriorityCap
from safeguard.governance.selectors import priorities as selectors
from safeguard.governance.services import priorities as services


@capability_required(PriorityCap.VIEW)
def priority_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/priorities.html",
        {
            "rows": [(p, list(p.updates.all())[-1:]) for p in selectors.priorities()],
            "may_manage": policies.may_manage_priorities(request.user),
        },
    )


@capability_required(PriorityCap.VIEW)
def priority_detail(request: HttpRequest, pk: int) -> HttpResponse:
    priority = selectors.priority_for(actor=request.user, pk=pk)
    return render(
        request,
        "governance/priority.html",
        {
            "priority": priority,
            "evidence": selectors.evidence_lines(actor=request.user, priority=priority),
            "updates": list(priority.updates.all()),
            "may_manage": policies.may_manage_priorities(request.user),
            "may_update": policies.may_update_priority(request.user, priority),
        },
    )


def _form_page(request: HttpRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, "governance/form.html", {"form": form, **context})


@capability_required(PriorityCap.MANAGE)
def priority_add(request: HttpRequest) -> HttpResponse:
    form = PriorityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.priority_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Priority set. Link its evidence.")
            return redirect("governance:priority", pk=priority.pk)
    return _form_page(
        request,
        form,
        title="Set a priority",
        button="Save the priority",
        back="governance:priorities",
    )


@capability_required(PriorityCap.MANAGE)
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    priority = selectors.priority_for(actor=request.user, pk=pk)
    form = EvidenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(actor=request.user, priority=priority, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Evidence linked.")
            return redirect("governance:priority", pk=priority.pk)
    return _form_page(
        request,
        form,
        title="Link evidence",
        caption=priority.title,
        button="Link the evidence",
        back="governance:priority",
        back_pk=priority.pk,
    )


@capability_required(PriorityCap.VIEW)
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    priority = selectors.priority_for(actor=request.user, pk=pk)
    if not policies.may_update_priority(request.user, priority):
        raise PermissionDenied
    form = PriorityProgressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_record(actor=request.user, priority=priority, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Progress recorded.")
            return redirect("governance:priority", pk=priority.pk)
    return _form_page(
        request,
        form,
        title="Record progress",
        caption=priority.title,
        button="Save the update",
        back="governance:priority",
        back_pk=priority.pk,
    )


urlpatterns = [
    path("priorities", priority_list, name="priorities"),
    path("priorities/add", priority_add, name="priority_add"),
    path("priorities/<int:pk>", priority_detail, name="priority"),
    path("priorities/<int:pk>/evidence", evidence_add, name="priority_evidence"),
    path("priorities/<int:pk>/progress", progress_add, name="priority_progress"),
]
