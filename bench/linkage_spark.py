"""Record linkage on Splink's Spark backend against DuckDB: the same matches, and the time.

``python -m bench linkage_spark`` (by name only: it needs Java 17+ and pyspark). The data are
the linkage benchmark's (``bench/police_records.py``): a synthetic roll and 2,000 children named
with their households in incidents, the school recorded as the police record it, written as the
documented CSV files and read back as ``safeguard children match`` reads them. The same children
and roll are then matched on each backend (``linkage.match(..., backend=...)``, ADR 0026).

Reported per roll size: how many children have the same decision and the same pupil on both
backends and how many differ, the decisions of one against the other, the largest difference of
probability, precision and recall of the automatic matches on each backend (as ``bench.linkage``
counts them), and the matching's seconds on each, wall clock and CPU, median of the runs. CPU
on Spark counts the JVM's own (user + system, from ``/proc``) as well as Python's. Starting the
Spark session (the JVM) is timed apart: a service pays it once, not per match.

``SAFEGUARD_BENCH_SPARK_SIZES`` chooses the roll sizes (default ``50000``; e.g.
``50000,500000``), ``SAFEGUARD_BENCH_SPARK_REPEATS`` the runs per backend (default 3). The Spark
session takes ``SAFEGUARD_SPARK_*`` as ``linkage_spark`` documents.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import police_records
from bench.linkage import CHILDREN, write_children, write_roll
from safeguard.children import linkage, linkage_spark
from safeguard.children.importers.roll import read_children_file, read_roll_file

SIZES = [50_000]
REPEATS = 3


def _sizes() -> list[int]:
    chosen = os.environ.get("SAFEGUARD_BENCH_SPARK_SIZES", "")
    return [int(size) for size in chosen.split(",") if size.strip()] or SIZES


def _load() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def _python_cpu() -> float:
    spent = os.times()
    return spent.user + spent.system


def _jvm_cpu() -> float:
    """CPU seconds of the Spark session's JVM so far (0 before it starts)."""
    if linkage_spark._session is None:
        return 0.0
    pid = linkage_spark._session._jvm.java.lang.ProcessHandle.current().pid()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(
    children: list[linkage.Person], roll: list[linkage.Person], backend: str
) -> tuple[list[linkage.Match], float, float]:
    started, cpu = time.perf_counter(), _python_cpu() + _jvm_cpu()
    matches = linkage.match(children, roll, backend=backend)
    return matches, time.perf_counter() - started, _python_cpu() + _jvm_cpu() - cpu


def _quality(matches: list[linkage.Match], truth: dict[str, str]) -> tuple[float, float]:
    automatic = [m for m in matches if m.decision == linkage.AUTOMATIC]
    right = sum(1 for m in automatic if m.upn == truth[m.ref])
    on_roll = sum(1 for m in matches if truth[m.ref])
    return right / max(len(automatic), 1), right / max(on_roll, 1)


def compare(on_duckdb: list[linkage.Match], on_spark: list[linkage.Match]) -> list[str]:
    """Children with the same decision and pupil on both backends, and the decisions crossed."""
    same = sum(
        1
        for d, s in zip(on_duckdb, on_spark, strict=True)
        if (d.decision, d.upn) == (s.decision, s.upn)
    )
    crossed = Counter((d.decision, s.decision) for d, s in zip(on_duckdb, on_spark, strict=True))
    widest = max(
        (abs(d.probability - s.probability) for d, s in zip(on_duckdb, on_spark, strict=True)),
        default=0.0,
    )
    lines = [
        f"same decision and pupil: {same:,} of {len(on_duckdb):,}; differing: "
        f"{len(on_duckdb) - same:,}; largest difference of probability {widest:.2e}",
        "decision on DuckDB -> on Spark: "
        + ", ".join(
            f"{d} -> {s}: {n:,}"
            for (d, s), n in sorted(crossed.items(), key=lambda item: DECISION_ORDER[item[0]])
        ),
    ]
    return lines


DECISION_ORDER = {
    (d, s): i * 3 + j
    for i, d in enumerate(linkage.DECISIONS)
    for j, s in enumerate(linkage.DECISIONS)
}


def run() -> list[str]:
    repeats = int(os.environ.get("SAFEGUARD_BENCH_SPARK_REPEATS", REPEATS))
    started = time.perf_counter()
    linkage_spark.session()
    lines = [
        f"{CHILDREN:,} incident children in whole households, school recorded as the police "
        f"record it (bench/police_records.py); seconds of matching, median of {repeats} runs "
        f"per backend; Spark session started in {time.perf_counter() - started:.1f} s "
        f"(master {os.environ.get('SAFEGUARD_SPARK_MASTER', 'local[2]')}, driver memory "
        f"{os.environ.get('SAFEGUARD_SPARK_MEMORY', '2g')}); load average {_load()}"
    ]
    try:
        for size in _sizes():
            lines.extend(_one_size(size, repeats))
    finally:
        linkage_spark.stop()
    return lines


def _one_size(size: int, repeats: int) -> list[str]:
    pupils = police_records.roll(size)
    incident = police_records.household_incidents(pupils, CHILDREN)
    with tempfile.TemporaryDirectory(prefix="safeguard-linkage-spark-") as tmp:
        roll_path, children_path = Path(tmp) / "roll.csv", Path(tmp) / "children.csv"
        write_roll(roll_path, pupils)
        write_children(children_path, incident.children, incident.incident, schools=True)
        roll = [pupil.person for pupil in read_roll_file(roll_path)]
        children = read_children_file(children_path)
    del pupils
    results: dict[str, list[linkage.Match]] = {}
    lines = [f"roll {size:,}:"]
    for backend in linkage.BACKENDS:
        walls, cpus = [], []
        for _ in range(repeats):
            matches, wall, cpu = _timed(children, roll, backend)
            walls.append(wall)
            cpus.append(cpu)
        results[backend] = matches
        precision, recall = _quality(matches, incident.truth)
        lines.append(
            f"  {backend:<6}: {statistics.median(walls):6.1f} s wall, "
            f"{statistics.median(cpus):6.1f} s CPU (runs "
            + ", ".join(f"{w:.1f}" for w in walls)
            + " wall; "
            + ", ".join(f"{c:.1f}" for c in cpus)
            + f" CPU); precision {precision:.4f}, recall {recall:.4f}; load average {_load()}"
        )
    lines.extend(f"  {line}" for line in compare(results[linkage.DUCKDB], results[linkage.SPARK]))
    return lines
