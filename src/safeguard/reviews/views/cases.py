"""The cases list, one case, and the referral form (new, draft, submit)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.reviews import policies, rules
from safeguard.reviews.forms import ReferralForm, child_forms, place_child_errors
from safeguard.reviews.models import Incident, Status
from safeguard.reviews.policies import Cap
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.services._common import today
from safeguard.reviews.services.referrals import referral_save_draft, referral_submit


@capability_required(Cap.USE)
def cases(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    found = case_selectors.cases_for(actor=request.user, status=status or None)
    return render(
        request,
        "reviews/cases.html",
        {
            "cases": found[:200],
            "statuses": Status.choices,
            "status": status,
            "can_refer": policies.can(request.user, Cap.REFER),
            "sees_every_case": policies.sees_every_case(request.user),
            "can_oversee": policies.can(request.user, Cap.VIEW_OVERSIGHT),
            "can_record_past": policies.can(request.user, Cap.MANAGE),
        },
    )


@capability_required(Cap.USE)
def case(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    if incident.status == Status.DRAFT:
        return redirect("reviews:draft", pk=incident.pk)
    return render(request, "reviews/case.html", case_selectors.case_context(request.user, incident))


def _error_items(form: ReferralForm, children: list[Any]) -> list[dict[str, Any]]:
    items = []
    for name, errors in form.errors.items():
        anchor = form[name].auto_id if name in form.fields else ""
        items += [{"anchor": anchor, "message": e} for e in errors]
    for child in children:
        for name, errors in child.errors.items():
            anchor = child[name].auto_id if name in child.fields else ""
            items += [{"anchor": anchor, "message": e} for e in errors]
    return items


def _initial(incident: Incident | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if incident is None:
        return {}, []
    values = {
        name: getattr(incident, name)
        for name in ReferralForm.base_fields
        if name != "agencies_involved"
    }
    values["agencies_involved"] = list(incident.agencies_involved.all())
    children = [
        {
            "full_name": c.full_name,
            "date_of_birth": c.date_of_birth,
            "gender": c.gender,
            "ethnicity": c.ethnicity,
            "address": c.address,
            "identifiers": c.identifiers,
        }
        for c in incident.children.all()
    ]
    return values, children


def _referral_page(request: HttpRequest, incident: Incident | None) -> HttpResponse:
    initial, initial_children = _initial(incident)
    data = request.POST if request.method == "POST" else None
    form = ReferralForm(data, initial=initial)
    children = child_forms(data, initial_children)
    if request.method == "POST":
        valid = form.is_valid() & all([c.is_valid() for c in children])
        if valid:
            values = {k: v for k, v in form.cleaned_data.items() if k != "agencies_involved"}
            named = [c.details() for c in children if not c.is_blank()]
            submitting = request.POST.get("action") == "submit"
            check = rules.submission_errors if submitting else rules.draft_errors
            errors = check(values=values, children=named, today=today())
            if errors:
                form.add_rule_errors(place_child_errors(children, errors))
            else:
                try:
                    incident = referral_save_draft(
                        actor=request.user,
                        values=values,
                        children=named,
                        agencies=form.cleaned_data["agencies_involved"],
                        incident=incident,
                    )
                    if submitting:
                        incident = referral_submit(actor=request.user, incident=incident)
                except ValidationError as error:
                    form.add_rule_errors(
                        place_child_errors(
                            children, {k: v[0] for k, v in error.message_dict.items()}
                        )
                    )
                else:
                    if submitting:
                        messages.success(
                            request,
                            f"Referral {incident.reference} submitted. The Independent Chair,"
                            " the Business Unit and the RAG have been told.",
                        )
                        return redirect("reviews:case", pk=incident.pk)
                    messages.success(request, f"Draft {incident.reference} saved")
                    return redirect("reviews:draft", pk=incident.pk)
    return render(
        request,
        "reviews/referral_form.html",
        {
            "form": form,
            "children": children,
            "incident": incident,
            "error_items": _error_items(form, children),
        },
    )


@capability_required(Cap.REFER)
def refer(request: HttpRequest) -> HttpResponse:
    return _referral_page(request, None)


@capability_required(Cap.REFER)
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_page(request, case_selectors.draft_for(actor=request.user, pk=pk))


urlpatterns = [
    path("", cases, name="cases"),
    path("refer", refer, name="refer"),
    path("drafts/<int:pk>", draft, name="draft"),
    path("cases/<int:pk>", case, name="case"),
]
