"""The Rapid Review pages: the review, agency requests, findings, sign-off, Panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.reviews import policies, rules
from safeguard.reviews.forms import (
    AgencyAnswerForm,
    AgencyRequestForm,
    FindingsForm,
    PanelResponseForm,
    SubmitForm,
    add_service_errors,
)
from safeguard.reviews.models import Incident, RapidReview
from safeguard.reviews.policies import Cap
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.selectors import learning as learning_selectors
from safeguard.reviews.selectors import work as work_selectors
from safeguard.reviews.services import rapid_reviews as rr
from safeguard.reviews.services._common import today


def _review(request: HttpRequest, pk: int) -> tuple[Incident, RapidReview]:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    review = RapidReview.objects.filter(incident=incident).first()
    if review is None:
        raise Http404
    return incident, review


@capability_required(Cap.USE)
def rapid_review(request: HttpRequest, pk: int) -> HttpResponse:
    incident, review = _review(request, pk)
    user = request.user
    requests = list(review.requests.select_related("organisation"))
    return render(
        request,
        "reviews/rapid_review.html",
        {
            "incident": incident,
            "review": review,
            "requests": requests,
            # A request's page opens only for the asked agency and the Business Unit, while the
            # review is open: the other RAG members see the agency's name without a link.
            "answerable": {
                asked.pk
                for asked in requests
                if policies.can_answer_request(user, incident, asked.organisation_id)
            },
            "sign_offs": list(review.sign_offs.select_related("organisation", "signed_by")),
            "waiting_for": rr.missing_sign_offs(review),
            "meetings": list(incident.meetings.filter(kind="rapid_review")),
            "criteria": [rules.REGULATION_11_CRITERIA[c] for c in review.regulation_11_criteria],
            "can_manage": policies.can_manage(user, incident),
            "can_sign_off": policies.can_sign_off(user, incident),
            "is_open": incident.status == "rapid_review",
        },
    )


def _form_page(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.Form],
    template: str,
    act: Callable[[Incident, dict[str, Any]], Any],
    done: str,
    initial: Callable[[RapidReview], dict[str, Any]] | None = None,
    for_incident: bool = False,
    context: Callable[[Incident], dict[str, Any]] | None = None,
) -> HttpResponse:
    incident, review = _review(request, pk)
    if not policies.can_manage(request.user, incident):
        raise Http404
    data = request.POST if request.method == "POST" else None
    extra: dict[str, Any] = {"incident": incident} if for_incident else {}
    form = form_class(data, initial=initial(review) if initial else None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            act(incident, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("reviews:rapid_review", pk=incident.pk)
    page = {"form": form, "incident": incident, "review": review}
    if context is not None:
        page.update(context(incident))
    return render(request, template, page)


@capability_required(Cap.MANAGE)
def request_add(request: HttpRequest, pk: int) -> HttpResponse:
    def act(incident: Incident, data: dict[str, Any]) -> Any:
        return rr.agency_request_add(
            actor=request.user,
            incident=incident,
            organisation=data["organisation"],
            due_on=data["due_on"],
        )

    return _form_page(
        request,
        pk,
        form_class=AgencyRequestForm,
        template="reviews/rr_request_add.html",
        act=act,
        done="Information requested. The agency has been told.",
        for_incident=True,
    )


def _findings_initial(review: RapidReview) -> dict[str, Any]:
    recommended = review.cspr_recommended
    return {
        "immediate_actions": review.immediate_actions,
        "learning": review.learning,
        "cspr_recommended": "" if recommended is None else ("yes" if recommended else "no"),
        "regulation_11_criteria": review.regulation_11_criteria,
        "cspr_rationale": review.cspr_rationale,
        "lived_experience": review.lived_experience,
        "race_ethnicity_culture": review.race_ethnicity_culture,
    }


@capability_required(Cap.MANAGE)
def findings(request: HttpRequest, pk: int) -> HttpResponse:
    def act(incident: Incident, data: dict[str, Any]) -> Any:
        choice = data["cspr_recommended"]
        return rr.rapid_review_record(
            actor=request.user,
            incident=incident,
            immediate_actions=data["immediate_actions"],
            learning=data["learning"],
            cspr_recommended=None if not choice else choice == "yes",
            regulation_11_criteria=data["regulation_11_criteria"],
            cspr_rationale=data["cspr_rationale"],
            lived_experience=data["lived_experience"],
            race_ethnicity_culture=data["race_ethnicity_culture"],
        )

    return _form_page(
        request,
        pk,
        form_class=FindingsForm,
        template="reviews/rr_findings.html",
        act=act,
        done="Rapid Review findings saved",
        initial=_findings_initial,
        context=lambda incident: {
            "earlier": list(learning_selectors.earlier_learning(incident=incident)),
        },
    )


@capability_required(Cap.MANAGE)
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    def act(incident: Incident, data: dict[str, Any]) -> Any:
        return rr.rapid_review_submit(
            actor=request.user, incident=incident, submitted_on=data["submitted_on"]
        )

    return _form_page(
        request,
        pk,
        form_class=SubmitForm,
        template="reviews/rr_submit.html",
        act=act,
        done="Rapid Review recorded as submitted to the Panel",
    )


@capability_required(Cap.MANAGE)
def panel_response(request: HttpRequest, pk: int) -> HttpResponse:
    def act(incident: Incident, data: dict[str, Any]) -> Any:
        return rr.panel_response_record(
            actor=request.user,
            incident=incident,
            response=data["response"],
            responded_on=data["responded_on"],
            comments=data["comments"],
        )

    return _form_page(
        request,
        pk,
        form_class=PanelResponseForm,
        template="reviews/rr_panel_response.html",
        act=act,
        done="The Panel's response is recorded",
    )


@capability_required(Cap.SIGN_OFF)
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    incident, review = _review(request, pk)
    if not policies.can_sign_off(request.user, incident):
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        try:
            rr.rapid_review_sign_off(actor=request.user, incident=incident)
        except ValidationError as error:
            errors = [m for ms in error.message_dict.values() for m in ms]
        else:
            messages.success(request, "Signed off for your organisation")
            return redirect("reviews:rapid_review", pk=incident.pk)
    return render(
        request,
        "reviews/rr_sign_off.html",
        {
            "incident": incident,
            "review": review,
            "error_items": [{"anchor": "", "message": e} for e in errors],
        },
    )


@capability_required(Cap.USE)
def agency_request(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    """The asked agency's answer. Open to the agency's own people, who need not see the case."""
    asked = work_selectors.agency_request_for(actor=request.user, pk=pk, request_pk=request_pk)
    incident = asked.rapid_review.incident
    data = request.POST if request.method == "POST" else None
    form = AgencyAnswerForm(
        data, initial={"summary": asked.summary, "chronology": asked.chronology}
    )
    sees_case = policies.can_see_case(request.user, incident)
    if request.method == "POST" and form.is_valid():
        try:
            rr.agency_request_receive(
                actor=request.user,
                request=asked,
                summary=form.cleaned_data["summary"],
                chronology=form.cleaned_data["chronology"],
                received_on=form.cleaned_data["received_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Agency information recorded")
            if sees_case:
                return redirect("reviews:rapid_review", pk=incident.pk)
            return redirect("reviews:agency_requests")
    return render(
        request,
        "reviews/rr_request.html",
        {"form": form, "incident": incident, "asked": asked, "sees_case": sees_case},
    )


@capability_required(Cap.USE)
def agency_requests(request: HttpRequest) -> HttpResponse:
    """The Rapid Review information asked of the person's organisation (all, for the Business
    Unit), with what is still to send first."""
    return render(
        request,
        "reviews/agency_requests.html",
        {
            "requests": list(work_selectors.agency_requests_for(request.user)[:200]),
            "today": today(),
        },
    )


urlpatterns = [
    path("cases/<int:pk>/rapid-review", rapid_review, name="rapid_review"),
    path("agency-requests", agency_requests, name="agency_requests"),
    path("cases/<int:pk>/rapid-review/requests/add", request_add, name="rr_request_add"),
    path(
        "cases/<int:pk>/rapid-review/requests/<int:request_pk>",
        agency_request,
        name="rr_request",
    ),
    path("cases/<int:pk>/rapid-review/findings", findings, name="rr_findings"),
    path("cases/<int:pk>/rapid-review/sign-off", sign_off, name="rr_sign_off"),
    path("cases/<int:pk>/rapid-review/submit", submit, name="rr_submit"),
    path("cases/<int:pk>/rapid-review/panel-response", panel_response, name="rr_panel_response"),
]
