"""Indicators counted from Safeguard's own records: each linked to a measure a module registered.

A module that keeps the records of a figure (MARAC referrals, child deaths reviewed, training
completions ...) registers a ``Measure`` in the kernel (``safeguard.core.measures``, ADR 0014);
a catalogue indicator names it by ``measure_key``. Counting asks the measure for every complete
period from the one containing the module's first record (``Measure.first_day``; without it,
``HISTORY_YEARS`` back) up to the last period that has ended, and writes each value into the
series with ``source=MEASURE``:

- idempotent: a value already right is left alone, so counting again changes nothing and audits
  nothing; a value that changed is replaced; a counted value whose period the records now leave
  a gap (``count`` answered None) is removed;
- one source per series: a period holding a value from any other source (a return made before
  the indicator was linked, the census, the demo) is kept as it is, never replaced;
- all or nothing per indicator: a value the unit cannot take (a percentage over 100) refuses
  that indicator's count with the reason, changing nothing;
- audited as one change of the indicator carrying counts only (periods created, updated,
  removed, kept, gaps): a measure is an aggregate, so no child's record was read.

The worker counts every linked indicator each hour (``tasks.measures_count``); the Business Unit
counts one, or all, at once with "Count now" (a background job with its progress page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core import audit, measures
from safeguard.core.clock import london_date
from safeguard.core.models import Deadline
from safeguard.core.models.audit import AuditAction
from safeguard.core.services import jobs
from safeguard.core.services.deadlines import deadline_meet
from safeguard.performance import periods, policies, rules
from safeguard.performance.models import MEASURE_FED, Indicator, Observation, ObservationSource
from safeguard.performance.services import catalogue, exceptions
from safeguard.performance.services.returns import (
    MODULE,
    RETURN_KIND,
    RETURN_SUBJECT,
    return_subject,
)

COUNT_JOB = "Count from Safeguard's records"
HISTORY_YEARS = 5  # how far back to look for a measure that cannot say where its records begin
_PLACES = Decimal("0.0001")


@dataclass
class Counted:
    """What one count did to one indicator's series."""

    indicator: Indicator
    periods: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    kept: int = 0
    gaps: int = 0
    problem: str = ""
    first: date | None = None
    last: date | None = None

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.removed

    def as_changes(self) -> dict[str, int]:
        return {
            "periods": self.periods,
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "kept": self.kept,
            "gaps": self.gaps,
        }


@dataclass
class CountRun:
    counted: list[Counted] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(c.changed for c in self.counted)


def counted_periods(measure: measures.Measure, frequency: str, today: date) -> list[date]:
    """The periods to count: from the one containing the module's first record to the last
    complete one (none when the module has no record yet)."""
    if measure.first_day is not None:
        first = measure.first_day()
        if first is None:
            return []
    else:
        first = date(today.year - HISTORY_YEARS, today.month, 1)
    return periods.complete_from(first, today, frequency)


def _narrative(measure: measures.Measure, day: date) -> str:
    return (
        f"Counted from Safeguard's records ({measure.name}) on {day.day} {day:%B %Y}. "
        "Counting again replaces this value."
    )


def _values(
    measure: measures.Measure, indicator: Indicator, starts: list[date]
) -> tuple[dict[date, Decimal | None], str]:
    """Each period's value (None for a gap), from the first period with data; or a problem."""
    found: dict[date, Decimal | None] = {}
    for start in starts:
        value = measure.count(start, periods.next_start(start, indicator.frequency))
        if value is None and not found:
            continue  # before the first period with data: not a gap, not counted
        if value is not None:
            value = Decimal(value).quantize(_PLACES)
            problem = rules.value_problem(value, indicator.unit)
            if problem:
                label = periods.label(start, indicator.frequency)
                return {}, f"{label}: the measure counted {value}, refused: {problem.lower()}"
        found[start] = value
    return found, ""


def _meet_return_clock(indicator: Indicator, start: date, now: datetime, actor: Any) -> None:
    """A return clock opened before the indicator was linked is met by the counted value."""
    deadline = Deadline.objects.filter(
        module=MODULE,
        kind=RETURN_KIND,
        subject_type=RETURN_SUBJECT,
        subject_id=return_subject(indicator.pk, start),
        met_at__isnull=True,
        cancelled_at__isnull=True,
    ).first()
    if deadline is not None:
        deadline_meet(deadline=deadline, met_at=now, actor=actor)


