"""Background work of the reviews module: reminders and chasing. Idempotent.

Runs from the worker about hourly. An agency request gets one reminder when it falls due within
two working days; each overdue agency request is chased at most once a week (the
message's dedupe key carries the ISO week), so running it again is harmless.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.models import Deadline
from safeguard.reviews.models import AgencyRequest
from safeguard.reviews.services._common import MODULE, tell
from safeguard.reviews.services.rapid_reviews import agency_people

REMIND_WORKING_DAYS = 2


def _day(day: date) -> str:
    """GOV.UK style: "4 December 2026"."""
    return f"{day.day} {day:%B %Y}"


def remind_due_soon(now: datetime) -> int:
    """One reminder per agency request due within two working days and not yet answered."""
    from safeguard.core import holidays
    from safeguard.core.clock import end_of_day

    horizon = end_of_day(holidays.add_working_days(london_date(now), REMIND_WORKING_DAYS))
    due_soon = Deadline.objects.filter(
        module=MODULE,
        kind="agency_information",
        met_at__isnull=True,
        cancelled_at__isnull=True,
        due_at__gte=now,
        due_at__lte=horizon,
    ).select_related("owner_organisation")
    sent = 0
    for deadline in due_soon:
        request = (
            AgencyRequest.objects.filter(pk=deadline.subject_id)
            .select_related("rapid_review__incident")
            .first()
        )
        if request is None or deadline.owner_organisation is None:
            continue
        incident = request.rapid_review.incident
        with transaction.atomic():
            sent += tell(
                people=agency_people(deadline.owner_organisation),
                subject=f"Due soon: {deadline.title}",
                body=f"Your agency's summary and chronology for {incident.reference} are due by"
                f" {_day(london_date(deadline.due_at))}. Sign in to provide them.",
                link=deadline.link,
                reason="reviews.due_soon_reminder",
                record_type=deadline.subject_type,
                record_id=deadline.subject_id,
                event="due-soon",
            )
    return sent


def chase_overdue(now: datetime | None = None) -> int:
    """Remind what falls due soon, and chase the owner of every overdue agency request (the
    action plan, ``governance.tasks``, chases the actions)."""
    now = now or timezone.now()
    remind_due_soon(now)
    year, week, _ = london_date(now).isocalendar()
    overdue = Deadline.objects.filter(
        module=MODULE,
        kind="agency_information",
        met_at__isnull=True,
        cancelled_at__isnull=True,
        due_at__lt=now,
    ).select_related("owner_organisation")
    sent = 0
    for deadline in overdue:
        owner = deadline.owner_organisation
        if owner is None:
            continue
        request = (
            AgencyRequest.objects.filter(pk=deadline.subject_id)
            .select_related("rapid_review__incident")
            .first()
        )
        what = "Your agency's summary and chronology"
        incident = request.rapid_review.incident if request else None
        if incident is None:
            continue
        with transaction.atomic():
            sent += tell(
                people=agency_people(owner),
                subject=f"Overdue: {deadline.title}",
                body=f"{what} for {incident.reference} is overdue. Sign in to bring it up to date.",
                link=deadline.link,
                reason="reviews.overdue_chased",
                record_type=deadline.subject_type,
                record_id=deadline.subject_id,
                event=f"chase-{year}-w{week}",
            )
    return sent
