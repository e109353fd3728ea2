"""Every read of training records, already narrowed to what the actor may see.

A person's bookings are theirs alone; another person's booking answers 404 with an audit row of
the refused attempt. The figures count by course and agency type, never by person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Case, CharField, Count, F, Max, Min, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.organisations import AgencyType
from safeguard.training import policies, rules
from safeguard.training.models import (
    Booking,
    BookingStatus,
    Course,
    DeliveryMode,
    Evaluation,
    NeedsAnswer,
    NeedsSurvey,
    OrganisationSetting,
    Session,
    Trainer,
)
from safeguard.training.policies import Cap

LIVE = (BookingStatus.BOOKED, BookingStatus.WAITING, BookingStatus.AWAITING_APPROVAL)


def _refused(actor: Any, record_type: str, pk: object) -> Http404:
    audit.record(
        action=AuditAction.DENIED,
        record_type=record_type,
        record_id=pk,
        actor=actor,
        detail="not theirs",
    )
    return Http404()


def courses(*, include_inactive: bool = False) -> QuerySet[Course]:
    found = Course.objects.all()
    return found if include_inactive else found.filter(active=True)


def course_get(*, pk: int) -> Course:
    course = Course.objects.filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def upcoming_sessions(*, course: Course | None = None) -> QuerySet[Session]:
    found = Session.objects.filter(cancelled_at__isnull=True, starts_at__gt=timezone.now())
    if course is not None:
        found = found.filter(course=course)
    return found.select_related("course").annotate(
        booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)),
        waiting=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITING)),
    )


def session_get(*, pk: int) -> Session:
    session = (
        Session.objects.select_related("course")
        .annotate(
            booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)),
            waiting=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITING)),
        )
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    return session


def booking_of(*, actor: Any, session: Session) -> Booking | None:
    return Booking.objects.filter(session=session, person_id=actor.pk).first()


def own_booking(*, actor: Any, pk: int) -> Booking:
    """The actor's own booking; anyone else's is refused (404) and the attempt audited."""
    booking = Booking.objects.select_related("session__course", "person").filter(pk=pk).first()
    if booking is None:
        raise Http404
    if not policies.owns_booking(actor, booking):
        raise _refused(actor, "training.booking", pk)
    return booking


def register_for(*, actor: Any, pk: int) -> tuple[Session, list[Booking]]:
    """The register of a session for the Business Unit or one of its trainers."""
    session = Session.objects.select_related("course").filter(pk=pk).first()
    if session is None:
        raise Http404
    if not policies.can_take_register(actor, session):
        raise _refused(actor, "training.session", pk)
    bookings = list(
        session.bookings.filter(status=BookingStatus.BOOKED)
        .select_related("person", "organisation")
        .order_by("person__full_name")
    )
    return session, bookings


@dataclass
class CourseProgress:
    course: Course
    attended_parts: list[int]
    pending_parts: list[int]
    completed_on: date | None


def my_bookings(*, actor: Any) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(person_id=actor.pk)
        .select_related("session__course", "evaluation", "follow_up")
        .order_by("-session__starts_at")
    )


def progress_of(*, actor: Any) -> list[CourseProgress]:
    """Each course the actor attended a part of: parts done, parts pending, completion."""
    attended: dict[int, list[tuple[int, date]]] = defaultdict(list)
    rows = Booking.objects.filter(person_id=actor.pk, attended=True).values_list(
        "session__course_id", "session__part", "session__starts_at"
    )
    for course_id, part, starts_at in rows:
        attended[course_id].append((part, timezone.localdate(starts_at)))
    found = []
    for course in Course.objects.filter(pk__in=attended):
        parts = sorted({p for p, _ in attended[course.pk]})
        found.append(
            CourseProgress(
                course=course,
                attended_parts=parts,
                pending_parts=rules.parts_pending(parts=course.parts, attended=parts),
                completed_on=rules.completed_on(parts=course.parts, attended=attended[course.pk]),
            )
        )
    return found


def completion_of(*, actor: Any, course: Course) -> date | None:
    attended = [
        (part, timezone.localdate(starts_at))
        for part, starts_at in Booking.objects.filter(
            person_id=actor.pk, attended=True, session__course=course
        ).values_list("session__part", "session__starts_at")
    ]
    return rules.completed_on(parts=course.parts, attended=attended)


def awaiting_my_approval(*, actor: Any) -> QuerySet[Booking]:
    """Bookings of the actor's organisation waiting for them, if they are its approver."""
    setting = OrganisationSetting.objects.filter(
        organisation_id=actor.organisation_id, approval_required=True, approver_id=actor.pk
    ).first()
    if setting is None or not policies.can(actor, Cap.BOOK):
        return Booking.objects.none()
    return (
        Booking.objects.filter(
            organisation_id=actor.organisation_id, status=BookingStatus.AWAITING_APPROVAL
        )
        .exclude(person_id=actor.pk)
        .select_related("session__course", "person")
    )


