"""Exceptions: a new special cause concern asks the owner organisation to explain it.

"New" means a new streak: the latest value reads as a concern and no exception exists yet for
any period of the unbroken run of concern values ending with it. So reading a series again
(after every return, or from a job) never opens a second exception for the same signal, and a
signal that ends and comes back opens a fresh one. The explanation is due before the next PMSG
meeting that is at least five working days away (or in 20 working days when none is set); the
PMSG records its view and closes it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from safeguard.core import audit, holidays
from safeguard.core.clock import end_of_day, london_date, start_of_day
from safeguard.core.models import Deadline
from safeguard.core.models.audit import AuditAction
from safeguard.core.outbox import message_enqueue
from safeguard.core.services.deadlines import deadline_cancel, deadline_meet, deadline_open
from safeguard.performance import periods, policies
from safeguard.performance.agenda import next_meeting_on
from safeguard.performance.models import Indicator, IndicatorException
from safeguard.performance.selectors import reading_for, submitters

EXCEPTION = "performance.exception"
MODULE = "performance"
KIND = "exception"
NOTICE_WORKING_DAYS = 5
DEFAULT_WORKING_DAYS = 20


def _link(exception: IndicatorException) -> str:
    try:
        return reverse("performance:exception_detail", kwargs={"pk": exception.pk})
    except NoReverseMatch:
        return f"/performance/exceptions/{exception.pk}"


def _working_days_before(day: date, n: int) -> date:
    """The n-th working day before ``day`` (``day`` itself never counts)."""
    found = day
    while n > 0:
        found -= timedelta(days=1)
        if holidays.is_working_day(found):
            n -= 1
    return found


def explanation_due(now: datetime) -> tuple[datetime, str]:
    """When the explanation is due, and the rule that says so.

    It is due at the end of the day ``settings.PMSG_PAPERS_WORKING_DAYS`` working days before
    the next PMSG meeting, so that it can go in the meeting's papers; the meeting chosen is the
    first whose due day leaves the owner at least ``NOTICE_WORKING_DAYS`` working days.
    """
    today = london_date(now)
    papers = settings.PMSG_PAPERS_WORKING_DAYS
    earliest = holidays.add_working_days(today, NOTICE_WORKING_DAYS + papers)
    held_on = next_meeting_on(earliest)  # the scorecard's own dates or governance's meetings
    if held_on is not None:
        due_on = _working_days_before(held_on, papers)
        held = f"{held_on.day} {held_on:%B %Y}"
        when = (
            f"{papers} working day{'s' if papers != 1 else ''} before"
            if papers
            else "By the start of"
        )
        return (
            end_of_day(due_on) if papers else start_of_day(held_on),
            f"{when} the PMSG meeting on {held}, for its papers",
        )
    due_on = holidays.add_working_days(today, DEFAULT_WORKING_DAYS)
    return end_of_day(due_on), f"{DEFAULT_WORKING_DAYS} working days (no PMSG meeting set)"


def _clock(exception: IndicatorException) -> Deadline | None:
    return Deadline.objects.filter(
        module=MODULE, kind=KIND, subject_type=EXCEPTION, subject_id=str(exception.pk)
    ).first()


def exceptions_scan(
    *, indicator: Indicator, now: datetime | None = None
) -> IndicatorException | None:
    """Open an exception if the series shows a new special cause concern; else do nothing."""
    moment = now or timezone.now()
    reading = reading_for(indicator)
    streak = reading.concern_streak()
    if not streak or reading.latest is None:
        return None
    if IndicatorException.objects.filter(indicator=indicator, period_start__in=streak).exists():
        return None
    due_at, rule = explanation_due(moment)
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a concurrent scan may have opened it
                exception = IndicatorException.objects.create(
                    indicator=indicator,
                    period_start=streak[-1],
                    special_cause=str(reading.latest.special_cause),
                    owner_organisation_id=indicator.owner_organisation_id,
                    opened_at=moment,
                    due_at=due_at,
                )
        except IntegrityError:
            return None
        audit.record(
            action=AuditAction.CREATE,
            record_type=EXCEPTION,
            record_id=exception.pk,
            changes={
                "indicator": [None, indicator.pk],
                "period": [None, periods.short(exception.period_start)],
                "special_cause": [None, exception.special_cause],
            },
        )
        link = _link(exception)
        deadline_open(
            module=MODULE,
            kind=KIND,
            title=f"Explain: {indicator.name}"[:200],
            subject_type=EXCEPTION,
            subject_id=exception.pk,
            starts_at=moment,
            due_at=due_at,
            rule=rule,
            owner_organisation=indicator.owner_organisation,
            link=link,
        )
        for person in submitters(indicator.owner_organisation_id):
            message_enqueue(
                recipient=person,
                subject="A scorecard indicator needs an explanation",
                body="The partnership's early warning found a special cause concern in an"
                " indicator your organisation owns. Please explain it before the next PMSG.",
                link=link,
                reason="performance exception opened",
                record_type=EXCEPTION,
                record_id=exception.pk,
                dedupe_key=f"performance:exception:{exception.pk}:{person.pk}",
            )
    return exception


def exception_explain(
    *, actor: Any, exception: IndicatorException, explanation: str
) -> IndicatorException:
    if not policies.can_explain(actor, exception):
        raise PermissionDenied
    if not explanation.strip():
        raise ValidationError({"explanation": "Enter the explanation for the PMSG"})
    if len(explanation) > 5000:
        raise ValidationError({"explanation": "Explanation must be 5,000 characters or fewer"})
    now = timezone.now()
    with transaction.atomic():
        current = IndicatorException.objects.select_for_update().get(pk=exception.pk)
        if current.closed_at is not None:
            raise ValidationError({"explanation": "This exception is already closed"})
        first = current.explained_at is None
        current.explanation = explanation.strip()
        current.explained_by = actor
        current.explained_at = now
        current.save(update_fields=["explanation", "explained_by", "explained_at"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=EXCEPTION,
            record_id=current.pk,
            actor=actor,
            changes={
                "explained": [not first, True],
                "explanation_length": [None, len(current.explanation)],
            },
        )
        clock = _clock(current)
        if clock is not None and clock.cancelled_at is None:
            deadline_meet(deadline=clock, met_at=now, actor=actor)
    return current


def exception_close(
    *, actor: Any, exception: IndicatorException, pmsg_view: str
) -> IndicatorException:
    if not policies.can_close(actor, exception):
        raise PermissionDenied
    if not pmsg_view.strip():
        raise ValidationError({"pmsg_view": "Enter the PMSG's view before closing"})
    if len(pmsg_view) > 5000:
        raise ValidationError({"pmsg_view": "The PMSG's view must be 5,000 characters or fewer"})
    now = timezone.now()
    with transaction.atomic():
        current = IndicatorException.objects.select_for_update().get(pk=exception.pk)
        if current.closed_at is not None:
            raise ValidationError({"pmsg_view": "This exception is already closed"})
        current.pmsg_view = pmsg_view.strip()
        current.closed_by = actor
        current.closed_at = now
        current.save(update_fields=["pmsg_view", "closed_by", "closed_at"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=EXCEPTION,
            record_id=current.pk,
            actor=actor,
            changes={
                "state": ["open", "closed"],
                "explained": [None, current.explained_at is not None],
            },
        )
        clock = _clock(current)
        if clock is not None and clock.met_at is None and clock.cancelled_at is None:
            deadline_cancel(deadline=clock, actor=actor)
    return current
