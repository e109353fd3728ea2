"""Record linkage of incident children to a school roll: quality and speed as the roll grows.

For each roll size: a synthetic roll and 2,000 incident children with ground truth
(``bench/synthetic_children.py``), both written as the documented CSV files, then timed end to
end as ``safeguard children match`` runs it: read and check both CSV files, normalise, block,
score with Splink on DuckDB, decide. Precision and recall are counted at the automatic
threshold (a "review" is not a match found); seconds are the median of 3 runs.

Set ``SAFEGUARD_BENCH_LINKAGE_SIZES`` (e.g. ``50000,500000,2000000``) to choose the sizes.
"""

from __future__ import annotations

import csv
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench import synthetic_children
from safeguard.children import linkage
from safeguard.children.importers.roll import (
    CHILDREN_COLUMNS,
    ROLL_COLUMNS,
    read_children_file,
    read_roll_file,
)

SIZES = [50_000, 500_000]
CHILDREN = 2_000
REPEATS = 3
GOAL_SECONDS = 30.0


def _write_roll(path: Path, pupils: list[synthetic_children.Pupil]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ROLL_COLUMNS)
        for p in pupils:
            writer.writerow(
                [
                    p.upn,
                    p.forename,
                    p.surname,
                    p.dob.isoformat(),
                    p.gender,
                    p.postcode,
                    p.school_urn,
                ]
            )


def _write_children(path: Path, children: list[linkage.Person]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CHILDREN_COLUMNS)
        for c in children:
            writer.writerow(
                [
                    c.key,
                    c.forename or "",
                    c.surname or "",
                    c.dob.isoformat() if c.dob else "",
                    c.gender or "",
                    c.postcode or "",
                ]
            )


def _end_to_end(roll_path: Path, children_path: Path) -> tuple[list[linkage.Match], float]:
    started = time.perf_counter()
    roll = read_roll_file(roll_path)
    children = read_children_file(children_path)
    matches = linkage.match(children, [pupil.person for pupil in roll])
    return matches, time.perf_counter() - started


def _quality(matches: list[linkage.Match], truth: dict[str, str]) -> dict[str, float]:
    automatic = [m for m in matches if m.decision == linkage.AUTOMATIC]
    right = sum(1 for m in automatic if m.upn == truth[m.ref])
    on_roll = sum(1 for upn in truth.values() if upn)
    return {
        "precision": right / len(automatic) if automatic else 1.0,
        "recall": right / on_roll if on_roll else 1.0,
        "automatic": len(automatic),
        "review": sum(1 for m in matches if m.decision == linkage.REVIEW),
        "review_right": sum(
            1 for m in matches if m.decision == linkage.REVIEW and m.upn == truth[m.ref]
        ),
        "none": sum(1 for m in matches if m.decision == linkage.NONE),
        "on_roll": on_roll,
    }


def _sizes() -> list[int]:
    chosen = os.environ.get("SAFEGUARD_BENCH_LINKAGE_SIZES", "")
    return [int(size) for size in chosen.split(",") if size.strip()] or SIZES


def run() -> list[str]:
    lines = [f"{CHILDREN:,} incident children (about 90% on the roll), median of {REPEATS} runs"]
    for size in _sizes():
        pupils = synthetic_children.roll(size)
        incident = synthetic_children.incident_children(pupils, CHILDREN)
        with tempfile.TemporaryDirectory(prefix="safeguard-linkage-") as tmp:
            roll_path, children_path = Path(tmp) / "roll.csv", Path(tmp) / "children.csv"
            _write_roll(roll_path, pupils)
            _write_children(children_path, incident.children)
            del pupils
            times = []
            for _ in range(REPEATS):
                matches, seconds = _end_to_end(roll_path, children_path)
                times.append(seconds)
        q = _quality(matches, incident.truth)
        median = statistics.median(times)
        verdict = ""
        if size == 500_000:
            met = median < GOAL_SECONDS and q["precision"] >= 0.99 and q["recall"] >= 0.98
            verdict = "  goal met" if met else "  GOAL NOT MET"
        lines.append(
            f"roll {size:>9,}: {median:6.1f} s end to end; precision {q['precision']:.4f}, "
            f"recall {q['recall']:.4f} (automatic {q['automatic']:.0f} of {q['on_roll']:.0f} "
            f"on the roll); review {q['review']:.0f} ({q['review_right']:.0f} right pupil), "
            f"none {q['none']:.0f}{verdict}"
        )
    return lines
