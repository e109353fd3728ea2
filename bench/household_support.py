"""Choose ``household.MIN_SUPPORT`` on a training set the linkage benchmark never measures.

``python -m bench household_support`` (run by name only; minutes on a busy machine) draws
incident households of seed ``TRAINING_SEED`` (bench/linkage.py measures the seeds 202 and 303)
against the held-out generator's roll, matches them at each candidate floor and prints precision
and recall, overall and for the error types household evidence is for. The floor in
``household.py`` was chosen from this output, never from the benchmark's own sets.

``SAFEGUARD_BENCH_HOUSEHOLD_ROLL``, ``..._CHILDREN`` and ``..._FLOORS`` (comma separated)
choose the sizes and the floors tried.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench import police_records
from bench.linkage import quality_by_type, write_children, write_roll
from bench.school_training import TRAINING_SEED
from safeguard.children import household, linkage
from safeguard.children.importers.roll import read_children_file, read_roll_file

ROLL = 500_000
CHILDREN = 2_000
FLOORS = (0.2, 0.05, 0.01, 0.001)
KINDS = ("surname_and_postcode_changed", "no_dob_misspelt_name", "not_on_roll", "all")


def run() -> list[str]:
    size = int(os.environ.get("SAFEGUARD_BENCH_HOUSEHOLD_ROLL", ROLL))
    count = int(os.environ.get("SAFEGUARD_BENCH_HOUSEHOLD_CHILDREN", CHILDREN))
    floors = [
        float(value)
        for value in os.environ.get("SAFEGUARD_BENCH_HOUSEHOLD_FLOORS", "").split(",")
        if value.strip()
    ] or list(FLOORS)
    pupils = police_records.roll(size)
    incident = police_records.household_incidents(pupils, count, seed=TRAINING_SEED)
    # Through the documented CSV files, as the linkage benchmark reads its sets.
    with tempfile.TemporaryDirectory(prefix="safeguard-household-") as folder:
        write_roll(Path(folder) / "roll.csv", pupils)
        write_children(
            Path(folder) / "children.csv", incident.children, incident.incident, schools=True
        )
        roll = [pupil.person for pupil in read_roll_file(Path(folder) / "roll.csv")]
        children = read_children_file(Path(folder) / "children.csv")
    lines = [
        f"training set: {count:,} children of household incidents (seed {TRAINING_SEED}) "
        f"against a roll of {size:,}"
    ]
    kept = household.MIN_SUPPORT
    try:
        for floor in floors:
            household.MIN_SUPPORT = floor
            started = time.perf_counter()
            table = quality_by_type(
                linkage.match(children, roll), incident.truth, incident.error_type
            )
            seconds = time.perf_counter() - started
            for kind in KINDS:
                row = table.get(kind, {})
                automatic, right = row.get("automatic", 0), row.get("right", 0)
                recall = f"{right / row['on_roll']:.4f}" if row.get("on_roll") else "-"
                lines.append(
                    f"floor {floor:<6} {kind:<30} precision "
                    f"{right / automatic if automatic else 1.0:.4f} recall {recall} wrong "
                    f"{automatic - right} review {row.get('review', 0)} (right "
                    f"{row.get('review_right', 0)}) none {row.get('none', 0)}"
                )
            lines.append(f"floor {floor}: {seconds:.0f} s")
    finally:
        household.MIN_SUPPORT = kept
    return lines
