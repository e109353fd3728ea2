"""A group's page of the service navigation: the links a person may open under one heading.

Someone with many entries (the Business Unit has about thirty) sees one entry per group in the
header; each leads here. The page lists only what the person may open (``navigation``'s own
rule), so typing another group's address shows nothing they could not already reach.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from safeguard.core import navigation
from safeguard.core.http import capability_required
from safeguard.core.roles import Capability


@capability_required(Capability.USE_SERVICE)
@require_GET
def menu(request: HttpRequest, group: str) -> HttpResponse:
    found = navigation.group_by_slug(group)
    if found is None:
        raise Http404("no such section")
    return render(
        request,
        "core/menu/group.html",
        {"group": found, "links": navigation.group_links(request.user, found)},
    )


urlpatterns = [
    path("menu/<slug:group>", menu, name="menu"),
]
