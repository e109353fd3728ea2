"""The daily DRAMM board, its decisions, and closing it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from safeguard.core import audit, holidays
from safeguard.core.clock import london_date
from safeguard.core.http import capability_required
from safeguard.core.models import Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.domestic_abuse import policies, rules
from safeguard.domestic_abuse.forms import CloseForm, DecisionForm
from safeguard.domestic_abuse.models import Agency, Decision
from safeguard.domestic_abuse.policies import Cap
from safeguard.domestic_abuse.selectors import board as selectors
from safeguard.domestic_abuse.services.board import board_close, decision_record
from safeguard.domestic_abuse.views._common import apply_errors, day_from, refuse


def _member(request: HttpRequest) -> None:
    if not policies.is_dramm_member(request.user):
        audit.record(
            action=AuditAction.DENIED,
            record_type="page",
            actor=request.user,
            detail="not a member",
        )
        raise PermissionDenied


def _agencies() -> list[Organisation]:
    return [
        a.organisation for a in Agency.objects.filter(on_dramm=True).select_related("organisation")
    ]


@capability_required(Cap.BOARD)
def board_page(request: HttpRequest, day: str) -> HttpResponse:
    _member(request)
    when = day_from(day)
    calendar = holidays.calendar()
    cases = selectors.board_for(actor=request.user, day=when)
    decisions = {
        d.incident_id: d
        for d in Decision.objects.filter(incident__in=[c.incident for c in cases]).prefetch_related(
            "agreed_by"
        )
    }
    first, last = (
        rules.received_days(when, calendar)
        if calendar.is_working_day(when)
        else (
            None,
            None,
        )
    )
    return render(
        request,
        "domestic_abuse/board.html",
        {
            "day": when,
            "working_day": calendar.is_working_day(when),
            "received_from": first,
            "received_to": last,
            "cases": [(case, decisions.get(case.incident.pk)) for case in cases],
            "undecided": sum(1 for c in cases if c.incident.pk not in decisions),
            "board": selectors.board_record(when),
            "previous": when - timedelta(days=1),
            "next": when + timedelta(days=1),
            "criterion_labels": rules.CRITERION_LABELS,
        },
    )


@capability_required(Cap.BOARD)
def decide_page(request: HttpRequest, pk: int) -> HttpResponse:
    _member(request)
    incident = selectors.incidents_for(request.user).filter(pk=pk).first()
    if incident is None:
        raise refuse(request.user, selectors.INCIDENT, pk)
    agencies = _agencies()
    form = DecisionForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision_record(
                actor=request.user,
                incident=incident,
                outcome=data["outcome"],
                rationale=data["rationale"],
                agreed_by=[o for o in agencies if str(o.pk) in data["agreed_by"]],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Decision recorded")
            return redirect(
                reverse("domestic_abuse:board", kwargs={"day": incident.board_day.isoformat()})
            )
    return render(request, "domestic_abuse/decide.html", {"incident": incident, "form": form})


@capability_required(Cap.BOARD)
def close_page(request: HttpRequest, day: str) -> HttpResponse:
    _member(request)
    when = day_from(day)
    people = list(
        Person.objects.filter(
            is_active=True,
            organisation__da_agency__on_dramm=True,
            role_assignments__role__in=["police_officer", "practitioner"],
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "full_name")
    )
    form = CloseForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            board_close(
                actor=request.user,
                day=when,
                attendees=[p for p in people if str(p.pk) in form.cleaned_data["attendees"]],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Board closed")
            return redirect("domestic_abuse:board", day=when.isoformat())
    return render(request, "domestic_abuse/close.html", {"day": when, "form": form})


@capability_required(Cap.BOARD)
def board_today(request: HttpRequest) -> HttpResponseBase:
    """Today's board on a working day; otherwise the next working day's."""
    _member(request)
    today = london_date(timezone.now())
    calendar = holidays.calendar()
    day = today if calendar.is_working_day(today) else calendar.next_working_day(today)
    return board_page(request, day.isoformat())


urlpatterns = [
    path("board/", board_today, name="board_today"),
    path("board/<str:day>/", board_page, name="board"),
    path("board/<str:day>/close/", close_page, name="board_close"),
    path("incidents/<int:pk>/decide/", decide_page, name="decide"),
]