def approval_booking(*, actor: Any, pk: int) -> Booking:
    booking = awaiting_my_approval(actor=actor).filter(pk=pk).first()
    if booking is None:
        if Booking.objects.filter(pk=pk).exists():
            raise _refused(actor, "training.booking", pk)
        raise Http404
    return booking


def evaluations_due(*, actor: Any) -> QuerySet[Booking]:
    return Booking.objects.filter(
        person_id=actor.pk, attended=True, evaluation__isnull=True
    ).select_related("session__course")


def registers_due(*, actor: Any) -> QuerySet[Session]:
    """Sessions that have started whose register is not taken, for who may take it."""
    found = Session.objects.filter(
        cancelled_at__isnull=True,
        starts_at__lte=timezone.now(),
        bookings__status=BookingStatus.BOOKED,
        bookings__attendance_recorded_at__isnull=True,
    ).distinct()
    if policies.can(actor, Cap.MANAGE):
        return found
    return found.filter(trainers__person_id=actor.pk, trainers__active=True)


@dataclass
class TrainerRow:
    trainer: Trainer
    refresh_due_on: date | None
    needs_refresh: bool
    delivered: dict[str, int] = field(default_factory=dict)


def trainer_pool() -> list[TrainerRow]:
    today = timezone.localdate()
    delivered: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = Session.trainers.through.objects.filter(
        session__cancelled_at__isnull=True, session__starts_at__lte=timezone.now()
    ).values_list("trainer_id", "session__starts_at")
    for trainer_id, starts_at in rows:
        delivered[trainer_id][rules.financial_year(timezone.localdate(starts_at))] += 1
    found = []
    for trainer in Trainer.objects.select_related("person__organisation").prefetch_related(
        "courses"
    ):
        found.append(
            TrainerRow(
                trainer=trainer,
                refresh_due_on=(
                    rules.trainer_refresh_due(trainer.trained_on) if trainer.trained_on else None
                ),
                needs_refresh=rules.trainer_needs_refresh(
                    trained_on=trainer.trained_on, today=today
                ),
                delivered=dict(delivered[trainer.pk]),
            )
        )
    return found


# --- figures -------------------------------------------------------------------------------


@dataclass
class Figures:
    years: list[str]
    # (course title, {year: bookings}), (agency label, {year: bookings}) ...
    bookings_by_course: list[tuple[str, dict[str, int]]]
    completions_by_course: list[tuple[str, dict[str, int]]]
    bookings_by_agency: list[tuple[str, dict[str, int]]]
    multi_part: list[tuple[str, dict[str, tuple[int, int]]]]  # started, completed
    evaluation: dict[str, rules.Shares]
    trainers_delivering: dict[str, int]
    trainers_in_pool: int


def _year_of(field: str) -> Case | Value:
    """The reporting year of a moment, computed in the database: one comparison per row with
    the 1 April (London midnight) boundaries of the years the sessions span, labelled by the
    pages' own rule (``rules.financial_year``)."""
    span = Session.objects.aggregate(first=Min("starts_at"), last=Max("starts_at"))
    if span["first"] is None:
        return Value("", output_field=CharField())
    first = timezone.localdate(span["first"])
    last = timezone.localdate(span["last"])
    start_year = first.year if first.month >= 4 else first.year - 1
    end_year = last.year if last.month >= 4 else last.year - 1
    zone = timezone.get_current_timezone()
    whens = []
    for year in range(start_year, end_year + 1):
        opens = datetime(year, 4, 1, tzinfo=zone)
        closes = datetime(year + 1, 4, 1, tzinfo=zone)
        label = rules.financial_year(date(year, 4, 1))
        whens.append(When(**{f"{field}__gte": opens, f"{field}__lt": closes}, then=Value(label)))
    return Case(*whens, default=Value(""), output_field=CharField())


