"""Test data for the scorecard, made by the tests themselves."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from safeguard.performance import periods
from safeguard.performance.models import Indicator, Observation

_counter = itertools.count(1)


def indicator(owner: Any, **fields: Any) -> Indicator:
    n = next(_counter)
    fields.setdefault("code", f"indicator-{n}")
    fields.setdefault("name", f"Indicator {n}")
    fields.setdefault("unit", "percentage")
    fields.setdefault("polarity", "up")
    fields.setdefault("frequency", "monthly")
    return Indicator.objects.create(owner_organisation=owner, **fields)


def series(
    target: Indicator, values: Sequence[float | int | str], *, start: date = date(2024, 1, 1)
) -> list[Observation]:
    """Store values for consecutive periods from ``start``, straight to the table."""
    made = []
    period = start
    for value in values:
        made.append(
            Observation.objects.create(
                indicator=target,
                period_start=period,
                value=Decimal(str(value)),
                narrative="Test narrative",
                source="demo",
                submitted_at=timezone.now(),
            )
        )
        period = periods.next_start(period, target.frequency)
    return made
