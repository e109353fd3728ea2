"""Inspection reports, task-and-finish groups and multi-agency audits: the Business Unit
enters them and adds each recommendation or agreed action to the plan with its owner."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.governance import policies
from safeguard.governance.forms import ActionForm, GroupForm, InspectionForm, add_service_errors
from safeguard.governance.models import Inspection, NamedSource
from safeguard.governance.policies import Cap
from safeguard.governance.selectors import actions as action_selectors
from safeguard.governance.selectors import own_sources as selectors
from safeguard.governance.services import actions as action_services
from safeguard.governance.services import own_sources as services


def _form(request: HttpRequest, form_class: Any, **kwargs: Any) -> Any:
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def _page(request: HttpRequest, form: Any, *, title: str, button: str, back: str) -> HttpResponse:
    return render(
        request,
        "governance/form.html",
        {"form": form, "title": title, "button": button, "back": back},
    )


@capability_required(Cap.SEE_ALL)
def inspections(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/sources.html",
        {
            "title": "Inspection reports",
            "records": selectors.inspections(),
            "kind_of": lambda record: record.get_kind_display(),
            "link_name": "governance:inspection",
            "add_name": "governance:inspection_add",
            "add_label": "Enter an inspection report",
            "may_manage": policies.may_manage_sources(request.user),
            "inspection": True,
        },
    )


@capability_required(Cap.MANAGE)
def inspection_add(request: HttpRequest) -> HttpResponse:
    form = _form(request, InspectionForm)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Inspection report entered. Add its recommendations.")
            return redirect("governance:inspection", pk=inspection.pk)
    return _page(
        request,
        form,
        title="Enter an inspection report",
        button="Save the report",
        back="governance:inspections",
    )


@capability_required(Cap.SEE_ALL)
def groups(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/sources.html",
        {
            "title": "Task-and-finish groups and multi-agency audits",
            "records": selectors.named_sources(),
            "link_name": "governance:group",
            "add_name": "governance:group_add",
            "add_label": "Name a group or audit",
            "may_manage": policies.may_manage_sources(request.user),
            "inspection": False,
        },
    )


@capability_required(Cap.MANAGE)
def group_add(request: HttpRequest) -> HttpResponse:
    form = _form(request, GroupForm)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved. Add its actions.")
            return redirect("governance:group", pk=group.pk)
    return _page(
        request, form, title="Name a group or audit", button="Save", back="governance:groups"
    )


def _source_page(
    request: HttpRequest, *, record: Any, kind: str, kind_label: str, add_name: str, back: str
) -> HttpResponse:
    return render(
        request,
        "governance/source.html",
        {
            "record": record,
            "kind_label": kind_label,
            "actions": action_selectors.actions_of_source(
                source_kind=kind, source_ids=[str(record.pk)]
            ),
            "may_add": policies.may_create(
                request.user, source_kind=kind, source_id=str(record.pk)
            ),
            "add_name": add_name,
            "back": back,
        },
    )


def _inspection(pk: int) -> Inspection:
    inspection = selectors.inspections().filter(pk=pk).first()
    if inspection is None:
        raise Http404
    return inspection


def _group(pk: int) -> NamedSource:
    group = selectors.named_sources().filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


@capability_required(Cap.SEE_ALL)
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    record = _inspection(pk)
    return _source_page(
        request,
        record=record,
        kind=selectors.INSPECTION,
        kind_label=record.get_kind_display(),
        add_name="governance:inspection_action_add",
        back="governance:inspections",
    )


@capability_required(Cap.SEE_ALL)
def group(request: HttpRequest, pk: int) -> HttpResponse:
    record = _group(pk)
    return _source_page(
        request,
        record=record,
        kind=selectors.source_kind_of_group(record),
        kind_label=record.get_kind_display(),
        add_name="governance:group_action_add",
        back="governance:groups",
    )


def _add_action(
    request: HttpRequest, *, record: Any, kind: str, title: str, source_title: str, back: str
) -> HttpResponse:
    if not policies.may_create(request.user, source_kind=kind, source_id=str(record.pk)):
        raise Http404
    form = _form(request, ActionForm)
    if request.method == "POST" and form.is_valid():
        try:
            action_services.action_create(
                actor=request.user,
                source_kind=kind,
                source_id=record.pk,
                source_title=source_title,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added to the action plan. The owner has been told.")
            return redirect(back, pk=record.pk)
    return render(
        request,
        "governance/form.html",
        {
            "form": form,
            "title": title,
            "button": "Add to the action plan",
            "back": back,
            "back_pk": record.pk,
            "caption": str(record),
        },
    )


@capability_required(Cap.MANAGE)
def inspection_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = _inspection(pk)
    return _add_action(
        request,
        record=record,
        kind=selectors.INSPECTION,
        title="Add a recommendation",
        source_title=f"{record.get_kind_display()}, {record.reported_on:%B %Y}",
        back="governance:inspection",
    )


@capability_required(Cap.MANAGE)
def group_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = _group(pk)
    return _add_action(
        request,
        record=record,
        kind=selectors.source_kind_of_group(record),
        title="Add an action",
        source_title=record.name,
        back="governance:group",
    )


urlpatterns = [
    path("inspections", inspections, name="inspections"),
    path("inspections/add", inspection_add, name="inspection_add"),
    path("inspections/<int:pk>", inspection, name="inspection"),
    path("inspections/<int:pk>/actions/add", inspection_action_add, name="inspection_action_add"),
    path("groups", groups, name="groups"),
    path("groups/add", group_add, name="group_add"),
    path("groups/<int:pk>", group, name="group"),
    path("groups/<int:pk>/actions/add", group_action_add, name="group_action_add"),
]