def figures() -> Figures:
    """Bookings and completions by course and agency, year on year; evaluation shares; the
    trainers delivering.

    Each session's reporting year is worked out by the database (``_year_of``); bookings and
    evaluations are counted per session there too, without a join, and folded into years here
    over a few thousand rows, so the page costs about the same at any number of bookings.
    Completions of a one-part course are the people present at each session.
    """
    titles = dict(Course.objects.values_list("pk", "title"))
    parts = dict(Course.objects.values_list("pk", "parts"))
    sessions: dict[int, tuple[int, str]] = {
        pk: (course_id, y)
        for pk, course_id, y in Session.objects.annotate(year=_year_of("starts_at")).values_list(
            "pk", "course_id", "year"
        )
    }
    by_course: dict[tuple[Any, str], int] = defaultdict(int)
    by_agency: dict[tuple[Any, str], int] = defaultdict(int)
    completions: dict[tuple[int, str], int] = defaultdict(int)
    live = ~Q(status__in=(BookingStatus.CANCELLED, BookingStatus.DECLINED))
    for session_id, agency, n, present in (
        Booking.objects.values_list("session_id", "agency_type")
        .annotate(
            n=Count("pk", filter=live),
            # One booking per person and session (a constraint): no DISTINCT needed.
            present=Count("pk", filter=Q(attended=True)),
        )
        .order_by()
    ):
        course_id, y = sessions[session_id]
        by_course[(course_id, y)] += n
        by_agency[(agency, y)] += n
        if parts[course_id] == 1:
            completions[(course_id, y)] += present

    # Multi-part courses: per person, the parts attended, counted in the year of the last
    # (years as "2024/25" sort as text in time order, so the latest is the maximum).
    multi_courses = [pk for pk, n in parts.items() if n > 1]
    multi: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for _person, course_id, done, y in (
        Booking.objects.filter(attended=True, session__course_id__in=multi_courses)
        .annotate(year=_year_of("session__starts_at"))
        .values_list("person_id", "session__course_id")
        .annotate(done=Count("session__part", distinct=True), last=Max("year"))
        .order_by()
    ):
        complete = done >= parts[course_id]
        completions[(course_id, y)] += complete
        multi[(course_id, y)][0] += 1
        multi[(course_id, y)][1] += complete

    # Evaluation shares with the rule's meaning of "confidence increased": strictly higher.
    evaluation: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for session_id, answers, met, increased in (
        Evaluation.objects.values_list("booking__session_id")
        .annotate(
            answers=Count("pk"),
            met=Count("pk", filter=Q(met_expectations=True)),
            increased=Count("pk", filter=Q(confidence_after__gt=F("confidence_before"))),
        )
        .order_by()
    ):
        totals = evaluation[sessions[session_id][1]]
        totals[0] += answers
        totals[1] += met
        totals[2] += increased

    trainers_by_year: dict[str, set[int]] = defaultdict(set)
    for session_id, trainer_id in Session.trainers.through.objects.filter(
        session__cancelled_at__isnull=True
    ).values_list("session_id", "trainer_id"):
        trainers_by_year[sessions[session_id][1]].add(trainer_id)
    delivering = {y: len(ids) for y, ids in trainers_by_year.items()}

    years = sorted(
        ({y for _, y in by_course} | {y for _, y in completions} | set(evaluation)) - {""}
    )
    agency_labels = dict(AgencyType.choices)

    def table(counts: dict[tuple[Any, str], int], names: dict[Any, str]) -> list[Any]:
        keys = sorted({k for k, _ in counts}, key=lambda k: str(names.get(k, k)))
        return [(str(names.get(k, k)), {y: counts.get((k, y), 0) for y in years}) for k in keys]

    return Figures(
        years=years,
        bookings_by_course=table(by_course, titles),
        completions_by_course=table(completions, titles),
        bookings_by_agency=table(by_agency, agency_labels),
        multi_part=[
            (
                titles[c],
                {
                    y: (multi[(c, y)][0], multi[(c, y)][1]) if (c, y) in multi else (0, 0)
                    for y in years
                },
            )
            for c in sorted({c for c, _ in multi}, key=lambda c: titles[c])
        ],
        evaluation={
            y: rules.Shares(
                answers=evaluation[y][0],
                met_expectations=evaluation[y][1],
                confidence_increased=evaluation[y][2],
            )
            for y in years
        },
        trainers_delivering={y: delivering.get(y, 0) for y in years},
        trainers_in_pool=Trainer.objects.filter(active=True).count(),
    )


# --- the needs analysis --------------------------------------------------------------------


def needs_surveys() -> QuerySet[NeedsSurvey]:
    return NeedsSurvey.objects.annotate(answered=Count("answers"))


