"""The partnership action plan: every action the person may see, filtered, and as CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from safeguard.core import holidays
from safeguard.core.clock import WorkingCalendar, london_date
from safeguard.core.http import capability_required, sensitive
from safeguard.governance import policies, rules, sources
from safeguard.governance.forms import PlanFilterForm
from safeguard.governance.models import Action, ActionStatus
from safeguard.governance.policies import Cap
from safeguard.governance.selectors import actions as selectors

PER_PAGE = 50


@dataclass(frozen=True)
class Row:
    action: Action
    source_label: str
    source_link: str | None
    overdue_days: int | None
    overdue: bool


def _filtered(request: HttpRequest) -> tuple[PlanFilterForm, QuerySet[Action], date]:
    form = PlanFilterForm(request.GET or None)
    found = selectors.visible_actions(request.user)
    on = london_date(timezone.now())
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["source"]:
            found = found.filter(source_kind=data["source"])
        if data["owner"] is not None:
            found = found.filter(owner_organisation=data["owner"])
        if data["status"] == "open":
            found = found.filter(status__in=rules.OPEN_STATUSES)
        elif data["status"]:
            found = found.filter(status=data["status"])
        if data["overdue"] == "yes":
            found = found.filter(status__in=rules.OPEN_STATUSES, due_on__lt=on)
    return form, found.order_by("due_on", "pk"), on


def _row(
    actor: Any,
    action: Action,
    on: date,
    calendar: WorkingCalendar,
    *,
    with_link: bool = True,
    page_links: dict[tuple[str, str], str | None] | None = None,
) -> Row:
    """One line of the plan. The source's link (which asks the source) only where it is shown:
    on the page, not in the CSV. ``page_links`` holds the links of the page's rows the actor
    may follow, read once for the page (``_page_links``), so a page is not a read per row."""
    key = (action.source_kind, action.source_id)
    if page_links is not None:
        source_link = page_links.get(key) if with_link else None
    else:
        entitled = with_link and sources.may_view(action.source_kind, actor, action.source_id)
        source_link = sources.link(action.source_kind, action.source_id) if entitled else None
    overdue = rules.is_overdue(status=action.status, due_on=action.due_on, today=on)
    return Row(
        action=action,
        source_label=sources.label(action.source_kind),
        source_link=source_link,
        overdue_days=(
            selectors.working_days_overdue(action, today=on, calendar=calendar) if overdue else 0
        ),
        overdue=overdue,
    )


def _page_links(actor: Any, actions: list[Action]) -> dict[tuple[str, str], str | None]:
    """The source links of a page of actions that the actor may follow, a read per kind."""
    allowed = sources.viewable(actor, [(a.source_kind, a.source_id) for a in actions])
    by_kind: dict[str, list[str]] = {}
    for kind, source_id in allowed:
        by_kind.setdefault(kind, []).append(source_id)
    found: dict[tuple[str, str], str | None] = {}
    for kind, ids in by_kind.items():
        for source_id, link in sources.links_of(kind, ids).items():
            found[(kind, source_id)] = link
    return found


@capability_required(Cap.USE)
def plan(request: HttpRequest) -> HttpResponse:
    form, found, on = _filtered(request)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    calendar = holidays.calendar()
    actions = list(page.object_list)
    page_links = _page_links(request.user, actions)
    return render(
        request,
        "governance/plan.html",
        {
            "form": form,
            "page": page,
            "rows": [
                _row(request.user, action, on, calendar, page_links=page_links)
                for action in actions
            ],
            "query": query.urlencode(),
            "sees_all": policies.sees_all(request.user),
            "may_manage_sources": policies.may_manage_sources(request.user),
        },
    )


def _status(action: Action) -> str:
    return str(ActionStatus(action.status).label)


@capability_required(Cap.USE)
@sensitive
def plan_csv(request: HttpRequest) -> HttpResponse:
    """The plan as filtered, for the spreadsheet a subgroup still wants: no personal data."""
    _, found, on = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="action-plan-{on:%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Action",
            "Source",
            "From",
            "Owner organisation",
            "Due",
            "Status",
            "Overdue (working days)",
            "Completed",
            "Evidence of completion",
            "Withdrawn",
            "Reason withdrawn",
        ]
    )
    calendar = holidays.calendar()
    for action in found.iterator(chunk_size=500):
        row = _row(request.user, action, on, calendar, with_link=False)
        writer.writerow(
            _safe(
                action.title,
                row.source_label,
                action.source_title,
                action.owner_organisation.name,
                _day(action.due_on),
                _status(action),
                row.overdue_days if row.overdue and row.overdue_days is not None else "",
                _day(action.completed_on),
                action.completion_evidence,
                _day(action.withdrawn_on),
                action.withdrawal_reason,
            )
        )
    return response


def _safe(*cells: object) -> list[object]:
    """Text a spreadsheet would run as a formula is quoted (CSV injection)."""
    return [
        f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell
        for cell in cells
    ]


def _day(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


urlpatterns = [
    path("actions", plan, name="plan"),
    path("actions.csv", plan_csv, name="plan_csv"),
]
