"""An agency's reporting forms: the list of those asked of it, and one form to answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.child_deaths import policies
from safeguard.child_deaths.forms import ReportingFormForm
from safeguard.child_deaths.policies import Cap
from safeguard.child_deaths.selectors import deaths as selectors
from safeguard.child_deaths.services.reporting import form_return
from safeguard.child_deaths.views._common import place_errors
from safeguard.core.http import capability_required


@capability_required(Cap.REPORT)
def forms_list(request: HttpRequest) -> HttpResponse:
    found = selectors.forms_for(actor=request.user).order_by("returned_at", "due_on", "pk")
    return render(
        request,
        "child_deaths/forms.html",
        {"forms": found[:300], "is_team": policies.is_team(request.user)},
    )


@capability_required(Cap.REPORT)
def reporting_form(request: HttpRequest, pk: int) -> HttpResponse:
    asked = selectors.form_for(actor=request.user, pk=pk)
    initial = {
        "involvement": asked.involvement,
        "concerns": asked.concerns,
        "supplementary_kind": asked.supplementary_kind,
        "poverty": asked.poverty,
        "barriers": asked.barriers,
        "barrier_kinds": asked.barrier_kinds,
        "barriers_detail": asked.barriers_detail,
    }
    for code, value in (asked.supplementary or {}).items():
        initial[f"q_{asked.supplementary_kind}_{code}"] = value
    answerable = policies.can_answer_form(request.user, asked)
    if request.method == "POST" and not answerable:
        raise Http404  # the review is complete: the form is kept as it was
    form = ReportingFormForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data["supplementary_kind"]
        try:
            form_return(
                actor=request.user,
                form=asked,
                involvement=data["involvement"],
                concerns=data["concerns"],
                poverty=data["poverty"],
                barriers=data["barriers"],
                barrier_kinds=data["barrier_kinds"],
                barriers_detail=data["barriers_detail"],
                supplementary_kind=kind,
                supplementary=form.answers(),
            )
        except ValidationError as error:
            own = {"involvement", "poverty", "barriers", "barrier_kinds"}
            renames = {name: f"q_{kind}_{name}" for name in error.message_dict if name not in own}
            place_errors(form, error, fields=renames)
        else:
            messages.success(
                request, "Your reporting form was sent to the Child Death Overview Panel"
            )
            return redirect("child_deaths:forms")
    return render(
        request,
        "child_deaths/reporting_form.html",
        {"form": form, "asked": asked, "answerable": answerable},
    )


urlpatterns = [
    path("forms", forms_list, name="forms"),
    path("forms/<int:pk>", reporting_form, name="reporting_form"),
]
