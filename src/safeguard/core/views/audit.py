"""Placeholder: replaced by the real pages for this area."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.core.roles import Capability


@capability_required(Capability.VIEW_AUDIT)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


urlpatterns = [path("audit", index, name="audit")]
