"""Partners' contributions and the meetings of a case."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.core.models import Organisation
from safeguard.reviews import policies
from safeguard.reviews.forms import ContributionForm, MeetingForm
from safeguard.reviews.policies import Cap
from safeguard.reviews.selectors import cases as case_selectors
from safeguard.reviews.services.discussion import contribution_add, meeting_record

LONDON = ZoneInfo("Europe/London")


def _add_errors(form, error: ValidationError) -> None:  # type: ignore[no-untyped-def]
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@capability_required(Cap.CONTRIBUTE)
def contribute(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    if not policies.can_contribute(request.user, incident):
        raise Http404
    on_behalf = policies.can(request.user, Cap.MANAGE)
    form = ContributionForm(
        request.POST if request.method == "POST" else None,
        organisations=Organisation.objects.filter(active=True)
        if on_behalf
        else Organisation.objects.none(),
        meetings=incident.meetings.all(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if on_behalf and data["organisation"] is None:
            form.add_error("organisation", "Choose the organisation that gave this contribution")
        else:
            try:
                contribution_add(
                    actor=request.user,
                    incident=incident,
                    information=data["information"],
                    opinion=data["opinion"],
                    organisation=data["organisation"],
                    meeting=data["meeting"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Contribution added")
                return redirect("reviews:case", pk=incident.pk)
    return render(
        request,
        "reviews/contribute.html",
        {"form": form, "incident": incident, "on_behalf": on_behalf},
    )


@capability_required(Cap.MANAGE)
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    if not policies.can_manage(request.user, incident):
        raise Http404
    form = MeetingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_record(actor=request.user, incident=incident, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Meeting recorded. The RAG and the Chair have been told.")
            return redirect("reviews:case", pk=incident.pk)
    return render(request, "reviews/meeting_form.html", {"form": form, "incident": incident})


@capability_required(Cap.MANAGE)
def meeting_edit(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """Record the minutes (and any change to the date or the invited) after the meeting."""
    incident = case_selectors.case_for(actor=request.user, pk=pk)
    meeting = incident.meetings.filter(pk=meeting_pk).first()
    if meeting is None or not policies.can_manage(request.user, incident):
        raise Http404
    initial = {
        "kind": meeting.kind,
        "held_on": meeting.held_on,
        "starts": meeting.sitting.starts_at.astimezone(LONDON).time(),
        "invited_professionals": meeting.invited_professionals,
        "minutes": meeting.minutes,
    }
    form = MeetingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_record(
                actor=request.user, incident=incident, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Meeting updated")
            return redirect("reviews:case", pk=incident.pk)
    return render(request, "reviews/meeting_form.html", {"form": form, "incident": incident})


urlpatterns = [
    path("cases/<int:pk>/contribute", contribute, name="contribute"),
    path("cases/<int:pk>/meetings/add", meeting_add, name="meeting_add"),
    path("cases/<int:pk>/meetings/<int:meeting_pk>", meeting_edit, name="meeting_edit"),
]
