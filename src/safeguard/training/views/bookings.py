"""A practitioner's own pages: booking, their bookings, evaluations, the certificate.

None of these asks for the second factor again: a person's own bookings are not sensitive, and
nothing here concerns a child.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.http import capability_required
from safeguard.core.models.audit import AuditAction
from safeguard.training import invitations, rules, selectors, services
from safeguard.training.forms import (
    DecisionForm,
    EvaluationForm,
    FollowUpForm,
    add_service_errors,
)
from safeguard.training.policies import Cap


@capability_required(Cap.BOOK)
def book(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(pk=pk)
    error = ""
    if request.method == "POST":
        try:
            booking = services.booking_make(actor=request.user, session=session)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, booking.get_status_display())
            return redirect("training:my_bookings")
    return render(
        request,
        "training/book.html",
        {
            "session": session,
            "error": error,
            "free": rules.places_free(capacity=session.capacity, booked=session.booked),  # type: ignore[attr-defined]
            "booking": selectors.booking_of(actor=request.user, session=session),
        },
    )


@capability_required(Cap.BOOK)
def my_bookings(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    bookings = list(selectors.my_bookings(actor=request.user))
    today = timezone.localdate()
    for booking in bookings:
        day = timezone.localdate(booking.session.starts_at)
        booking.follow_up_due = rules.follow_up_due(day)  # type: ignore[attr-defined]
        booking.follow_up_open = (  # type: ignore[attr-defined]
            booking.attended and booking.follow_up_due <= today  # type: ignore[attr-defined]
        )
    return render(
        request,
        "training/my_bookings.html",
        {
            "upcoming": [b for b in bookings if b.session.starts_at > now],
            "past": [b for b in bookings if b.session.starts_at <= now],
            "progress": selectors.progress_of(actor=request.user),
            "approvals": selectors.awaiting_my_approval(actor=request.user).count(),
        },
    )


@capability_required(Cap.BOOK)
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = selectors.own_booking(actor=request.user, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.booking_cancel(actor=request.user, booking=booking)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, "Booking cancelled")
            return redirect("training:my_bookings")
    return render(request, "training/booking_cancel.html", {"booking": booking, "error": error})


@capability_required(Cap.BOOK)
def booking_ics(request: HttpRequest, pk: int) -> HttpResponse:
    booking = selectors.own_booking(actor=request.user, pk=pk)
    if booking.status != "booked":
        raise Http404
    content = invitations.ics_for(booking)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="training-{booking.pk}.ics"'
    return response


@capability_required(Cap.BOOK)
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    booking = selectors.own_booking(actor=request.user, pk=pk)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(
                actor=request.user, booking=booking, values=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your evaluation is sent")
            return redirect("training:my_bookings")
    return render(request, "training/evaluate.html", {"form": form, "booking": booking})


@capability_required(Cap.BOOK)
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    booking = selectors.own_booking(actor=request.user, pk=pk)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_submit(actor=request.user, booking=booking, values=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your follow-up is sent")
            return redirect("training:my_bookings")
    due = rules.follow_up_due(timezone.localdate(booking.session.starts_at))
    return render(
        request, "training/follow_up.html", {"form": form, "booking": booking, "due": due}
    )


@capability_required(Cap.BOOK)
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The actor's own certificate, once every part of the course is attended."""
    from weasyprint import HTML

    course = selectors.course_get(pk=pk)
    completed_on = selectors.completion_of(actor=request.user, course=course)
    if completed_on is None:
        raise Http404
    html = render_to_string(
        "training/certificate.html",
        {
            "course": course,
            "person": request.user,
            "completed_on": completed_on,
            # The partnership's name, as the authenticator app shows it.
            "partnership": settings.OTP_TOTP_ISSUER,
        },
    )
    pdf = HTML(string=html).write_pdf()
    audit.record(
        action=AuditAction.EXPORT,
        record_type="training.certificate",
        record_id=course.pk,
        actor=request.user,
        detail="own certificate",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{course.pk}.pdf"'
    return response


@capability_required(Cap.BOOK)
def approvals(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/approvals.html",
        {"bookings": selectors.awaiting_my_approval(actor=request.user)},
    )


@capability_required(Cap.BOOK)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    booking = selectors.approval_booking(actor=request.user, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_decide(
                actor=request.user,
                booking=booking,
                approve=form.cleaned_data["decision"] == "approve",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Decision recorded")
            return redirect("training:approvals")
    return render(request, "training/approve.html", {"form": form, "booking": booking})


urlpatterns = [
    path("sessions/<int:pk>/book", book, name="book"),
    path("my-bookings", my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/cancel", booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/calendar.ics", booking_ics, name="booking_ics"),
    path("bookings/<int:pk>/evaluation", evaluate, name="evaluate"),
    path("bookings/<int:pk>/follow-up", follow_up, name="follow_up"),
    path("courses/<int:pk>/certificate.pdf", certificate, name="certificate"),
    path("approvals", approvals, name="approvals"),
    path("approvals/<int:pk>", approve, name="approve"),
]
