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


def pmsg_meeting(day: date) -> Any:
    """A meeting of the PMSG on ``day``, 10:00 to 12:00, scheduled in governance (the
    scorecard keeps no dates of its own: ADR 0025)."""
    from datetime import datetime, time, timedelta

    from safeguard.core.clock import LONDON
    from safeguard.core.models import Group
    from safeguard.governance.models import Meeting

    group, _ = Group.objects.get_or_create(
        name="Performance Management Subgroup", defaults={"kind": "subgroup"}
    )
    starts_at = datetime.combine(day, time(10), tzinfo=LONDON)
    return Meeting.objects.create(
        group=group, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
