"""Record a past case: the Business Unit enters a case from before Safeguard with its real dates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.reviews.forms import PastCaseForm, child_forms, place_child_errors
from safeguard.reviews.policies import Cap
from safeguard.reviews.services.past_cases import past_case_record
from safeguard.reviews.views.cases import _error_items


@capability_required(Cap.MANAGE)
def past_case(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = PastCaseForm(data)
    children = child_forms(data)
    if request.method == "POST" and form.is_valid() & all([c.is_valid() for c in children]):
        organisation = form.cleaned_data["referring_organisation"]
        try:
            if organisation is None:
                raise ValidationError(
                    {"referring_organisation": "Choose the organisation that referred the case"}
                )
            incident, created = past_case_record(
                actor=request.user,
                sender_reference=form.cleaned_data["sender_reference"],
                referring_organisation=organisation,
                values=form.referral_values(),
                children=[c.details() for c in children if not c.is_blank()],
                steps=form.steps(),
                agencies=form.cleaned_data["agencies_involved"],
            )
        except ValidationError as error:
            form.add_rule_errors(
                place_child_errors(children, {k: v[0] for k, v in error.message_dict.items()})
            )
        else:
            if created:
                messages.success(request, f"Past case {incident.reference} recorded")
            else:
                messages.info(
                    request,
                    f"That reference was recorded before, as {incident.reference}:"
                    " nothing new was recorded",
                )
            return redirect("reviews:case", pk=incident.pk)
    return render(
        request,
        "reviews/past_case_form.html",
        {"form": form, "children": children, "error_items": _error_items(form, children)},
    )


urlpatterns = [path("past-cases/new", past_case, name="past_case")]
