"""Every change to training records: ``<noun>_<verb>(*, actor, ...)``, one transaction each,
with its audit row and the e-mails it causes written in the same transaction.

E-mails say only what the recipient needs about their own booking (the course, the date and
time, the link) and carry the calendar invitation: never another person's details.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from safeguard.core import audit, themes
from safeguard.core.models import Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.outbox import message_enqueue
from safeguard.core.templatetags.govuk import govuk_datetime
from safeguard.training import policies, rules
from safeguard.training.models import (
    Booking,
    BookingStatus,
    Course,
    DeliveryMode,
    Evaluation,
    FollowUp,
    NeedsAnswer,
    NeedsSurvey,
    OrganisationSetting,
    Session,
    Trainer,
)
from safeguard.training.policies import Cap

COURSE, SESSION, BOOKING = "training.course", "training.session", "training.booking"
INVITATION = "training.booking_invitation"
CANCELLED_REASONS = ("training.session_cancelled", "training.booking_cancelled")


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _fail(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _when(session: Session) -> str:
    return govuk_datetime(session.starts_at)


def _tell(booking: Booking, *, reason: str, subject: str, body: str, key: str) -> None:
    message_enqueue(
        recipient=booking.person,
        subject=subject,
        body=body,
        link=reverse("training:my_bookings"),
        reason=reason,
        record_type=BOOKING,
        record_id=booking.pk,
        dedupe_key=f"{reason}:{booking.pk}:{key}",
    )


# --- the catalogue -------------------------------------------------------------------------

COURSE_FIELDS = ("title", "kind", "outcomes", "audience", "length", "parts", "last_updated_on")


def course_save(*, actor: Any, values: dict[str, Any], course: Course | None = None) -> Course:
    _refuse_unless(policies.can(actor, Cap.MANAGE))
    modes = list(values.get("delivery_modes") or [])
    chosen_themes = list(values.get("review_themes") or [])
    errors: dict[str, str] = {}
    if not modes or any(m not in DeliveryMode.values for m in modes):
        errors["delivery_modes"] = "Select at least one way the course is delivered"
    unknown = set(chosen_themes) - set(themes.theme_names())
    if unknown:
        errors["review_themes"] = "Select the themes from the list"
    parts = int(values.get("parts") or 0)
    if not 1 <= parts <= 6:
        errors["parts"] = "Number of parts must be between 1 and 6"
    if course is not None and course.sessions.filter(part__gt=parts).exists():
        errors["parts"] = "Sessions exist for a later part: cancel them before removing it"
    _fail(errors)
    with transaction.atomic():
        creating = course is None
        target = course or Course()
        for name in COURSE_FIELDS:
            setattr(target, name, values[name])
        target.delivery_modes = modes
        target.review_themes = sorted(chosen_themes)
        target.save()
        audit.record(
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            record_type=COURSE,
            record_id=target.pk,
            actor=actor,
            changes={"parts": target.parts, "themes": len(target.review_themes)},
        )
    return target


def session_add(
    *, actor: Any, course: Course, values: dict[str, Any], trainers: list[Trainer]
) -> Session:
    _refuse_unless(policies.can(actor, Cap.MANAGE))
    errors: dict[str, str] = {}
    if not 1 <= values["part"] <= course.parts:
        errors["part"] = f"Part must be between 1 and {course.parts}"
    if values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = "The end must be after the start"
    mode = values["mode"]
    if mode in (DeliveryMode.FACE_TO_FACE, DeliveryMode.HYBRID) and not values.get("venue"):
        errors["venue"] = "Enter the venue"
    if mode in (DeliveryMode.ONLINE, DeliveryMode.HYBRID) and not values.get("joining_link"):
        errors["joining_link"] = "Enter the joining link"
    _fail(errors)
    with transaction.atomic():
        session = Session.objects.create(course=course, **values)
        session.trainers.set(trainers)
        audit.record(
            action=AuditAction.CREATE,
            record_type=SESSION,
            record_id=session.pk,
            actor=actor,
            changes={"course": course.pk, "part": session.part, "capacity": session.capacity},
        )
    return session


def session_cancel(*, actor: Any, session: Session) -> Session:
    """Cancel a session and tell everyone booked or waiting, with a cancelled invitation."""
    _refuse_unless(policies.can(actor, Cap.MANAGE))
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.cancelled_at is not None:
            raise ValidationError({"session": "The session is already cancelled"})
        session.cancelled_at = timezone.now()
        session.save(update_fields=["cancelled_at"])
        live = session.bookings.exclude(
            status__in=(BookingStatus.CANCELLED, BookingStatus.DECLINED)
        ).select_related("person")
        for booking in live:
            booking.status = BookingStatus.CANCELLED
            booking.save(update_fields=["status"])
            _tell(
                booking,
                reason="training.session_cancelled",
                subject="A training session you booked is cancelled",
                body=(
                    f"{session.course.title} (part {session.part}) on {_when(session)} is "
                    "cancelled. Your calendar entry is withdrawn; you can book another date."
                ),
                key="cancel",
            )
        audit.record(
            action=AuditAction.UPDATE,
            record_type=SESSION,
            record_id=session.pk,
            actor=actor,
            changes={"cancelled": True, "told": len(live)},
        )
    return session


# --- bookings ------------------------------------------------------------------------------


def _needs_approval(person: Any) -> bool:
    setting = OrganisationSetting.objects.filter(organisation_id=person.organisation_id).first()
    return bool(setting and setting.approval_required and setting.approver_id)


def _counts(session: Session, *, besides: int | None = None) -> tuple[int, int]:
    """Places held and people waiting, leaving out the booking being placed."""
    bookings = session.bookings.all() if besides is None else session.bookings.exclude(pk=besides)
    return (
        bookings.filter(status=BookingStatus.BOOKED).count(),
        bookings.filter(status=BookingStatus.WAITING).count(),
    )


def _place(booking: Booking, session: Session) -> None:
    """Booked while places are free and nobody waits ahead; otherwise the waiting list."""
    booked, waiting = _counts(session, besides=booking.pk)
    outcome = rules.place_for_new_booking(capacity=session.capacity, booked=booked, waiting=waiting)
    if outcome == "booked":
        booking.status = BookingStatus.BOOKED
        booking.waiting_since = None
        booking.save(update_fields=["status", "waiting_since"])
        _invite(booking, session)
    else:
        booking.status = BookingStatus.WAITING
        booking.waiting_since = timezone.now()
        booking.save(update_fields=["status", "waiting_since"])
        _tell(
            booking,
            reason="training.waiting_list",
            subject="You are on the waiting list for a training session",
            body=(
                f"{session.course.title} (part {session.part}) on {_when(session)} is full. "
                "You are on its waiting list: if a place frees, it is offered in turn."
            ),
            key=f"waiting-{booking.waiting_since.isoformat()}",
        )


def _invite(booking: Booking, session: Session, *, reason: str = INVITATION) -> None:
    _tell(
        booking,
        reason=reason,
        subject="Your training booking and calendar invitation",
        body=(
            f"Your place on {session.course.title} (part {session.part}) on {_when(session)} "
            "is booked. The calendar invitation is attached."
        ),
        key="booked",
    )


def booking_make(*, actor: Any, session: Session) -> Booking:
    """Book the actor on a session: a place, the waiting list, or their manager's approval."""
    _refuse_unless(policies.can(actor, Cap.BOOK))
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
        if session.cancelled_at is not None or session.starts_at <= timezone.now():
            raise ValidationError({"session": "This session can no longer be booked"})
        booking = Booking.objects.filter(session=session, person=actor).first()
        if booking is not None and booking.status not in (
            BookingStatus.CANCELLED,
            BookingStatus.DECLINED,
        ):
            raise ValidationError({"session": "You have already booked this session"})
        if booking is None:
            booking = Booking(session=session, person=actor)
        booking.organisation_id = actor.organisation_id
        booking.agency_type = actor.organisation.reported_agency_type
        booking.attended = None
        if _needs_approval(actor):
            booking.status = BookingStatus.AWAITING_APPROVAL
            booking.save()
            setting = OrganisationSetting.objects.get(organisation_id=actor.organisation_id)
            message_enqueue(
                recipient=setting.approver,
                subject="A training booking needs your approval",
                body="Someone in your organisation has booked training that needs your approval.",
                link=reverse("training:approvals"),
                reason="training.approval_needed",
                record_type=BOOKING,
                record_id=booking.pk,
                dedupe_key=f"training.approval_needed:{booking.pk}:{timezone.now().isoformat()}",
            )
        else:
            booking.status = BookingStatus.WAITING  # placed just below
            booking.waiting_since = timezone.now()
            booking.save()
            _place(booking, session)
        audit.record(
            action=AuditAction.CREATE,
            record_type=BOOKING,
            record_id=booking.pk,
            actor=actor,
            changes={"session": session.pk, "status": booking.status},
        )
    return booking


