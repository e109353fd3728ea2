"""The LA's notification decision: a sensitive action, so it asks for the second factor again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required, sensitive
from safeguard.reviews import policies
from safeguard.reviews.forms import DecisionForm
from safeguard.reviews.policies import Cap
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.services.decisions import incident_decide


def _yes_no(value: str) -> bool | None:
    return None if not value else value == "yes"


@capability_required(Cap.DECIDE)
@sensitive
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    if not policies.can_decide(request.user, incident):
        raise Http404
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = incident_decide(
                actor=request.user,
                incident=incident,
                decision=data["decision"],
                rationale=data["rationale"],
                panel_notified_on=data["panel_notified_on"],
                panel_reference=data["panel_reference"],
                looked_after=_yes_no(data["looked_after"]),
                regulated_setting=_yes_no(data["regulated_setting"]),
                require_setting_answers=True,
                ofsted_notified_on=data["ofsted_notified_on"],
                secretary_of_state_notified_on=data["secretary_of_state_notified_on"],
            )
        except ValidationError as error:
            form.add_rule_errors({k: v[0] for k, v in error.message_dict.items()})
        else:
            messages.success(
                request,
                f"Decision recorded on {incident.reference}. All statutory partners have been"
                " told.",
            )
            return redirect("reviews:case", pk=incident.pk)
    return render(request, "reviews/decide.html", {"form": form, "incident": incident})


urlpatterns = [path("cases/<int:pk>/decision", decide, name="decide")]
