"""The progress page of a background job: what it is doing, what it found, what it gave."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone

from safeguard.core.http import capability_required
from safeguard.core.models import Job
from safeguard.core.roles import Capability
from safeguard.core.selectors import jobs as selectors

REFRESH_SECONDS = 3


def how_long(seconds: float) -> str:
    """A duration as a person says it: "45 seconds", "3 minutes 12 seconds", "1 hour 5 minutes"."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)

    def part(count: int, unit: str) -> str:
        return f"{count} {unit}{'' if count == 1 else 's'}"

    if hours:
        return part(hours, "hour") + (f" {part(minutes, 'minute')}" if minutes else "")
    if minutes:
        return part(minutes, "minute") + (f" {part(secs, 'second')}" if secs else "")
    return part(secs, "second")


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
            "stage_for": how_long((timezone.now() - found.stage_started_at).total_seconds())
            if found.stage_started_at and not found.done
            else "",
            "silent_for": how_long((timezone.now() - found.heartbeat_at).total_seconds())
            if found.heartbeat_at and not found.done
            else "",
        },
    )


urlpatterns = [path("jobs/<int:pk>", job, name="job")]
