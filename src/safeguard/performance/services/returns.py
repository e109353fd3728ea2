"""Partner returns: a value and its narrative for each indicator and period.

A return comes by form (one value) or by file (many values, all or nothing: one bad row and
nothing is saved). Saving a value meets the return's clock, and reads the series again so that a
new special cause concern opens an exception in the same transaction. A worker job opens the
clock of each return as its period ends and chases the late ones through the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from safeguard.core import audit
from safeguard.core.clock import london_date
from safeguard.core.models import ApiKey, Deadline
from safeguard.core.models.audit import AuditAction
from safeguard.core.outbox import message_enqueue
from safeguard.core.services.deadlines import deadline_meet, deadline_open_working_days
from safeguard.performance import periods, policies, rules
from safeguard.performance.models import COMPUTED, Indicator, Observation, ObservationSource
from safeguard.performance.selectors import submitters
from safeguard.performance.services import exceptions

logger = logging.getLogger("safeguard.performance")

OBSERVATION = "performance.observation"
MODULE = "performance"
RETURN_KIND = "return"
RETURN_SUBJECT = "performance.return"
RETURN_WORKING_DAYS = 10


# Refusing a value for another organisation's indicator: the API audits it as a refused attempt.
NOT_YOURS = "Your organisation does not own this indicator"


def _path(name: str, fallback: str, query: dict[str, Any] | None = None) -> str:
    try:
        path = reverse(name)
    except NoReverseMatch:  # before the module's pages are mounted
        path = fallback
    return f"{path}?{urlencode(query)}" if query else path


def return_subject(indicator_id: int, period_start: date) -> str:
    return f"{indicator_id}:{periods.short(period_start)}"


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str


class ImportRefused(Exception):
    """A return file with at least one bad row; nothing was saved."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problems in the file")


@dataclass(frozen=True)
class ReturnRow:
    line: int
    indicator: str
    period: str
    value: str
    narrative: str


def _period_problem(start: date, frequency: str, today: date) -> str | None:
    if periods.period_end(start, frequency) >= today:
        return "The period has not ended yet: give its value once it has"
    return None


def _check_narrative(narrative: str) -> str | None:
    if not narrative.strip():
        return "Enter a narrative: what the figure shows and why"
    if len(narrative) > 5000:
        return "Narrative must be 5,000 characters or fewer"
    return None


def _save(
    *,
    actor: Any,
    indicator: Indicator,
    period_start: date,
    value: Decimal,
    narrative: str,
    source: str,
    now: datetime,
) -> Observation:
    existing = (
        Observation.objects.select_for_update()
        .filter(indicator=indicator, period_start=period_start)
        .first()
    )
    before = (
        {}
        if existing is None
        else {"value": rules.as_text(existing.value), "narrative_length": len(existing.narrative)}
    )
    if existing is not None and existing.value == value and existing.narrative == narrative.strip():
        return existing  # the same return sent again: nothing to change or record
    observation = existing or Observation(indicator=indicator, period_start=period_start)
    observation.value = value
    observation.narrative = narrative.strip()
    observation.source = source
    observation.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    observation.submitted_at = now
    observation.save()
    after = {"value": rules.as_text(value), "narrative_length": len(observation.narrative)}
    if existing is None:
        after |= {"indicator": indicator.pk, "period": periods.short(period_start)}
    audit.record(
        action=AuditAction.CREATE if existing is None else AuditAction.UPDATE,
        record_type=OBSERVATION,
        record_id=observation.pk,
        actor=actor,
        changes=audit.diff(before, after),
        detail=f"source {source}",
    )
    deadline = Deadline.objects.filter(
        module=MODULE,
        kind=RETURN_KIND,
        subject_type=RETURN_SUBJECT,
        subject_id=return_subject(indicator.pk, period_start),
    ).first()
    if deadline is not None and deadline.cancelled_at is None:
        deadline_meet(deadline=deadline, met_at=now, actor=actor)
    return observation


