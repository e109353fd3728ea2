"""The "what is due" page: every module's clocks in one list, narrowed to what one may see."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from safeguard.core import deadline_rules
from safeguard.core.clock import LONDON, is_end_of_day
from safeguard.core.forms.deadlines import DeadlineFilterForm
from safeguard.core.http import capability_required
from safeguard.core.roles import Capability
from safeguard.core.selectors import deadlines as selectors

PAGE_SIZE = 50

TAG_COLOURS = {
    deadline_rules.OVERDUE: "govuk-tag--red",
    deadline_rules.PENDING: "govuk-tag--blue",
    deadline_rules.MET: "govuk-tag--green",
    deadline_rules.MET_LATE: "govuk-tag--orange",
}


def _due_text(deadline: Any) -> str:
    local = deadline.due_at.astimezone(LONDON)
    if is_end_of_day(deadline.due_at):
        return f"{local.day} {local:%B %Y}"
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _internal_link(link: str) -> str:
    """Only a path inside the service becomes a link: never another site, never a script."""
    return link if link.startswith("/") and not link.startswith("//") else ""


@capability_required(Capability.VIEW_DEADLINES)
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = DeadlineFilterForm(request.GET or None, actor=request.user)
    filters = form.filters()
    deadlines = selectors.deadlines_for(actor=request.user, now=now, **filters)
    counts = selectors.state_counts(
        actor=request.user,
        now=now,
        group_id=filters["group_id"],
        organisation_id=filters["organisation_id"],
        owner_id=filters["owner_id"],
    )
    page = Paginator(deadlines, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "deadline": deadline,
            "due": _due_text(deadline),
            "link": _internal_link(deadline.link),
            "state_label": deadline_rules.LABELS[deadline.state],
            "state_colour": TAG_COLOURS[deadline.state],
        }
        for deadline in page.object_list
    ]
    kept = [k for k, v in request.GET.items() if k != "page" and v]
    return render(
        request,
        "core/deadlines/index.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": [
                {
                    "state": state,
                    "label": deadline_rules.LABELS[state],
                    "count": counts[state],
                    "colour": TAG_COLOURS[state],
                }
                for state in deadline_rules.STATES
            ],
            "total": sum(counts.values()),
            "filtered": bool(kept),
        },
    )


urlpatterns = [path("deadlines", index, name="deadlines")]
