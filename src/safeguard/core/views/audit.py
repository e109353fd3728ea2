"""Pages of the audit trail for the data protection officer: search, one record, one person.

Thin HTTP: parse the search, call a selector (which checks the capability and records the read
of the trail), render. Searches travel in the query string as ids and codes only.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from safeguard.core.forms.audit import AuditSearchForm
from safeguard.core.http import capability_required
from safeguard.core.models import AuditEvent
from safeguard.core.models.audit import AuditAction
from safeguard.core.roles import Capability
from safeguard.core.selectors import audit as selectors

PER_PAGE = 50
ACTION_LABELS = dict(AuditAction.choices)


def _rows(request: HttpRequest, events: QuerySet[AuditEvent]) -> dict[str, Any]:
    """One page of events with who acted, and what the page links need."""
    page: Page[AuditEvent] = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    found = list(page.object_list)
    actors = selectors.actors_of(actor=request.user, events=found)
    rows = [
        {
            "event": event,
            "actor": actors[event.seq],
            "action": ACTION_LABELS.get(event.action, event.action),
            "changed": sorted(event.changes) if isinstance(event.changes, dict) else [],
        }
        for event in found
    ]
    return {
        "page": page,
        "rows": rows,
    }


@require_GET
@capability_required(Capability.VIEW_AUDIT)
def index(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "core/audit/index.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    search = selectors.AuditSearch(
        record_type=data.get("record_type") or "",
        record_id=data.get("record_id") or "",
        person_id=data.get("person_id"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        action=data.get("action") or "",
    )
    context.update(_rows(request, selectors.audit_search(actor=request.user, search=search)))
    return render(request, "core/audit/index.html", context)


@require_GET
@capability_required(Capability.VIEW_AUDIT)
def record(request: HttpRequest, record_type: str, record_id: str) -> HttpResponse:
    events = selectors.record_history(
        actor=request.user, record_type=record_type, record_id=record_id
    )
    context = {"record_type": record_type, "record_id": record_id, **_rows(request, events)}
    return render(request, "core/audit/record.html", context)


@require_GET
@capability_required(Capability.VIEW_AUDIT)
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    events = selectors.person_activity(actor=request.user, person_id=person_id)
    someone = selectors.person_label(actor=request.user, person_id=person_id)
    return render(request, "core/audit/person.html", {"someone": someone, **_rows(request, events)})


urlpatterns = [
    path("audit", index, name="audit"),
    # A record id is an id, but a slash in one must not break the link (path, not str).
    path("audit/record/<str:record_type>/<path:record_id>", record, name="audit_record"),
    path("audit/person/<int:person_id>", person, name="audit_person"),
]