def booking_decide(*, actor: Any, booking: Booking, approve: bool) -> Booking:
    setting = OrganisationSetting.objects.filter(organisation_id=booking.organisation_id).first()
    _refuse_unless(policies.can_approve(actor, booking, setting))
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != BookingStatus.AWAITING_APPROVAL:
            raise ValidationError({"decision": "This booking is not awaiting approval"})
        session = (
            Session.objects.select_for_update().select_related("course").get(pk=booking.session_id)
        )
        if approve:
            booking.status = BookingStatus.WAITING
            booking.waiting_since = timezone.now()
            booking.save(update_fields=["status", "waiting_since"])
            _place(booking, session)
        else:
            booking.status = BookingStatus.DECLINED
            booking.save(update_fields=["status"])
            _tell(
                booking,
                reason="training.declined",
                subject="Your training booking was not approved",
                body=f"Your booking on {session.course.title} was not approved by your manager.",
                key="declined",
            )
        audit.record(
            action=AuditAction.UPDATE,
            record_type=BOOKING,
            record_id=booking.pk,
            actor=actor,
            changes={"status": booking.status},
            detail="approved" if approve else "declined",
        )
    return booking


def _offer_freed_places(session: Session) -> list[Booking]:
    booked, _ = _counts(session)
    waiting = [
        rules.Waiting(pk, since)
        for pk, since in session.bookings.filter(status=BookingStatus.WAITING).values_list(
            "pk", "waiting_since"
        )
        if since is not None  # the database holds it: a waiting booking has its moment
    ]
    given: list[Booking] = []
    for pk in rules.offers(capacity=session.capacity, booked=booked, waiting=waiting):
        booking = Booking.objects.select_related("person").get(pk=pk)
        booking.status = BookingStatus.BOOKED
        booking.waiting_since = None
        booking.save(update_fields=["status", "waiting_since"])
        _invite(booking, session, reason="training.place_offered")
        audit.record(
            action=AuditAction.UPDATE,
            record_type=BOOKING,
            record_id=booking.pk,
            changes={"status": booking.status},
            detail="place freed on the waiting list",
        )
        given.append(booking)
    return given


