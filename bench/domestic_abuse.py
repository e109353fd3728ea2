"""The DRAMM board for one day over three years of a city's incidents, and the linkage of the
adults in them (issue 12: a city of 800,000, about 15,000 domestic abuse incidents a year;
goals: the board under 1 s, the linkage under 30 s).

The incidents are generated here, independently of the code measured: the adults come from
``synthetic_adults`` (a pool of victims and perpetrators of whom a third come back, as SafeLives
finds, each record with its true person and the kind of error made in it); about 40% with a
DASH, a quarter of those 14 or more; a MARAC referral for one incident in twelve. The people
found are scored against the truth (pairwise precision and recall per kind of error), by the
rules alone and with the Splink model. ``SAFEGUARD_BENCH_DA_YEARS`` and
``SAFEGUARD_BENCH_DA_PER_YEAR`` change the size; ``SAFEGUARD_BENCH_DA_REPEATS`` how many times
the model runs (the median is reported).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from django.db import connection

from bench import synthetic_adults
from safeguard.core.models import Organisation
from safeguard.domestic_abuse.models import Adult, Dash, Incident, Referral
from safeguard.domestic_abuse.selectors.board import board_cases
from safeguard.domestic_abuse.services.people import adults_model_link, adults_relink
from safeguard.domestic_abuse.services.sittings import marac_meeting_on

YEARS = int(os.environ.get("SAFEGUARD_BENCH_DA_YEARS", "3"))
PER_YEAR = int(os.environ.get("SAFEGUARD_BENCH_DA_PER_YEAR", "15000"))
END = date(2026, 11, 16)  # a Monday
SEED = 12  # the adults the benchmark measures; the adults model was trained on another seed
REPEATS = int(os.environ.get("SAFEGUARD_BENCH_DA_REPEATS", "3"))
# Each adult record's (true person, kind of error), in the order of the records' ids.
TRUTH: list[tuple[int, str]] = []


def _generate() -> int:
    rng = random.Random(12)
    force = Organisation.objects.create(name="Bench force", kind="police")
    total = YEARS * PER_YEAR
    start = END - timedelta(days=365 * YEARS)
    made = synthetic_adults.generate(incidents=total, days=365 * YEARS, seed=SEED)
    incidents, adults, pairs = [], [], []
    for n, one in enumerate(made):
        day = start + timedelta(days=one.day_offset)
        at = datetime(day.year, day.month, day.day, rng.randrange(24), tzinfo=UTC)
        board = day + timedelta(days=1)
        while board.weekday() >= 5:
            board += timedelta(days=1)
        incidents.append(
            Incident(
                organisation=force,
                reference=f"B{n}",
                source="api",
                occurred_at=at,
                received_at=at,
                board_day=board,
            )
        )
        pairs.append((one.victim, one.perpetrator))
    Incident.objects.bulk_create(incidents, batch_size=2000)
    for incident, (victim, perpetrator) in zip(incidents, pairs, strict=True):
        for role, record in (("victim", victim), ("perpetrator", perpetrator)):
            adults.append(
                Adult(
                    incident=incident,
                    role=role,
                    forename=record.forename,
                    surname=record.surname,
                    dob=record.dob,
                    gender=record.gender,
                    postcode=record.postcode,
                )
            )
            TRUTH.append((record.person, record.kind))
    Adult.objects.bulk_create(adults, batch_size=2000)
    dashes, referrals = [], []
    meeting = marac_meeting_on(actor=None, day=END)
    answers = {"bench": "yes"}
    for incident in incidents:
        if rng.random() < 0.4:
            count = rng.randint(14, 24) if rng.random() < 0.25 else rng.randint(0, 13)
            dashes.append(
                Dash(
                    incident=incident,
                    version=1,
                    answers=answers,
                    yes_count=count,
                    level="high" if count >= 14 else "standard",
                    completed_by_organisation=force,
                    completed_at=incident.received_at,
                )
            )
    Dash.objects.bulk_create(dashes, batch_size=2000)
    for incident in incidents[::12]:
        referrals.append(
            Referral(
                incident=incident,
                victim_key=0,
                referred_on=incident.board_day,
                source="dramm",
                referred_by=force,
                reason="bench",
                meeting=meeting,
                created_at=incident.received_at,
            )
        )
    Referral.objects.bulk_create(referrals, batch_size=2000)
    return total


def _scores(title: str) -> list[str]:
    """Pairwise precision and recall of the people found, overall and per kind of error."""
    groups = list(Adult.objects.order_by("pk").values_list("person_key", flat=True))
    found = synthetic_adults.scores(TRUTH, groups)
    lines = [f"{title}: precision / recall of pairs of records, per kind of error"]
    for kind in ["all", *synthetic_adults.KINDS, synthetic_adults.EXACT]:
        if kind in found:
            n, precision, recall = found[kind]
            lines.append(f"  {kind:<32} {n:>6,} records  {precision:.4f} / {recall:.4f}")
    return lines


def run() -> list[str]:
    TRUTH.clear()
    started = time.perf_counter()
    total = _generate()
    lines = [
        f"{total:,} incidents over {YEARS} years, {2 * total:,} adult records "
        f"({connection.vendor}); generated in {time.perf_counter() - started:.1f} s; "
        f"load average {os.getloadavg()[0]:.1f}"
    ]
    started, cpu = time.perf_counter(), time.process_time()
    changed = adults_relink()
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    people = Adult.objects.values("person_key").distinct().count()
    lines.append(
        f"linkage of the adults by the rules (read, link, write, incidents follow): {took:.1f} s "
        f"wall, {cpu:.1f} s CPU (goal < 30 s); {changed:,} records grouped into {people:,} people"
    )
    lines.extend(_scores("rules alone"))
    walls, cpus, pairs, changed = [], [], 0, 0
    for _ in range(max(REPEATS, 1)):
        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        pairs, changed_now = adults_model_link()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        changed = changed or changed_now
        lines.append(
            f"  Splink run: {walls[-1]:.1f} s wall, {cpus[-1]:.1f} s CPU (load average {load:.1f})"
        )
    people = Adult.objects.values("person_key").distinct().count()
    lines.append(
        f"Splink model over the adults (score, keep pairs, relink): median of {len(walls)} "
        f"{statistics.median(walls):.1f} s wall, {statistics.median(cpus):.1f} s CPU "
        "(goal < 30 s); "
        f"{pairs:,} pairs kept, {changed:,} records changed person, {people:,} people"
    )
    lines.extend(_scores("rules and the Splink model"))
    day = END
    times, cases = [], 0
    for _ in range(5):
        started = time.perf_counter()
        cases = len(board_cases(day=day))
        times.append(time.perf_counter() - started)
    on_day = Incident.objects.filter(board_day=day).count()
    lines.append(
        f"board for {day}: median {statistics.median(times) * 1000:.0f} ms over 5 runs "
        f"(goal < 1 s); {on_day} incidents received, {cases} meet a criterion"
    )
    return lines