def indicator_count(*, actor: Any, indicator: Indicator, now: datetime | None = None) -> Counted:
    """Count one linked indicator's series from the records. ``actor`` None is the worker."""
    if actor is not None and not policies.can_manage(actor):
        raise PermissionDenied
    moment = now or timezone.now()
    result = Counted(indicator=indicator)
    measure = measures.get(indicator.measure_key)
    if not indicator.measure_key or measure is None:
        result.problem = "No measure of Safeguard's records counts this indicator"
        return result
    problem = catalogue.measure_problem(indicator)
    if problem:
        result.problem = problem
        return result
    today = london_date(moment)
    values, result.problem = _values(
        measure, indicator, counted_periods(measure, indicator.frequency, today)
    )
    if result.problem:
        return result
    result.periods = len(values)
    if values:
        result.first, result.last = min(values), max(values)
    person = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        existing = {
            o.period_start: o
            for o in Observation.objects.select_for_update().filter(
                indicator=indicator, period_start__in=list(values)
            )
        }
        for start, value in values.items():
            have = existing.get(start)
            if have is not None and have.source != ObservationSource.MEASURE:
                result.kept += 1  # one source per series: never replace another's value
                continue
            if value is None:
                result.gaps += 1
                if have is not None:
                    have.delete()
                    result.removed += 1
                continue
            if have is not None and have.value == value:
                result.unchanged += 1
                continue
            row = have or Observation(indicator=indicator, period_start=start)
            row.value = value
            row.narrative = _narrative(measure, today)
            row.source = ObservationSource.MEASURE
            row.submitted_by = person
            row.submitted_at = moment
            row.save()
            if have is None:
                result.created += 1
                _meet_return_clock(indicator, start, moment, actor)
            else:
                result.updated += 1
        if result.changed:
            audit.record(
                action=AuditAction.UPDATE,
                record_type=catalogue.INDICATOR,
                record_id=indicator.pk,
                actor=person,
                changes={"counted": result.as_changes()},
                detail=f"counted from Safeguard's records ({indicator.measure_key})",
            )
            exceptions.exceptions_scan(indicator=indicator, now=moment)
    return result


def linked_indicators() -> list[Indicator]:
    return list(
        Indicator.objects.filter(MEASURE_FED, active=True)
        .select_related("owner_organisation")
        .order_by("theme", "name")
    )


def _quiet(**_: object) -> None:
    return None


def indicators_count(
    *,
    actor: Any,
    indicators: list[Indicator],
    now: datetime | None = None,
    progress: Callable[..., None] = _quiet,
) -> CountRun:
    """Count each indicator in turn (each its own transaction), telling ``progress``."""
    run = CountRun()
    done_periods = 0
    for number, indicator in enumerate(indicators, start=1):
        progress(stage=f"Counting {indicator.name} ({number} of {len(indicators)})")
        counted = indicator_count(actor=actor, indicator=indicator, now=now)
        run.counted.append(counted)
        done_periods += counted.periods
        progress(rows_read=done_periods)
    return run


def measures_count_all(*, now: datetime | None = None) -> CountRun:
    """The worker's hourly count of every active linked indicator (idempotent)."""
    return indicators_count(actor=None, indicators=linked_indicators(), now=now)


def _row(counted: Counted) -> dict[str, Any]:
    indicator = counted.indicator
    frequency = indicator.frequency
    return {
        "indicator_pk": indicator.pk,
        "indicator_name": indicator.name,
        "from": periods.label(counted.first, frequency) if counted.first else "",
        "to": periods.label(counted.last, frequency) if counted.last else "",
        **counted.as_changes(),
        "unchanged": counted.unchanged,
        "problem": counted.problem,
    }


def count_job(*, job_id: int, indicator_ids: list[int]) -> None:
    """The background half of "Count now": count each indicator, report on the job page."""
    job = jobs.job_claim(job_id)
    if job is None:
        return
    with jobs.reporting_failure(job_id):
        found = {
            i.pk: i
            # Chosen by the person: counted even when off the scorecard.
            for i in Indicator.objects.filter(pk__in=indicator_ids).exclude(measure_key="")
        }
        chosen = [found[pk] for pk in indicator_ids if pk in found]
        try:
            run = indicators_count(
                actor=job.started_by,
                indicators=chosen,
                progress=lambda **step: jobs.job_progress(job_id, **step),
            )
        except PermissionDenied:
            jobs.job_failed(
                job_id,
                failure="The person who asked may no longer change the catalogue, so nothing "
                "was counted.",
            )
            return
        back = (
            reverse("performance:indicator_detail", kwargs={"pk": chosen[0].pk})
            if len(chosen) == 1
            else reverse("performance:measures")
        )
        jobs.job_succeeded(
            job_id,
            result={"rows": [_row(c) for c in run.counted], "changed": run.changed},
            result_template="performance/count_result.html",
            result_url=back,
            result_label="See the indicator and its chart"
            if len(chosen) == 1
            else "Back to the measures of Safeguard's records",
        )
