"""The catalogue: courses and their sessions, and the Business Unit's pages that keep them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from safeguard.core.http import capability_required
from safeguard.training import policies, selectors, services
from safeguard.training.forms import CourseForm, SessionForm, add_service_errors
from safeguard.training.models import DeliveryMode
from safeguard.training.policies import Cap

MODES = dict(DeliveryMode.choices)


@capability_required(Cap.BOOK)
def catalogue(request: HttpRequest) -> HttpResponse:
    courses = list(selectors.courses())
    return render(
        request,
        "training/catalogue.html",
        {
            "courses": courses,
            "modes": MODES,
            "open_surveys": selectors.needs_surveys().filter(closes_on__gte=timezone.localdate()),
            "can_manage": policies.can(request.user, Cap.MANAGE),
        },
    )


@capability_required(Cap.BOOK)
def course(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.course_get(pk=pk)
    return render(
        request,
        "training/course.html",
        {
            "course": found,
            "modes": [MODES.get(m, m) for m in found.delivery_modes],
            "sessions": selectors.upcoming_sessions(course=found),
            "completed_on": selectors.completion_of(actor=request.user, course=found),
            "can_manage": policies.can(request.user, Cap.MANAGE),
        },
    )


def _course_form(request: HttpRequest, found: object | None) -> HttpResponse:
    initial = None
    if found is not None:
        initial = {name: getattr(found, name) for name in services.COURSE_FIELDS}
        initial |= {
            "pk": found.pk,  # type: ignore[attr-defined]
            "delivery_modes": found.delivery_modes,  # type: ignore[attr-defined]
            "review_themes": found.review_themes,  # type: ignore[attr-defined]
            "last_updated_on": found.last_updated_on.strftime("%d/%m/%Y"),  # type: ignore[attr-defined]
        }
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.course_save(
                actor=request.user,
                values=form.cleaned_data,
                course=found,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Course saved")
            return redirect("training:course", pk=saved.pk)
    return render(request, "training/course_form.html", {"form": form, "course": found})


@capability_required(Cap.MANAGE)
def course_add(request: HttpRequest) -> HttpResponse:
    return _course_form(request, None)


@capability_required(Cap.MANAGE)
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _course_form(request, selectors.course_get(pk=pk))


@capability_required(Cap.MANAGE)
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.course_get(pk=pk)
    form = SessionForm(request.POST or None, course=found, initial={"part": 1})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_add(
                actor=request.user,
                course=found,
                values=form.values(),
                trainers=list(form.cleaned_data["trainers"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Session added")
            return redirect("training:session", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form, "course": found})


@capability_required(Cap.BOOK)
def session(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.session_get(pk=pk)
    return render(
        request,
        "training/session.html",
        {
            "session": found,
            "mode": MODES.get(found.mode, ""),
            "trainers": [t.person.full_name for t in found.trainers.select_related("person")],
            "booking": selectors.booking_of(actor=request.user, session=found),
            "can_manage": policies.can(request.user, Cap.MANAGE),
            "can_take_register": policies.can_take_register(request.user, found),
        },
    )


@capability_required(Cap.MANAGE)
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.session_get(pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.session_cancel(actor=request.user, session=found)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, "Session cancelled: everyone booked has been told")
            return redirect("training:course", pk=found.course_id)
    return render(request, "training/session_cancel.html", {"session": found, "error": error})


urlpatterns = [
    path("", catalogue, name="catalogue"),
    path("courses/new", course_add, name="course_add"),
    path("courses/<int:pk>/", course, name="course"),
    path("courses/<int:pk>/edit", course_edit, name="course_edit"),
    path("courses/<int:pk>/sessions/new", session_add, name="session_add"),
    path("sessions/<int:pk>/", session, name="session"),
    path("sessions/<int:pk>/cancel", session_cancel, name="session_cancel"),
]
