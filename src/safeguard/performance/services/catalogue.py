"""Changes to the indicator catalogue: indicators and comparators (PMSG meetings are
scheduled in governance, ADR 0025).

Only the Business Unit changes the catalogue; every change is audited with before and after.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from safeguard.core import audit, measures
from safeguard.core.models.audit import AuditAction
from safeguard.performance import periods, policies, rules
from safeguard.performance.census import keys
from safeguard.performance.models import Comparator, Frequency, Indicator, Unit

INDICATOR = "performance.indicator"
COMPARATOR = "performance.comparator"

FIELDS = (
    "code",
    "name",
    "theme",
    "definition",
    "numerator",
    "denominator",
    "unit",
    "child_population",
    "polarity",
    "frequency",
    "owner_organisation",
    "target",
    "limits_from",
    "active",
    "census_key",
    "measure_key",
)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return rules.as_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def indicator_state(indicator: Indicator) -> dict[str, Any]:
    return {name: _plain(getattr(indicator, name)) for name in FIELDS}


def _check(indicator: Indicator) -> None:
    errors: dict[str, str] = {}
    if indicator.unit == Unit.RATE_PER_10000 and not indicator.child_population:
        errors["child_population"] = "Enter the child population the rate per 10,000 uses"
    if indicator.unit != Unit.RATE_PER_10000:
        indicator.child_population = None
    if indicator.target is not None:
        problem = rules.value_problem(indicator.target, indicator.unit)
        if problem:
            errors["target"] = problem.replace("Value", "Target")
    if indicator.census_key and indicator.census_key not in keys.KEYS:
        errors["census_key"] = "Choose one of the record-level definitions"
    elif indicator.census_key and keys.unit_of(indicator.census_key) != indicator.unit:
        errors["census_key"] = "This record-level definition gives a value of another unit"
    elif indicator.census_key and indicator.frequency != Frequency.ANNUAL:
        # A census gives one figure for the year to 31 March: it never lands in a monthly or
        # quarterly series (one frequency and one source per series).
        errors["census_key"] = (
            "A record-level definition gives a figure for the year to 31 March: "
            "choose Annual (financial year) as the frequency"
        )
    if indicator.measure_key:
        problem = measure_problem(indicator)
        if problem:
            errors["measure_key"] = problem
    if indicator.limits_from is not None and not periods.is_period_start(
        indicator.limits_from, indicator.frequency
    ):
        errors["limits_from"] = "Recalculate limits from the start of a period"
    if errors:
        raise ValidationError(errors)


def measure_problem(indicator: Indicator) -> str | None:
    """Why this indicator cannot be counted by its measure, or None (one source per series:
    the measure's unit, one of its frequencies, and no census definition beside it)."""
    measure = measures.get(indicator.measure_key)
    if measure is None:
        return "Choose one of the measures of Safeguard's records"
    if indicator.census_key:
        return (
            "An indicator has one source: choose a record-level census definition or a "
            "measure of Safeguard's records, not both"
        )
    if measure.unit != indicator.unit:
        return f"This measure gives a value of another unit: {Unit(measure.unit).label.lower()}"
    if indicator.frequency not in measure.frequencies:
        allowed = " or ".join(Frequency(f).label.lower() for f in measure.frequencies)
        return f"This measure is counted {allowed}: choose one of these as the frequency"
    return None


def _require_manage(actor: Any) -> None:
    if not policies.can_manage(actor):
        raise PermissionDenied


def indicator_create(*, actor: Any, **fields: Any) -> Indicator:
    _require_manage(actor)
    indicator = Indicator(**{k: v for k, v in fields.items() if k in FIELDS})
    _check(indicator)
    try:
        with transaction.atomic():
            indicator.save()
            audit.record(
                action=AuditAction.CREATE,
                record_type=INDICATOR,
                record_id=indicator.pk,
                actor=actor,
                changes=audit.diff({}, indicator_state(indicator)),
            )
    except IntegrityError:
        raise ValidationError({"code": "An indicator with this code already exists"}) from None
    return indicator


def indicator_update(*, actor: Any, indicator: Indicator, **fields: Any) -> Indicator:
    _require_manage(actor)
    with transaction.atomic():
        current = Indicator.objects.select_for_update().get(pk=indicator.pk)
        before = indicator_state(current)
        for name, value in fields.items():
            if name in FIELDS:
                setattr(current, name, value)
        _check(current)
        changes = audit.diff(before, indicator_state(current))
        if changes:
            try:
                with transaction.atomic():
                    current.save()
            except IntegrityError:
                raise ValidationError(
                    {"code": "An indicator with this code already exists"}
                ) from None
            audit.record(
                action=AuditAction.UPDATE,
                record_type=INDICATOR,
                record_id=current.pk,
                actor=actor,
                changes=changes,
            )
    return current


def comparator_set(
    *, actor: Any, indicator: Indicator, kind: str, year: int, value: Decimal, source: str
) -> Comparator:
    """Record (or correct) the published comparator for one year."""
    _require_manage(actor)
    problem = rules.value_problem(value, indicator.unit)
    if problem:
        raise ValidationError({"value": problem})
    if not source.strip():
        raise ValidationError({"source": "Enter where the comparator comes from"})
    with transaction.atomic():
        existing = (
            Comparator.objects.select_for_update()
            .filter(indicator=indicator, kind=kind, year=year)
            .first()
        )
        before = (
            {} if existing is None else {"value": _plain(existing.value), "source": existing.source}
        )
        comparator = existing or Comparator(indicator=indicator, kind=kind, year=year)
        comparator.value = value
        comparator.source = source.strip()
        comparator.save()
        changes = audit.diff(
            before,
            {
                "indicator": indicator.pk,
                "kind": kind,
                "year": year,
                "value": _plain(value),
                "source": comparator.source,
            }
            if existing is None
            else {"value": _plain(value), "source": comparator.source},
        )
        if changes:
            audit.record(
                action=AuditAction.CREATE if existing is None else AuditAction.UPDATE,
                record_type=COMPARATOR,
                record_id=comparator.pk,
                actor=actor,
                changes=changes,
            )
    return comparator
