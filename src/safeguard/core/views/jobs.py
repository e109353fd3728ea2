"""The progress page of a background job: what it is doing, what it found, what it gave."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.core.models import Job
from safeguard.core.roles import Capability
from safeguard.core.selectors import jobs as selectors

REFRESH_SECONDS = 3


@capability_required(Capability.USE_SERVICE)
def job(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = selectors.job_detail(actor=request.user, pk=pk)
    except Job.DoesNotExist:
        raise Http404("No such job") from None
    result = (
        render_to_string(found.result_template, {"job": found, **found.result}, request=request)
        if found.result_template and found.state == "succeeded"
        else ""
    )
    return render(
        request,
        "core/jobs/job.html",
        {
            "job": found,
            "result": result,
            "refresh_seconds": None if found.done else REFRESH_SECONDS,
        },
    )


urlpatterns = [path("jobs/<int:pk>", job, name="job")]
