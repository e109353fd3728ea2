"""Counting the scorecard's indicators from Safeguard's records (ADR 0014) over 100,000 training
bookings: each of the five training measures linked to a monthly indicator, counted for every
complete month (three reporting years), first when every value is new and then again when
nothing changed (the worker's hourly count). The records are bench.training's; the count is
``performance.services.counting.indicator_count``, median of 3 runs of the unchanged count.
"""

from __future__ import annotations

import random
import statistics
import time

from django.db import connection

KEYS = (
    "training.places_booked",
    "training.attendances",
    "training.completion_rate",
    "training.evaluations_returned",
    "training.practice_changed",
)


def run() -> list[str]:
    from bench.training import _generate
    from safeguard.core import measures
    from safeguard.performance.models import Indicator
    from safeguard.performance.services import counting

    started = time.perf_counter()
    admin = _generate(random.Random(14))
    made = time.perf_counter() - started
    lines = [f"generated the training records in {made:.1f} s ({connection.vendor})"]
    for key in KEYS:
        measure = measures.get(key)
        assert measure is not None
        indicator = Indicator.objects.create(
            code=f"bench-{key.replace('.', '-').replace('_', '-')}",
            name=measure.name,
            unit=measure.unit,
            polarity=measure.polarity,
            frequency="monthly",
            owner_organisation=admin.organisation,  # type: ignore[attr-defined]
            measure_key=key,
        )
        t = time.perf_counter()
        first = counting.indicator_count(actor=admin, indicator=indicator)
        first_time = time.perf_counter() - t
        again = []
        for _ in range(3):
            t = time.perf_counter()
            counting.indicator_count(actor=admin, indicator=indicator)
            again.append(time.perf_counter() - t)
        lines.append(
            f"{measure.name}: {first.periods} months, first count {first_time:.2f} s, "
            f"count again (nothing changed) median {statistics.median(again):.2f} s"
        )
    return lines