def needs_survey_get(*, pk: int) -> NeedsSurvey:
    survey = NeedsSurvey.objects.filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def needs_answer_of(*, actor: Any, survey: NeedsSurvey) -> NeedsAnswer | None:
    return survey.answers.filter(organisation_id=actor.organisation_id).first()


@dataclass
class NeedsSummary:
    organisations_asked: int
    answers: int
    people: int
    trainers_offered: int
    courses: list[tuple[str, int]]  # course title, organisations asking for it
    modes: list[tuple[str, int]]
    other_needs: list[str]


def needs_summary(*, survey: NeedsSurvey) -> NeedsSummary:
    """What the organisations said, added up: the Business Unit's basis for next year's plan."""
    from safeguard.core.models import OutboxMessage

    answers = survey.answers.all()
    totals = answers.aggregate(people=Sum("people"), trainers=Sum("trainers_offered"))
    courses = (
        Course.objects.filter(needed_by__survey=survey)
        .annotate(n=Count("needed_by"))
        .order_by("-n", "title")
        .values_list("title", "n")
    )
    modes = dict(DeliveryMode.choices)
    by_mode = answers.values_list("preferred_mode").annotate(n=Count("pk")).order_by("-n")
    return NeedsSummary(
        organisations_asked=OutboxMessage.objects.filter(
            reason="training.needs_survey", record_id=str(survey.pk)
        ).count(),
        answers=answers.count(),
        people=totals["people"] or 0,
        trainers_offered=totals["trainers"] or 0,
        courses=list(courses),
        modes=[(str(modes.get(m, m)), n) for m, n in by_mode],
        other_needs=[a for a in answers.values_list("other_needs", flat=True) if a],
    )


def approval_in_words(organisation: Any) -> str:
    """Whether the organisation's bookings wait for an approver, in words (for the link on the
    partnership's organisation page)."""
    setting = (
        OrganisationSetting.objects.filter(organisation=organisation, approval_required=True)
        .select_related("approver")
        .first()
    )
    if setting is None:
        return "bookings need no approval"
    if setting.approver is None:
        return "bookings wait for an approver, none named"
    return f"bookings wait for approval by {setting.approver.full_name}"


def courses_for_theme(theme: str, person: Any) -> list[Any]:
    """The active courses that name ``theme`` among the review themes they address, as the
    kernel's ``themes.Offer`` (registered in ``apps``): only for someone who may open the
    catalogue, so every link shown opens for them."""
    from django.urls import reverse

    from safeguard.core.themes import Offer

    if not policies.can(person, Cap.BOOK):
        return []
    wanted = theme.strip().casefold()
    found = []
    for course in Course.objects.filter(active=True).order_by("title"):
        if any(str(name).strip().casefold() == wanted for name in course.review_themes or []):
            parts = f", {course.parts} parts" if course.parts > 1 else ""
            found.append(
                Offer(
                    title=course.title,
                    url=reverse("training:course", kwargs={"pk": course.pk}),
                    detail=f"{course.get_kind_display()}{parts}, last updated "
                    f"{course.last_updated_on.day} {course.last_updated_on:%B %Y}",
                )
            )
    return found


def account_requests_for(*, actor: Any) -> QuerySet[Any]:
    """The requests waiting for this person's decision: every one for the Business Unit, their
    own organisation's for a named approver; none for anyone else."""
    from safeguard.training.models import AccountRequest, AccountRequestStatus

    rows = AccountRequest.objects.filter(status=AccountRequestStatus.PENDING).select_related(
        "organisation"
    )
    if policies.can(actor, Cap.MANAGE):
        return rows
    if not policies.may_see_account_requests(actor):
        return rows.none()
    return rows.filter(
        organisation_id=actor.organisation_id,
        organisation_id__in=OrganisationSetting.objects.filter(approver_id=actor.pk).values(
            "organisation_id"
        ),
    )


def account_request_for(*, actor: Any, pk: int) -> Any:
    """One request this person may decide (or has: the Business Unit sees decided ones too),
    read audited; 404 with the refusal audited otherwise."""
    from safeguard.training.models import AccountRequest

    row = AccountRequest.objects.select_related("organisation", "decided_by").filter(pk=pk).first()
    if row is None or not policies.may_decide_account_request(actor, row):
        raise _refused(actor, "training.account_request", pk)
    audit.record_view(actor=actor, record_type="training.account_request", record_id=row.pk)
    return row
