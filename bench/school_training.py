"""Estimate the school comparison (ADR 0016) as a partnership would, with Splink's training.

``python -m bench school_training`` (run by name only; it takes minutes) trains the default
model with ``safeguard.children.training.train`` (u by random sampling of pairs of an incident
child and a pupil of the roll, m by expectation maximisation; no labels) on the held-out
generator's 500,000-pupil roll and a *training* set of incident children drawn with another
seed than the set ``bench/linkage.py`` measures, so the figures there are on children the
training never saw. It prints m and u of every school level before and after, and how the
training children are decided before, after, and after without the school; the school values
of ``linkage.SCHOOL_DEFAULT`` were written from its output, rounded.

``SAFEGUARD_BENCH_SCHOOL_TRAINING_ROLL`` and ``..._CHILDREN`` choose the sizes.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace

from bench import police_records
from safeguard.children import linkage, training

ROLL = 500_000
CHILDREN = 5_000
TRAINING_SEED = 909  # bench/linkage.py measures the sets of seeds 202 and 303


def _person(record: police_records.Record, household: str | None = None) -> linkage.Person:
    return linkage.Person(
        key=record.key,
        forename=record.forename or None,
        surname=record.surname or None,
        dob=record.dob,
        gender=record.gender or None,
        postcode=record.postcode or None,
        household=household,
        school_urns=(record.school_urn,) if record.school_urn else (),
        school_names=(record.school_name,) if record.school_name else (),
    )


def run() -> list[str]:
    size = int(os.environ.get("SAFEGUARD_BENCH_SCHOOL_TRAINING_ROLL", ROLL))
    count = int(os.environ.get("SAFEGUARD_BENCH_SCHOOL_TRAINING_CHILDREN", CHILDREN))
    pupils = police_records.roll(size)
    incident = police_records.household_incidents(pupils, count, seed=TRAINING_SEED)
    roll = [_person(p) for p in pupils]
    children = [
        replace(_person(c), key=c.key, household=incident.incident.get(c.key) or None)
        for c in incident.children
    ]
    started = time.perf_counter()
    trained = training.train(children, roll, linkage.MatchModel.default())
    seconds = time.perf_counter() - started
    report = trained.report()
    lines = [
        f"trained on {count:,} incident children (seed {TRAINING_SEED}) against a roll of "
        f"{size:,} in {seconds:.0f} s; {report['children_with_school']} had a school recorded",
        f"{'comparison':<10} {'level':<24} {'m before':>9} {'m after':>9} {'u before':>10} "
        f"{'u after':>10}",
    ]
    for level in report["levels"]:
        lines.append(
            f"{level['comparison']:<10} {level['level']:<24} {level['m_before']:>9.4f} "
            f"{level['m_after']:>9.4f} {level['u_before']:>10.6f} {level['u_after']:>10.6f}"
        )
    for decision in linkage.DECISIONS:
        lines.append(
            f"{decision:<10} before {report['decisions_before'].get(decision, 0):>5}, after "
            f"{report['decisions_after'].get(decision, 0):>5}, after without the school "
            f"{report['decisions_after_without_school'].get(decision, 0):>5}"
        )
    return lines
