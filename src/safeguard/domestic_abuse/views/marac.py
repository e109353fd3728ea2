"""The MARAC: the fortnightly meetings, each meeting's list, a referral with each agency's
research and the outcome."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.http import capability_required
from safeguard.core.models.audit import AuditAction
from safeguard.domestic_abuse import policies
from safeguard.domestic_abuse.forms import ActionForm, AdultWomenForm, OutcomeForm, ResearchForm
from safeguard.domestic_abuse.models import AdultWomenPopulation, Agency
from safeguard.domestic_abuse.policies import Cap
from safeguard.domestic_abuse.selectors import marac as selectors
from safeguard.domestic_abuse.services.marac import (
    ACTION_SOURCE,
    REFERRAL,
    marac_action_add,
    outcome_record,
    research_record,
)
from safeguard.domestic_abuse.services.population import adult_women_set
from safeguard.domestic_abuse.views._common import apply_errors, day_from, refuse
from safeguard.governance import policies as meeting_policies
from safeguard.governance.selectors.actions import actions_of_source


def _member(request: HttpRequest) -> None:
    if not policies.is_marac_member(request.user):
        audit.record(
            action=AuditAction.DENIED,
            record_type="page",
            actor=request.user,
            detail="not a member",
        )
        raise PermissionDenied


@capability_required(Cap.MARAC)
def meetings_page(request: HttpRequest) -> HttpResponse:
    _member(request)
    today = london_date(timezone.now())
    held = {
        m.held_on: m.referral_count  # type: ignore[attr-defined]  # annotated by the selector
        for m in selectors.meetings_with_referrals()[:26]
    }
    upcoming = selectors.upcoming_meetings(start=today)
    return render(
        request,
        "domestic_abuse/meetings.html",
        {
            "upcoming": [(d, held.get(d, 0)) for d in upcoming],
            "past": [(d, n) for d, n in sorted(held.items(), reverse=True) if d < today],
            "measures": selectors.marac_measures(end=today),
        },
    )


@capability_required(Cap.MARAC)
def meeting_page(request: HttpRequest, day: str) -> HttpResponse:
    _member(request)
    when = day_from(day)
    rows = selectors.meeting_list(actor=request.user, held_on=when)
    meeting = selectors.meeting_on(when)
    # The meeting's attendance, papers and minutes are governance's: linked when it opens.
    sitting_link = (
        reverse("governance:meeting", kwargs={"pk": meeting.sitting_id})
        if meeting is not None and meeting_policies.may_view_meeting(request.user, meeting.sitting)
        else ""
    )
    return render(
        request,
        "domestic_abuse/meeting.html",
        {"day": when, "referrals": rows, "sitting_link": sitting_link},
    )


@capability_required(Cap.MARAC)
def referral_page(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_for(actor=request.user, pk=pk)
    if referral is None:
        raise refuse(request.user, REFERRAL, pk)
    audit.record_view(actor=request.user, record_type=REFERRAL, record_id=referral.pk)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    research_form = ResearchForm(request.POST if which == "research" else None)
    outcome_form = OutcomeForm(request.POST if which == "outcome" else None)
    agencies = [
        a.organisation for a in Agency.objects.filter(on_marac=True).select_related("organisation")
    ] + [
        a.organisation
        for a in Agency.objects.filter(on_marac=False, on_dramm=True).select_related("organisation")
    ]
    action_form = ActionForm(request.POST if which == "action" else None, agencies=agencies)
    if which and not policies.may_research(request.user):
        raise PermissionDenied
    try:
        if which == "research" and research_form.is_valid():
            research_record(
                actor=request.user,
                referral=referral,
                findings=research_form.cleaned_data["findings"],
            )
            messages.success(request, "Research saved")
            return redirect("domestic_abuse:referral", pk=referral.pk)
        if which == "outcome" and outcome_form.is_valid():
            outcome_record(
                actor=request.user, referral=referral, outcome=outcome_form.cleaned_data["outcome"]
            )
            messages.success(request, "Outcome saved")
            return redirect("domestic_abuse:referral", pk=referral.pk)
        if which == "action" and action_form.is_valid():
            data = action_form.cleaned_data
            marac_action_add(
                actor=request.user,
                referral=referral,
                title=data["title"],
                owner=next(o for o in agencies if str(o.pk) == data["owner"]),
                due_on=data["due_on"],
            )
            messages.success(request, "Action added to the shared action plan")
            return redirect("domestic_abuse:referral", pk=referral.pk)
    except ValidationError as error:
        forms = {"research": research_form, "outcome": outcome_form, "action": action_form}
        apply_errors(forms[which], error)
    return render(
        request,
        "domestic_abuse/referral.html",
        {
            "referral": referral,
            "adults": list(referral.incident.adults.all()),
            "research": list(referral.research.select_related("organisation", "recorded_by")),
            "research_form": research_form,
            "outcome_form": outcome_form,
            "action_form": action_form,
            "may_open_actions": meeting_policies.may_open_action_pages(request.user),
            "actions": list(
                actions_of_source(source_kind=ACTION_SOURCE, source_ids=[str(referral.pk)])
            ),
        },
    )


@capability_required(Cap.MANAGE)
def adult_women_page(request: HttpRequest) -> HttpResponse:
    """The Business Unit sets the area's women aged 16 and over: the MARAC volume's population,
    on the scorecard and the MARAC page alike."""
    form = AdultWomenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adult_women_set(
                actor=request.user,
                figure=form.cleaned_data["figure"],
                year=form.cleaned_data["year"],
                source=form.cleaned_data["source"] or "",
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The number of women aged 16 and over is saved")
            return redirect("domestic_abuse:adult_women")
    return render(
        request,
        "domestic_abuse/adult_women.html",
        {
            "form": form,
            "settings": AdultWomenPopulation.objects.select_related("set_by")[:10],
        },
    )


urlpatterns = [
    path("marac/adult-women/", adult_women_page, name="adult_women"),
    path("marac/", meetings_page, name="marac"),
    path("marac/<str:day>/", meeting_page, name="marac_meeting"),
    path("marac/referrals/<int:pk>/", referral_page, name="referral"),
]
