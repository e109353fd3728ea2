"""The home education notice: a school's DSL sends it; the LA reads it beside the child's
Operation Encompass history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.children.selectors import own_school_roll
from safeguard.core import audit
from safeguard.core.http import capability_required
from safeguard.domestic_abuse import policies
from safeguard.domestic_abuse.forms import HomeEducationForm
from safeguard.domestic_abuse.models import HomeEducationNotice
from safeguard.domestic_abuse.policies import Cap
from safeguard.domestic_abuse.services.home_education import NOTICE, notice_send
from safeguard.domestic_abuse.views._common import apply_errors, refuse
from safeguard.encompass.selectors.incident_feed import notifications_of_pupil


@capability_required(Cap.NOTICE_SEND)
def notice_new(request: HttpRequest) -> HttpResponse:
    pupils = own_school_roll(actor=request.user, purpose="home_education_notice")
    form = HomeEducationForm(request.POST or None, pupils=pupils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pupil = next(p for p in pupils if str(p.pk) == data["pupil"])
        try:
            notice_send(
                actor=request.user,
                pupil=pupil,
                leaving_on=data["leaving_on"],
                aware_of_abuse=data["aware_of_abuse"],
                details=data["details"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Notice sent to the local authority")
            return redirect("domestic_abuse:home_education_new")
    return render(
        request, "domestic_abuse/home_education_new.html", {"form": form, "pupils": pupils}
    )


@capability_required(Cap.NOTICE_READ)
def notices_page(request: HttpRequest) -> HttpResponse:
    rows = policies.notices_visible(
        request.user, HomeEducationNotice.objects.select_related("school")
    )[:200]
    return render(request, "domestic_abuse/home_education_list.html", {"notices": rows})


@capability_required(Cap.NOTICE_READ)
def notice_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = (
        policies.notices_visible(request.user, HomeEducationNotice.objects.all())
        .select_related("school", "pupil")
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        raise refuse(request.user, NOTICE, pk)
    audit.record_view(actor=request.user, record_type=NOTICE, record_id=notice.pk)
    return render(
        request,
        "domestic_abuse/home_education_notice.html",
        {"notice": notice, "history": notifications_of_pupil(pupil_id=notice.pupil_id)},
    )


urlpatterns = [
    path("home-education/new/", notice_new, name="home_education_new"),
    path("home-education/", notices_page, name="home_education"),
    path("home-education/<int:pk>/", notice_page, name="home_education_notice"),
]