def observation_submit(
    *,
    actor: Any,
    indicator: Indicator,
    period_start: date,
    value: Decimal,
    narrative: str,
    now: datetime | None = None,
) -> Observation:
    """One value with its narrative, by form."""
    if not policies.can_submit_for(actor, indicator.owner_organisation_id):
        raise PermissionDenied
    errors: dict[str, str] = {}
    moment = now or timezone.now()
    if indicator.fed_by_census:
        raise ValidationError({"indicator": COMPUTED_FROM_RECORDS})
    if indicator.fed_by_measure:
        raise ValidationError({"indicator": COUNTED_FROM_SAFEGUARD})
    if not periods.is_period_start(period_start, indicator.frequency):
        errors["period"] = "Choose the start of one of the indicator's periods"
    elif problem := _period_problem(period_start, indicator.frequency, london_date(moment)):
        errors["period"] = problem
    problem = rules.value_problem(value, indicator.unit)
    if problem:
        errors["value"] = problem
    problem = _check_narrative(narrative)
    if problem:
        errors["narrative"] = problem
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        observation = _save(
            actor=actor,
            indicator=indicator,
            period_start=period_start,
            value=value,
            narrative=narrative,
            source=ObservationSource.FORM,
            now=moment,
        )
        exceptions.exceptions_scan(indicator=indicator, now=moment)
    return observation


COMPUTED_FROM_RECORDS = (
    "This indicator is computed from the census import, not submitted as a return"
)
# One source per series: a series counted from Safeguard's records takes no return.
COUNTED_FROM_SAFEGUARD = (
    "This indicator is counted from Safeguard's own records, not submitted as a return: "
    "the Business Unit can count it again from its page"
)


def _validate_rows(
    *,
    may_submit: Callable[[int], bool],
    rows: list[ReturnRow],
    today: date,
    from_records: bool = False,
) -> tuple[list[tuple[Indicator, date, Decimal, str]], list[RowError]]:
    codes = {row.indicator.strip() for row in rows}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    errors: list[RowError] = []
    good: list[tuple[Indicator, date, Decimal, str]] = []
    seen: dict[tuple[int, date], int] = {}
    for row in rows:
        before = len(errors)
        indicator = indicators.get(row.indicator.strip())
        if indicator is None or not indicator.active:
            errors.append(RowError(row.line, "indicator", "No active indicator has this code"))
            continue
        if indicator.fed_by_census != from_records:
            # One source per series: a census figure never mixes with submitted returns.
            errors.append(
                RowError(
                    row.line,
                    "indicator",
                    COMPUTED_FROM_RECORDS
                    if indicator.fed_by_census
                    else "This indicator is not computed from the census",
                )
            )
            continue
        if indicator.fed_by_measure:
            errors.append(RowError(row.line, "indicator", COUNTED_FROM_SAFEGUARD))
            continue
        if not may_submit(indicator.owner_organisation_id):
            errors.append(RowError(row.line, "indicator", NOT_YOURS))
            continue
        start: date | None = None
        try:
            start = periods.parse(row.period, indicator.frequency)
        except ValueError as error:
            errors.append(RowError(row.line, "period", str(error)))
        if start is not None and (problem := _period_problem(start, indicator.frequency, today)):
            errors.append(RowError(row.line, "period", problem))
            start = None
        value, problem = rules.parse_value(row.value, indicator.unit)
        if problem:
            errors.append(RowError(row.line, "value", problem))
        problem = _check_narrative(row.narrative)
        if problem:
            errors.append(RowError(row.line, "narrative", problem))
        if start is not None:
            first = seen.setdefault((indicator.pk, start), row.line)
            if first != row.line:
                errors.append(
                    RowError(row.line, "period", f"Same indicator and period as line {first}")
                )
        if len(errors) == before and start is not None and value is not None:
            good.append((indicator, start, value, row.narrative))
    return good, errors