def booking_cancel(*, actor: Any, booking: Booking) -> Booking:
    """The booker withdraws; a freed place goes to the first on the waiting list."""
    _refuse_unless(policies.owns_booking(actor, booking))
    with transaction.atomic():
        session = (
            Session.objects.select_for_update().select_related("course").get(pk=booking.session_id)
        )
        booking = Booking.objects.select_related("person").get(pk=booking.pk)
        if booking.status in (BookingStatus.CANCELLED, BookingStatus.DECLINED):
            raise ValidationError({"booking": "This booking is already cancelled"})
        if session.starts_at <= timezone.now():
            raise ValidationError({"booking": "The session has started: it cannot be cancelled"})
        held_place = booking.status == BookingStatus.BOOKED
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status"])
        if held_place:
            _tell(
                booking,
                reason="training.booking_cancelled",
                subject="Your training booking is cancelled",
                body=(
                    f"Your place on {session.course.title} (part {session.part}) on "
                    f"{_when(session)} is cancelled, as you asked."
                ),
                key=timezone.now().isoformat(),
            )
            _offer_freed_places(session)
        audit.record(
            action=AuditAction.UPDATE,
            record_type=BOOKING,
            record_id=booking.pk,
            actor=actor,
            changes={"status": booking.status},
        )
    return booking


