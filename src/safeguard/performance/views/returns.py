"""Returns: what my organisation owes, the form for one value, and the upload of a file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.http import capability_required
from safeguard.performance import policies, selectors
from safeguard.performance.forms import ReturnForm, UploadForm, add_service_errors
from safeguard.performance.importers.returns_file import COLUMNS, read_upload
from safeguard.performance.services.returns import (
    ImportRefused,
    observation_submit,
    observations_import,
)


@capability_required(policies.SUBMIT_RETURN)
def returns(request: HttpRequest) -> HttpResponse:
    today = london_date(timezone.now())
    return render(
        request,
        "performance/returns.html",
        {
            "due": selectors.returns_outstanding(actor=request.user, today=today),
            "indicators": selectors.submittable_indicators(actor=request.user),
        },
    )


@capability_required(policies.SUBMIT_RETURN)
def return_submit(request: HttpRequest) -> HttpResponse:
    indicators = selectors.submittable_indicators(actor=request.user)
    initial = {}
    if request.method == "GET":
        initial = {k: request.GET[k] for k in ("indicator", "period") if k in request.GET}
    form = ReturnForm(request.POST or None, indicators=indicators, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observation_submit(
                actor=request.user,
                indicator=data["indicator"],
                period_start=data["period_start"],
                value=data["value_number"],
                narrative=data["narrative"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            form.add_error("indicator", "Your organisation does not own this indicator")
        else:
            messages.success(request, "Return saved")
            return redirect("performance:indicator_detail", pk=data["indicator"].pk)
    return render(request, "performance/return_form.html", {"form": form})


@capability_required(policies.SUBMIT_RETURN)
def return_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_upload(upload.name or "", upload, upload.size or 0)
            saved = observations_import(actor=request.user, rows=rows)
        except ImportRefused as refused:
            problems = refused.errors
            form.add_error(
                "file",
                f"The file was not imported: {len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''}, listed below. Nothing was changed.",
            )
        else:
            messages.success(request, f"{saved} value{'s' if saved != 1 else ''} imported")
            return redirect("performance:returns")
    return render(
        request,
        "performance/return_upload.html",
        {"form": form, "problems": problems, "columns": COLUMNS},
    )


urlpatterns = [
    path("returns", returns, name="returns"),
    path("returns/submit", return_submit, name="return_submit"),
    path("returns/upload", return_upload, name="return_upload"),
]
