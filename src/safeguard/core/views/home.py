from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from safeguard.core.http import capability_required, public
from safeguard.core.roles import Capability


@capability_required(Capability.USE_SERVICE)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


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