def register_record(*, actor: Any, session: Session, attended_ids: set[int]) -> int:
    """Take the register: every booked person is marked present or absent."""
    _refuse_unless(policies.can_take_register(actor, session))
    if session.cancelled_at is not None:
        raise ValidationError({"attended": "The session was cancelled"})
    if session.starts_at > timezone.now():
        raise ValidationError({"attended": "The register opens when the session starts"})
    now = timezone.now()
    with transaction.atomic():
        booked = list(session.bookings.filter(status=BookingStatus.BOOKED))
        for booking in booked:
            booking.attended = booking.pk in attended_ids
            booking.attendance_recorded_at = now
        Booking.objects.bulk_update(booked, ["attended", "attendance_recorded_at"])
        present = sum(1 for b in booked if b.attended)
        audit.record(
            action=AuditAction.UPDATE,
            record_type=SESSION,
            record_id=session.pk,
            actor=actor,
            changes={"present": present, "absent": len(booked) - present},
            detail="register taken",
        )
    return present


# --- evaluation ----------------------------------------------------------------------------


def evaluation_submit(*, actor: Any, booking: Booking, values: dict[str, Any]) -> Evaluation:
    _refuse_unless(policies.owns_booking(actor, booking))
    if not booking.attended:
        raise ValidationError({"booking": "You can evaluate a session once you have attended"})
    if Evaluation.objects.filter(booking=booking).exists():
        raise ValidationError({"booking": "You have already evaluated this session"})
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            booking=booking, submitted_at=timezone.now(), **values
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type="training.evaluation",
            record_id=evaluation.pk,
            actor=actor,
            changes={"booking": booking.pk},
        )
    return evaluation


def follow_up_submit(*, actor: Any, booking: Booking, values: dict[str, Any]) -> FollowUp:
    _refuse_unless(policies.owns_booking(actor, booking))
    if not booking.attended:
        raise ValidationError({"booking": "The follow-up is for sessions you attended"})
    due = rules.follow_up_due(timezone.localdate(booking.session.starts_at))
    if timezone.localdate() < due:
        raise ValidationError({"booking": "The follow-up opens three months after the session"})
    if FollowUp.objects.filter(booking=booking).exists():
        raise ValidationError({"booking": "You have already answered the follow-up"})
    with transaction.atomic():
        follow_up = FollowUp.objects.create(booking=booking, submitted_at=timezone.now(), **values)
        audit.record(
            action=AuditAction.CREATE,
            record_type="training.follow_up",
            record_id=follow_up.pk,
            actor=actor,
            changes={"booking": booking.pk},
        )
    return follow_up


# --- the trainer pool ----------------------------------------------------------------------


def trainer_add(
    *,
    actor: Any,
    person: Any,
    courses: QuerySet[Course] | list[Course],
    availability: str = "",
    trained_on: date | None = None,
) -> Trainer:
    _refuse_unless(policies.can(actor, Cap.MANAGE))
    if Trainer.objects.filter(person=person).exists():
        raise ValidationError({"person": "This person is already in the trainer pool"})
    with transaction.atomic():
        trainer = Trainer.objects.create(
            person=person, availability=availability, trained_on=trained_on
        )
        trainer.courses.set(courses)
        audit.record(
            action=AuditAction.CREATE,
            record_type="training.trainer",
            record_id=trainer.pk,
            actor=actor,
            changes={"person": person.pk},
        )
    return trainer


