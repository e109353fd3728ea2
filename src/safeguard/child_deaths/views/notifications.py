"""Notify a child death (any agency) and the notifier's acknowledgement."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.child_deaths.forms import NotifyForm, moment
from safeguard.child_deaths.policies import Cap
from safeguard.child_deaths.selectors import deaths as selectors
from safeguard.child_deaths.services.notifications import NotifiedDeath, notification_receive
from safeguard.child_deaths.views._common import place_errors
from safeguard.core.http import capability_required
from safeguard.core.models import Person


@capability_required(Cap.NOTIFY)
def notify(request: HttpRequest) -> HttpResponse:
    form = NotifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = NotifiedDeath(
            full_name=data["full_name"],
            born_on=data["born_on"],
            died_at=moment(data["died_on"], data["died_time"]),
            place=data["place"],
            expected=data["expected"],
            gender=data["gender"],
            nhs_number=data["nhs_number"],
            ethnicity=data["ethnicity"],
            home_postcode=data["home_postcode"],
            place_detail=data["place_detail"],
            what_is_known=data["what_is_known"],
            suspected_home_stillbirth=data["suspected_home_stillbirth"],
        )
        try:
            person = request.user
            assert isinstance(person, Person)  # capability_required: signed in
            notification, _ = notification_receive(
                actor=person, organisation=person.organisation, details=details
            )
        except ValidationError as error:
            place_errors(form, error, fields={"died_at": "died_on"})
        else:
            return redirect("child_deaths:acknowledgement", pk=notification.pk)
    return render(request, "child_deaths/notify.html", {"form": form})


@capability_required(Cap.NOTIFY)
def acknowledgement(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.acknowledgement_for(actor=request.user, pk=pk)
    return render(request, "child_deaths/acknowledgement.html", {"notification": notification})


urlpatterns = [
    path("notify", notify, name="notify"),
    path("notifications/<int:pk>", acknowledgement, name="acknowledgement"),
]
