"""The training needs analysis, and each organisation's booking approval setting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.core.models import Organisation
from safeguard.training import selectors, services
from safeguard.training.forms import (
    ApprovalSettingForm,
    NeedsAnswerForm,
    NeedsSurveyForm,
    add_service_errors,
)
from safeguard.training.models import OrganisationSetting
from safeguard.training.policies import Cap


@capability_required(Cap.MANAGE)
def needs(request: HttpRequest) -> HttpResponse:
    form = NeedsSurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.needs_survey_send(
                actor=request.user,
                title=form.cleaned_data["title"],
                closes_on=form.cleaned_data["closes_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The needs analysis is sent to every organisation")
            return redirect("training:needs_summary", pk=survey.pk)
    return render(
        request, "training/needs.html", {"form": form, "surveys": selectors.needs_surveys()}
    )


@capability_required(Cap.MANAGE)
def needs_summary(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.needs_survey_get(pk=pk)
    return render(
        request,
        "training/needs_summary.html",
        {"survey": survey, "summary": selectors.needs_summary(survey=survey)},
    )


@capability_required(Cap.BOOK)
def needs_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone of an organisation answers for it; the latest answer stands."""
    survey = selectors.needs_survey_get(pk=pk)
    mine = selectors.needs_answer_of(actor=request.user, survey=survey)
    initial = None
    if mine is not None:
        initial = {
            "courses": list(mine.courses.values_list("pk", flat=True)),
            "other_needs": mine.other_needs,
            "people": mine.people,
            "preferred_mode": mine.preferred_mode,
            "trainers_offered": mine.trainers_offered,
        }
    form = NeedsAnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        courses = list(data.pop("courses"))
        try:
            services.needs_answer_save(
                actor=request.user, survey=survey, values=data, courses=courses
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your organisation's answer is saved")
            return redirect("training:catalogue")
    return render(
        request,
        "training/needs_answer.html",
        {"form": form, "survey": survey, "answered": mine is not None},
    )


@capability_required(Cap.MANAGE)
def approval_settings(request: HttpRequest) -> HttpResponse:
    """Every active organisation, and whether its bookings wait for an approver."""
    settings_by_org = {
        s.organisation_id: s
        for s in OrganisationSetting.objects.select_related("approver").filter(
            approval_required=True
        )
    }
    rows = [
        (organisation, settings_by_org.get(organisation.pk))
        for organisation in Organisation.objects.filter(active=True)
    ]
    return render(request, "training/approval_settings.html", {"rows": rows})


@capability_required(Cap.MANAGE)
def approval_setting(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    current = OrganisationSetting.objects.filter(organisation=organisation).first()
    initial = {
        "approval_required": bool(current and current.approval_required),
        "approver": current.approver_id if current else None,
    }
    form = ApprovalSettingForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_setting_save(
                actor=request.user,
                organisation=organisation,
                approval_required=form.cleaned_data["approval_required"],
                approver=form.cleaned_data["approver"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Booking approval saved")
            return redirect("training:approval_settings")
    return render(
        request, "training/approval_setting.html", {"form": form, "organisation": organisation}
    )


urlpatterns = [
    path("needs", needs, name="needs"),
    path("needs/<int:pk>", needs_summary, name="needs_summary"),
    path("needs/<int:pk>/answer", needs_answer, name="needs_answer"),
    path("organisations", approval_settings, name="approval_settings"),
    path("organisations/<int:pk>/approval", approval_setting, name="approval_setting"),
]