def organisation_setting_save(
    *, actor: Any, organisation: Any, approval_required: bool, approver: Any | None
) -> OrganisationSetting:
    _refuse_unless(policies.can(actor, Cap.MANAGE))
    if approval_required and (approver is None or approver.organisation_id != organisation.pk):
        raise ValidationError({"approver": "Select an approver of the organisation"})
    with transaction.atomic():
        setting, _ = OrganisationSetting.objects.update_or_create(
            organisation=organisation,
            defaults={"approval_required": approval_required, "approver": approver},
        )
        audit.record(
            action=AuditAction.UPDATE,
            record_type="training.setting",
            record_id=setting.pk,
            actor=actor,
            changes={"approval_required": approval_required},
        )
    return setting


# --- the worker's reminders ----------------------------------------------------------------


def reminders_send(*, now: datetime | None = None) -> int:
    """A reminder to each booked person in the 48 hours before their session (once each)."""
    moment = now or timezone.now()
    window_end = moment + timedelta(hours=rules.REMINDER_HOURS)
    sent = 0
    bookings = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        session__cancelled_at__isnull=True,
        session__starts_at__gt=moment,
        session__starts_at__lte=window_end,
    ).select_related("session__course", "person")
    for booking in bookings:
        session = booking.session
        if not rules.reminder_due(starts_at=session.starts_at, now=moment):
            continue
        with transaction.atomic():
            _tell(
                booking,
                reason="training.reminder",
                subject="Reminder: your training session is coming up",
                body=(
                    f"A reminder: {session.course.title} (part {session.part}) is on "
                    f"{_when(session)}."
                ),
                key=session.starts_at.isoformat(),
            )
        sent += 1
    return sent


# --- the needs analysis --------------------------------------------------------------------


def needs_survey_send(*, actor: Any, title: str, closes_on: date) -> NeedsSurvey:
    """Send the questionnaire to every active partner organisation with a contact address."""
    _refuse_unless(policies.can(actor, Cap.MANAGE))
    if closes_on <= timezone.localdate():
        raise ValidationError({"closes_on": "The closing date must be in the future"})
    with transaction.atomic():
        survey = NeedsSurvey.objects.create(
            title=title, closes_on=closes_on, sent_at=timezone.now(), sent_by=actor
        )
        link = reverse("training:needs_answer", kwargs={"pk": survey.pk})
        sent = 0
        for organisation in Organisation.objects.filter(active=True).exclude(email=""):
            message_enqueue(
                to_address=organisation.email,
                subject="Training needs analysis: your organisation's answer",
                body=(
                    "The partnership asks every organisation what multi-agency training it "
                    f"needs. Please answer by {closes_on:%-d %B %Y}."
                ),
                link=link,
                reason="training.needs_survey",
                record_type="training.needs_survey",
                record_id=survey.pk,
                dedupe_key=f"training.needs_survey:{survey.pk}:{organisation.pk}",
            )
            sent += 1
        audit.record(
            action=AuditAction.CREATE,
            record_type="training.needs_survey",
            record_id=survey.pk,
            actor=actor,
            changes={"sent": sent},
        )
    return survey


def needs_answer_save(
    *, actor: Any, survey: NeedsSurvey, values: dict[str, Any], courses: list[Course]
) -> NeedsAnswer:
    """The actor answers for their own organisation; a second answer replaces the first."""
    _refuse_unless(policies.can(actor, Cap.BOOK))
    if survey.closes_on < timezone.localdate():
        raise ValidationError({"people": "The needs analysis has closed"})
    with transaction.atomic():
        answer, created = NeedsAnswer.objects.update_or_create(
            survey=survey,
            organisation_id=actor.organisation_id,
            defaults={**values, "answered_by": actor, "answered_at": timezone.now()},
        )
        answer.courses.set(courses)
        audit.record(
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            record_type="training.needs_answer",
            record_id=answer.pk,
            actor=actor,
            changes={"people": answer.people, "courses": len(courses)},
        )
    return answer
