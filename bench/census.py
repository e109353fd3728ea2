"""Every census indicator from record-level data: seconds as the CIN census grows to national size.

Goal (issue 5): five years of CIN census records at national scale, 3 million child-episode
rows, to every indicator in under 10 seconds on the 2-core machine. For each size the synthetic
Parquet data (``bench/synthetic_census.py``, cached under ``bench/out/``; generating it is not
timed) is opened as the service opens its store and every indicator is computed, first for the
latest year (one scorecard) and then for each of the five year ends (the series the XmR charts
need). Seconds are the median of 3 runs, each on a fresh DuckDB connection.

Set ``SAFEGUARD_BENCH_CENSUS_SIZES`` (e.g. ``300000,3000000``) to choose the sizes.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date
from pathlib import Path

from bench import synthetic_census
from safeguard.core import holidays
from safeguard.core.clock import WorkingCalendar
from safeguard.performance.census import indicators, store, year_ends

SIZES = [300_000, 1_000_000, 3_000_000]
REPEATS = 3
GOAL_SECONDS = 10.0
YEARS = [2021, 2022, 2023, 2024, 2025]
POPULATION = 12_000_000  # children in England, roughly
OUT = Path(__file__).resolve().parent / "out"


def _sizes() -> list[int]:
    configured = os.environ.get("SAFEGUARD_BENCH_CENSUS_SIZES")
    return [int(s) for s in configured.split(",")] if configured else SIZES


def _time(folder: Path, years: list[int], calendar: WorkingCalendar) -> tuple[float, int]:
    times = []
    count = 0
    for _ in range(REPEATS):
        started = time.perf_counter()
        con = store.connect(folder)
        try:
            for year in years:
                results = indicators.compute(
                    con,
                    period_end=indicators.year_end(year),
                    population=POPULATION,
                    calendar=calendar,
                )
                count = len(results)
        finally:
            con.close()
        times.append(time.perf_counter() - started)
    return statistics.median(times), count


def _time_many(folder: Path, years: list[int], calendar: WorkingCalendar) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        con = store.connect(folder)
        try:
            year_ends.compute_many(
                con,
                period_ends=[indicators.year_end(year) for year in years],
                population=POPULATION,
                calendar=calendar,
            )
        finally:
            con.close()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> list[str]:
    calendar = holidays.calendar()
    lines = []
    latest: list[tuple[int, float]] = []
    for size in _sizes():
        started = time.perf_counter()
        folder = synthetic_census.cached(OUT, size)
        made = time.perf_counter() - started
        megabytes = sum(p.stat().st_size for p in folder.glob("*.parquet")) / 1e6
        one, count = _time(folder, [YEARS[-1]], calendar)
        five, _ = _time(folder, YEARS, calendar)
        many = _time_many(folder, YEARS, calendar)
        latest.append((size, many))
        verdict = "meets" if many < GOAL_SECONDS else "MISSES"
        lines.append(
            f"{size:>9,} CIN episodes ({megabytes:,.0f} MB Parquet, ready in {made:.1f} s): "
            f"{count} indicators: 2025 alone {one:.2f} s; five year ends one by one {five:.2f} s; "
            f"five year ends in one pass {many:.2f} s ({verdict} the {GOAL_SECONDS:.0f} s goal)"
        )
    if len(latest) > 1:
        (small, small_s), (large, large_s) = latest[0], latest[-1]
        lines.append(
            f"growth: x{large / small:.0f} rows -> x{large_s / small_s:.1f} time "
            f"({large_s / large * 1e6:.2f} s per million rows at {large:,})"
        )
    lines.append(f"on {date.today().isoformat()}, {os.cpu_count()} cores")
    return lines
