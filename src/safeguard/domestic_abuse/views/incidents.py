"""One incident: its adults (every read audited), DASH versions, history; the DASH form, the
MARAC referral form, and confirming or splitting a link between two adult records."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core import audit
from safeguard.core.http import capability_required
from safeguard.domestic_abuse import policies, rules
from safeguard.domestic_abuse.forms import DashForm, LinkForm, ReferralForm
from safeguard.domestic_abuse.models import Incident, ReferralSource
from safeguard.domestic_abuse.policies import Cap
from safeguard.domestic_abuse.selectors import board as selectors
from safeguard.domestic_abuse.services import incidents as services
from safeguard.domestic_abuse.services.marac import referral_make
from safeguard.domestic_abuse.services.people import link_decide
from safeguard.domestic_abuse.views._common import apply_errors, refuse


def _incident(request: HttpRequest, pk: int) -> Incident:
    found = selectors.incidents_for(request.user).filter(pk=pk).first()
    if found is None:
        raise refuse(request.user, selectors.INCIDENT, pk)
    return found


@capability_required(Cap.BOARD)
def incident_page(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    audit.record_view(actor=request.user, record_type=selectors.INCIDENT, record_id=incident.pk)
    adults = list(incident.adults.all())
    linked = {
        adult.pk: selectors.linked_records(actor=request.user, adult=adult) for adult in adults
    }
    return render(
        request,
        "domestic_abuse/incident.html",
        {
            "incident": incident,
            "adults": [(a, linked[a.pk]) for a in adults],
            "dashes": list(incident.dashes.all()),
            "changes": selectors.adult_changes(incident),
            "referrals": list(incident.referrals.select_related("meeting__sitting")),
            "level_labels": rules.LEVEL_LABELS,
            "link_form": LinkForm(),
            "may_link": policies.may_link(request.user),
        },
    )


@capability_required(Cap.BOARD)
def dash_page(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    latest = incident.dashes.first()
    initial = dict(latest.answers) if latest else {}
    form = DashForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dash = services.dash_record(
                actor=request.user,
                organisation=request.user.organisation,  # type: ignore[union-attr]
                incident=incident,
                answers=form.answers(),
                judgement=form.cleaned_data["judgement"],
                judgement_reason=form.cleaned_data["judgement_reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            label = rules.LEVEL_LABELS[rules.Level(dash.level)]
            messages.success(request, f"DASH saved: {dash.yes_count} yes, {label.lower()} risk")
            return redirect("domestic_abuse:incident", pk=incident.pk)
    return render(request, "domestic_abuse/dash.html", {"incident": incident, "form": form})


@capability_required(Cap.MARAC)
def refer_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An agency refers the victim to the MARAC directly, with its DASH."""
    if not policies.may_refer(request.user):
        raise PermissionDenied
    incident = _incident(request, pk)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_make(
                actor=request.user,
                incident=incident,
                source=ReferralSource.AGENCY,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Referred to the MARAC")
            return redirect("domestic_abuse:referral", pk=referral.pk)
    return render(request, "domestic_abuse/refer.html", {"incident": incident, "form": form})


@capability_required(Cap.BOARD)
def link_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or split two adult records (POST from the incident page)."""
    if not policies.may_link(request.user):
        raise PermissionDenied
    adult = selectors.adult_for(actor=request.user, pk=pk)
    if adult is None:
        raise refuse(request.user, selectors.ADULT, pk)
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Only a record this person may see can be linked to: the same message either way.
        other = selectors.adult_for(actor=request.user, pk=form.cleaned_data["other"])
        if other is None:
            form.add_error("other", "There is no adult record with that number")
        else:
            try:
                link_decide(
                    actor=request.user,
                    left=adult,
                    right=other,
                    same=form.cleaned_data["same"] == "yes",
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Link decision recorded")
                return redirect("domestic_abuse:incident", pk=adult.incident_id)
    return render(request, "domestic_abuse/link.html", {"adult": adult, "form": form})


urlpatterns = [
    path("incidents/<int:pk>/", incident_page, name="incident"),
    path("incidents/<int:pk>/dash/", dash_page, name="dash"),
    path("incidents/<int:pk>/refer/", refer_page, name="refer"),
    path("adults/<int:pk>/link/", link_page, name="link"),
]
