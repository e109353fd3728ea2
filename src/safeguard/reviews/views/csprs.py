"""The CSPR pages: the review, commissioning and progress, the final report and its sending to
the Panel and the Secretary of State, publication or the decision not to publish."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core import holidays
from safeguard.core.http import capability_required
from safeguard.reviews import policies, rules
from safeguard.reviews.forms import (
    CsprForm,
    PublishForm,
    ReportForm,
    ReportSentForm,
    add_service_errors,
)
from safeguard.reviews.models import Cspr, CsprReport, Incident
from safeguard.reviews.policies import Cap
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.services.csprs import (
    cspr_publish,
    cspr_record,
    cspr_report_attach,
    cspr_report_sent,
)


@capability_required(Cap.USE)
def cspr(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    found = Cspr.objects.filter(incident=incident).first()
    report = CsprReport.objects.filter(cspr=found).defer("content").first() if found else None
    earliest = (
        rules.earliest_publication(found.report_sent_on, holidays.calendar())
        if found and found.report_sent_on
        else None
    )
    return render(
        request,
        "reviews/cspr.html",
        {
            "incident": incident,
            "cspr": found,
            "report": report,
            "earliest_publication": earliest,
            "clocks": [
                c
                for c in case_selectors.clocks_of(incident)
                if c.kind in ("cspr_publication", "cspr_report")
            ],
            "can_manage": policies.can_manage(request.user, incident) and incident.status == "cspr",
        },
    )


def _initial(found: Cspr | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        name: getattr(found, name)
        for name in (
            "reviewer",
            "terms_of_reference",
            "commissioned_on",
            "initiated_on",
            "joint_with",
            "progress",
        )
    }


@capability_required(Cap.MANAGE)
def cspr_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    if not policies.can_manage(request.user, incident):
        raise Http404
    found = Cspr.objects.filter(incident=incident).first()
    data = request.POST if request.method == "POST" else None
    form = CsprForm(data, initial=_initial(found))
    if request.method == "POST" and form.is_valid():
        try:
            cspr_record(actor=request.user, incident=incident, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "CSPR saved")
            return redirect("reviews:cspr", pk=incident.pk)
    return render(
        request,
        "reviews/cspr_form.html",
        {"form": form, "incident": incident, "title": "Commission the CSPR", "button": "Save"},
    )


def _managed(request: HttpRequest, pk: int) -> Incident:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    if not policies.can_manage(request.user, incident):
        raise Http404
    return incident


@capability_required(Cap.MANAGE)
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _managed(request, pk)
    data = request.POST if request.method == "POST" else None
    form = PublishForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            cspr_publish(actor=request.user, incident=incident, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Publication recorded")
            return redirect("reviews:cspr", pk=incident.pk)
    return render(
        request,
        "reviews/cspr_form.html",
        {
            "form": form,
            "incident": incident,
            "title": "Publication of the final report",
            "button": "Save",
        },
    )


@capability_required(Cap.MANAGE)
def report_attach(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _managed(request, pk)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["report"]
        try:
            cspr_report_attach(
                actor=request.user,
                incident=incident,
                name=upload.name or "",
                content=upload.read(rules.REPORT_MAX_BYTES + 1),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Final report attached")
            return redirect("reviews:cspr", pk=incident.pk)
    return render(
        request,
        "reviews/cspr_form.html",
        {
            "form": form,
            "incident": incident,
            "title": "Attach the final report",
            "button": "Attach",
            "multipart": True,
        },
    )


@capability_required(Cap.USE)
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The report, to those who may read the case; never cached, never shown inline."""
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    report = CsprReport.objects.filter(cspr__incident=incident).first()
    if report is None:
        raise Http404
    response = HttpResponse(bytes(report.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@capability_required(Cap.MANAGE)
def report_sent(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _managed(request, pk)
    form = ReportSentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cspr_report_sent(
                actor=request.user, incident=incident, sent_on=form.cleaned_data["sent_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Recorded as sent to the Panel and the Secretary of State")
            return redirect("reviews:cspr", pk=incident.pk)
    return render(
        request,
        "reviews/cspr_form.html",
        {
            "form": form,
            "incident": incident,
            "title": "Send the final report to the Panel and the Secretary of State",
            "button": "Save",
        },
    )


urlpatterns = [
    path("cases/<int:pk>/cspr", cspr, name="cspr"),
    path("cases/<int:pk>/cspr/edit", cspr_edit, name="cspr_edit"),
    path("cases/<int:pk>/cspr/publish", publish, name="cspr_publish"),
    path("cases/<int:pk>/cspr/report", report_attach, name="cspr_report"),
    path("cases/<int:pk>/cspr/report/download", report_download, name="cspr_report_download"),
    path("cases/<int:pk>/cspr/report/sent", report_sent, name="cspr_report_sent"),
]
