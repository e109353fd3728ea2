"""The calendar page: the LA default calendar, or one school's own (which overrides it).

One page serves both: an LA user chooses the school with ``?school=<id>`` (none: the LA
default); a school's DSL always sees their own school's calendar.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from safeguard.core.http import capability_required
from safeguard.core.models import Organisation
from safeguard.core.models.organisations import OrganisationKind
from safeguard.encompass import policies
from safeguard.encompass.forms.calendars import CalendarSettingsForm, InsetDayForm, TermForm
from safeguard.encompass.models import Calendar
from safeguard.encompass.policies import Cap
from safeguard.encompass.selectors.calendars import (
    DEFAULT_START,
    default_calendar,
    holiday_contacts,
)
from safeguard.encompass.services import calendars


def _school(request: HttpRequest) -> Organisation | None:
    """The school whose calendar is shown: the DSL's own, or the one an LA user chose."""
    if policies.is_school_dsl(request.user) and not policies.may_manage_calendar(
        request.user, None
    ):
        return request.user.organisation  # type: ignore[union-attr]
    wanted = request.GET.get("school", "")
    if not wanted:
        return None
    if not wanted.isdigit():
        raise Http404
    found = Organisation.objects.filter(pk=int(wanted), kind=OrganisationKind.SCHOOL).first()
    if found is None:
        raise Http404
    return found


def _contact(chosen: str, contacts: list[Any]) -> Any:
    """The person chosen from the offered list; the form already refused anything else."""
    return next((p for p in contacts if str(p.pk) == chosen), None) if chosen else None


def _errors(form: Any, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


@capability_required(Cap.MANAGE_CALENDARS)
def calendar_page(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    allowed = policies.may_manage_calendar(request.user, school.pk if school else None)
    if school is None and not allowed:
        return render(request, "encompass/calendar_none.html", {})
    if not allowed:
        raise PermissionDenied
    calendar = Calendar.objects.filter(school=school).first() if school else default_calendar()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    contacts = holiday_contacts(school)
    settings_form = CalendarSettingsForm(
        request.POST if action == "settings" else None,
        initial={
            "day_starts_at": (calendar.day_starts_at if calendar else DEFAULT_START),
            "holiday_contact": str(calendar.holiday_contact_id or "") if calendar else "",
        },
        prefix="settings",
        contacts=contacts,
    )
    term_form = TermForm(request.POST if action == "term" else None, prefix="term")
    inset_form = InsetDayForm(request.POST if action == "inset" else None, prefix="inset")
    query = f"?school={school.pk}" if school and allowed and request.GET.get("school") else ""
    try:
        if action == "settings" and settings_form.is_valid():
            calendars.calendar_save(
                actor=request.user,
                school=school,
                day_starts_at=settings_form.cleaned_data["day_starts_at"],
                holiday_contact=_contact(settings_form.cleaned_data["holiday_contact"], contacts),
            )
            messages.success(request, "Calendar saved")
            return redirect(f"{request.path}{query}")
        if action in ("term", "inset"):
            if calendar is None:
                raise ValidationError({"__all__": "Save the calendar's start time first"})
            if action == "term" and term_form.is_valid():
                calendars.term_add(actor=request.user, calendar=calendar, **term_form.cleaned_data)
                messages.success(request, "Term added")
                return redirect(f"{request.path}{query}")
            if action == "inset" and inset_form.is_valid():
                calendars.inset_day_add(
                    actor=request.user, calendar=calendar, day=inset_form.cleaned_data["date"]
                )
                messages.success(request, "INSET day added")
                return redirect(f"{request.path}{query}")
    except ValidationError as error:
        target = {"settings": settings_form, "term": term_form, "inset": inset_form}[action]
        _errors(target, error)
    schools = (
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL, active=True).order_by("name")
        if policies.may_manage_calendar(request.user, None)
        else Organisation.objects.none()
    )
    return render(
        request,
        "encompass/calendar.html",
        {
            "school": school,
            "calendar": calendar,
            "terms": calendar.terms.all() if calendar else [],
            "inset_days": calendar.inset_days.all() if calendar else [],
            "settings_form": settings_form,
            "term_form": term_form,
            "inset_form": inset_form,
            "schools": schools[:500],
            "query": query,
        },
    )


urlpatterns = [path("calendar/", calendar_page, name="calendar")]