def observations_import(
    *,
    actor: Any,
    rows: list[ReturnRow],
    now: datetime | None = None,
    api_key: ApiKey | None = None,
    source: str | None = None,
) -> int:
    """Save every row or none. Raises ``ImportRefused`` listing every bad row.

    From the API, ``actor`` is None and the key's organisation is the one submitting. Saving a
    row again with the same value changes nothing, so a resent batch is harmless. Values computed
    from record-level data (the census import) come through here too, with
    ``source=ObservationSource.RECORDS`` and a narrative that names the import.
    """
    if not rows:
        raise ImportRefused([RowError(1, "file", "The file has no rows of values")])
    moment = now or timezone.now()

    def may_submit(owner_organisation_id: int) -> bool:
        if api_key is not None:
            return api_key.organisation_id == owner_organisation_id
        return policies.can_submit_for(actor, owner_organisation_id)

    good, errors = _validate_rows(
        may_submit=may_submit,
        rows=rows,
        today=london_date(moment),
        from_records=source == ObservationSource.RECORDS,
    )
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        touched: dict[int, Indicator] = {}
        for indicator, start, value, narrative in good:
            _save(
                actor=actor,
                indicator=indicator,
                period_start=start,
                value=value,
                narrative=narrative,
                source=source
                or (ObservationSource.UPLOAD if api_key is None else ObservationSource.API),
                now=moment,
            )
            touched[indicator.pk] = indicator
        for indicator in touched.values():
            exceptions.exceptions_scan(indicator=indicator, now=moment)
    return len(good)


def returns_open_due(*, now: datetime) -> int:
    """Open the clock of the latest ended period's return for each active indicator still
    without a value. Idempotent: an open clock is left as it is."""
    today = london_date(now)
    opened = 0
    submitted = Indicator.objects.filter(active=True).exclude(COMPUTED)  # computed: no return
    for indicator in submitted.select_related("owner_organisation"):
        start = periods.latest_ended(today, indicator.frequency)
        if Observation.objects.filter(indicator=indicator, period_start=start).exists():
            continue
        subject = return_subject(indicator.pk, start)
        if Deadline.objects.filter(
            module=MODULE, kind=RETURN_KIND, subject_type=RETURN_SUBJECT, subject_id=subject
        ).exists():
            continue
        link = _path(
            "performance:return_submit",
            "/performance/returns/submit",
            {"indicator": indicator.pk, "period": periods.short(start)},
        )
        deadline_open_working_days(
            module=MODULE,
            kind=RETURN_KIND,
            title=f"Return: {indicator.name}, {periods.label(start, indicator.frequency)}"[:200],
            subject_type=RETURN_SUBJECT,
            subject_id=subject,
            starts_on=periods.period_end(start, indicator.frequency),
            working_days=RETURN_WORKING_DAYS,
            owner_organisation=indicator.owner_organisation,
            link=link,
        )
        opened += 1
    return opened


def returns_chase_late(*, now: datetime) -> int:
    """Remind the owner organisation of each overdue return, once a week while it stays late.

    The dedupe key names the week of lateness, so running the job again the same week sends
    nothing new.
    """
    late = Deadline.objects.filter(
        module=MODULE,
        kind=RETURN_KIND,
        met_at__isnull=True,
        cancelled_at__isnull=True,
        due_at__lt=now,
    )
    link = _path("performance:returns", "/performance/returns")
    queued = 0
    for deadline in late:
        weeks = (now - deadline.due_at).days // 7
        if deadline.owner_organisation_id is None:
            continue
        with transaction.atomic():
            for person in submitters(deadline.owner_organisation_id):
                message_enqueue(
                    recipient=person,
                    subject="A scorecard return is overdue",
                    body="A performance return for the partnership scorecard is overdue."
                    " Please submit the value and its narrative.",
                    link=link,
                    reason="performance return overdue",
                    record_type="core.deadline",
                    record_id=deadline.pk,
                    dedupe_key=f"performance:return-late:{deadline.pk}:{person.pk}:{weeks}",
                )
                queued += 1
    return queued
