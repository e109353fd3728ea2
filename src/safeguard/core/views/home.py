from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from safeguard.core import policies, work
from safeguard.core.http import capability_required, public
from safeguard.core.roles import Capability


@capability_required(Capability.USE_SERVICE)
def home(request: HttpRequest) -> HttpResponse:
    """Where a person lands: what waits for them, each count linking to the list behind it."""
    sections = work.work_for(request.user)
    return render(
        request,
        "core/home.html",
        {
            "due": next((s for s in sections if s.name == work.DEADLINES), None),
            "sections": [s for s in sections if s.name != work.DEADLINES],
            "sees_deadlines": policies.can(request.user, Capability.VIEW_DEADLINES),
        },
    )


@public
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers; 503 otherwise. Says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
]
