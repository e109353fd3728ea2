"""The scorecard's measures of learning and development, counted from this module's records
(ADR 0014): places booked, attendances, completion, evaluations returned, and the 3-month
follow-up's change in practice.

Sessions count in the period they start in (London dates); follow-ups in the period they were
returned. Cancelled sessions count for nothing. Each measure is one or two aggregate queries.
A period that ended before the first session is a gap, as is a percentage of nobody.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Min, Q

from safeguard.core.clock import london_date, start_of_day
from safeguard.core.measures import Measure, register
from safeguard.training import rules
from safeguard.training.models import Booking, BookingStatus, FollowUp, Session


def first_day() -> date | None:
    """The day of the first session: the module was not in use before it."""
    first = Session.objects.aggregate(first=Min("starts_at"))["first"]
    return None if first is None else london_date(first)


def _in_use(end: date) -> bool:
    first = first_day()
    return first is not None and first < end


def _percent(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def _held(start: date, end: date) -> Q:
    """Bookings on sessions starting in the period that were not cancelled."""
    return Q(
        session__starts_at__gte=start_of_day(start),
        session__starts_at__lt=start_of_day(end),
        session__cancelled_at__isnull=True,
    )


def places_booked(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    return Decimal(Booking.objects.filter(_held(start, end), status=BookingStatus.BOOKED).count())


def attendances(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    return Decimal(Booking.objects.filter(_held(start, end), attended=True).count())


def completion_rate(start: date, end: date) -> Decimal | None:
    """Of the people with a place on a course's first part in the period, the share who have
    attended every part of the course (``rules.is_complete``) by the time of counting.

    A place attended on a one-part course is complete at once; only the others (several parts,
    or not attended here) are looked up, in one grouped query over their attended bookings."""
    if not _in_use(end):
        return None
    starters: dict[tuple[int, int], tuple[int, bool]] = {}
    for person, course, parts, attended in Booking.objects.filter(
        _held(start, end), status=BookingStatus.BOOKED, session__part=1
    ).values_list("person_id", "session__course_id", "session__course__parts", "attended"):
        was = starters.get((person, course), (parts, False))[1]
        starters[(person, course)] = (parts, was or bool(attended))
    if not starters:
        return None
    complete = sum(1 for parts, attended in starters.values() if parts == 1 and attended)
    open_ = {
        pair: parts for pair, (parts, attended) in starters.items() if parts > 1 or not attended
    }
    if open_:
        done = (
            Booking.objects.filter(
                attended=True,
                person_id__in={person for person, _ in open_},
                session__course_id__in={course for _, course in open_},
            )
            .values_list("person_id", "session__course_id")
            .annotate(parts=Count("session__part", distinct=True))
            .order_by()
        )
        complete += sum(
            1 for person, course, parts in done if open_.get((person, course), 99) <= parts
        )
    return _percent(complete, len(starters))


def evaluations_returned(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    found = Booking.objects.filter(_held(start, end), attended=True).aggregate(
        attended=Count("pk"), returned=Count("pk", filter=Q(evaluation__isnull=False))
    )
    return _percent(found["returned"], found["attended"])


def practice_changed(start: date, end: date) -> Decimal | None:
    if not _in_use(end):
        return None
    found = FollowUp.objects.filter(
        submitted_at__gte=start_of_day(start), submitted_at__lt=start_of_day(end)
    ).aggregate(returned=Count("pk"), changed=Count("pk", filter=Q(practice_changed=True)))
    return _percent(found["changed"], found["returned"])


MEASURES = (
    Measure(
        key="training.places_booked",
        name="Training places booked",
        definition="Places booked (not waiting, not cancelled) on the partnership's sessions "
        "that started in the period, by practitioners of every agency.",
        unit="count",
        polarity="up",
        theme="training",
        count=places_booked,
        first_day=first_day,
    ),
    Measure(
        key="training.attendances",
        name="Training attendances",
        definition="People marked present on the register of sessions that started in the "
        "period (each part of a course counts once).",
        unit="count",
        polarity="up",
        theme="training",
        count=attendances,
        first_day=first_day,
    ),
    Measure(
        key="training.completion_rate",
        name="Training completion",
        definition="Of the people with a place on the first part of a course in the period, the "
        "percentage who have attended every part of it (a two-part course is complete only "
        "when part 2 is done too), as counted on the day. Recent periods rise as later parts "
        "are attended.",
        unit="percentage",
        polarity="up",
        theme="training",
        count=completion_rate,
        numerator="People who attended every part of the course",
        denominator="People with a place on the course's first part in the period",
        first_day=first_day,
    ),
    Measure(
        key="training.evaluations_returned",
        name="Training evaluations returned",
        definition="Of the people present at sessions in the period, the percentage who "
        "returned the evaluation.",
        unit="percentage",
        polarity="up",
        theme="training",
        count=evaluations_returned,
        numerator="Evaluations returned",
        denominator="Attendances at sessions in the period",
        first_day=first_day,
    ),
    Measure(
        key="training.practice_changed",
        name="Follow-ups reporting a change in practice",
        definition=f"Of the {rules.FOLLOW_UP_MONTHS}-month follow-ups returned in the period, "
        "the percentage saying the training changed the person's practice: how the "
        "partnership starts to show the impact of training.",
        unit="percentage",
        polarity="up",
        theme="training",
        count=practice_changed,
        numerator="Follow-ups reporting a change in practice",
        denominator="Follow-ups returned in the period",
        first_day=first_day,
    ),
)


def register_measures() -> None:
    for measure in MEASURES:
        register(measure)


register_measures()  # when the app loads (apps.py imports this module)
