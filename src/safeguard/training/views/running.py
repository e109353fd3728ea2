"""Running the programme: the register on the day, the trainer pool and the figures."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.safestring import mark_safe

from safeguard.core.http import capability_required
from safeguard.training import charts, selectors, services
from safeguard.training.forms import RegisterForm, TrainerForm, add_service_errors
from safeguard.training.policies import Cap


@capability_required(Cap.BOOK)
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """The register, for a tablet at the door: one large checkbox per person booked."""
    session, bookings = selectors.register_for(actor=request.user, pk=pk)
    initial = {"attended": [str(b.pk) for b in bookings if b.attended]}
    form = RegisterForm(request.POST or None, bookings=bookings, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data["attended"]}
        try:
            present = services.register_record(
                actor=request.user, session=session, attended_ids=chosen
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Register saved: {present} of {len(bookings)} present")
            return redirect("training:session", pk=session.pk)
    taken = any(b.attendance_recorded_at for b in bookings)
    return render(
        request,
        "training/register.html",
        {"session": session, "bookings": bookings, "form": form, "taken": taken},
    )


@capability_required(Cap.MANAGE)
def trainers(request: HttpRequest) -> HttpResponse:
    rows = selectors.trainer_pool()
    years = sorted({y for row in rows for y in row.delivered})[-3:]
    return render(request, "training/trainers.html", {"rows": rows, "years": years})


@capability_required(Cap.MANAGE)
def trainer_add(request: HttpRequest) -> HttpResponse:
    form = TrainerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.trainer_add(
                actor=request.user,
                person=data["person"],
                courses=data["courses"],
                availability=data["availability"],
                trained_on=data["trained_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Trainer added to the pool")
            return redirect("training:trainers")
    return render(request, "training/trainer_form.html", {"form": form})


@capability_required(Cap.VIEW_FIGURES)
def figures(request: HttpRequest) -> HttpResponse:
    found = selectors.figures()
    years = found.years[-5:]
    completion_rows = [
        (
            title,
            [
                (
                    started.get(y, (0, 0))[0],
                    started.get(y, (0, 0))[1],
                    _share(started.get(y, (0, 0))),
                )
                for y in years
            ],
        )
        for title, started in found.multi_part
    ]
    return render(
        request,
        "training/figures.html",
        {
            "figures": found,
            "years": years,
            "completion_rows": completion_rows,
            "course_chart": mark_safe(  # noqa: S308 (our own SVG; every text is escaped)
                charts.bar_chart(series=found.bookings_by_course, years=years)
            ),
            "agency_chart": mark_safe(  # noqa: S308
                charts.bar_chart(series=found.bookings_by_agency, years=years)
            ),
        },
    )


def _share(pair: tuple[int, int]) -> str:
    from safeguard.training.rules import percent

    value = percent(pair[1], pair[0])
    return "" if value is None else f"{value}%"


urlpatterns = [
    path("sessions/<int:pk>/register", register, name="register"),
    path("trainers", trainers, name="trainers"),
    path("trainers/new", trainer_add, name="trainer_add"),
    path("figures", figures, name="figures"),
]
