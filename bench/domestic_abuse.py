"""The DRAMM board for one day over three years of a city's incidents, and the linkage of the
adults in them (issue 12: a city of 800,000, about 15,000 domestic abuse incidents a year;
goals: the board under 1 s, the linkage under 30 s).

The incidents are generated here, independently of the code measured: a pool of victims and
perpetrators of whom a third come back (repeat victims, as SafeLives finds), each recorded with
a typo now and then, a missing date of birth, or forename and surname swapped; about 40% with a
DASH, a quarter of those 14 or more; a MARAC referral for one incident in twelve.
``SAFEGUARD_BENCH_DA_YEARS`` and ``SAFEGUARD_BENCH_DA_PER_YEAR`` change the size.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from django.db import connection

from safeguard.core.models import Organisation
from safeguard.domestic_abuse.models import Adult, Dash, Incident, MaracMeeting, Referral
from safeguard.domestic_abuse.selectors.board import board_cases
from safeguard.domestic_abuse.services.people import adults_model_link, adults_relink

YEARS = int(os.environ.get("SAFEGUARD_BENCH_DA_YEARS", "3"))
PER_YEAR = int(os.environ.get("SAFEGUARD_BENCH_DA_PER_YEAR", "15000"))
END = date(2026, 11, 16)  # a Monday
_FIRST = ("Al", "Be", "Ca", "Da", "El", "Fa", "Ga", "Ha", "Is", "Jo")
_FIRST_END = ("ana", "bert", "cia", "die", "ella", "fred", "gail", "hana", "ine", "lyn")
_SUR = ("Ash", "Brook", "Clay", "Dun", "East", "Fair", "Green", "Hart")
_SUR_END = ("by", "ford", "ham", "ley", "more", "ton", "well", "wood", "field", "stone")
FORENAMES = [a + b for a in _FIRST for b in _FIRST_END]
SURNAMES = [a + b for a in _SUR for b in _SUR_END]


def _typo(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, len(name))
    return name[:i] + name[i + 1 :] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]


def _person(rng: random.Random, born_from: int) -> tuple[str, str, date]:
    born = date(born_from, 1, 1) + timedelta(days=rng.randrange(365 * 40))
    return rng.choice(FORENAMES), rng.choice(SURNAMES), born


def _recorded(rng: random.Random, who: tuple[str, str, date]) -> tuple[str, str, date | None]:
    forename, surname, born = who
    roll = rng.random()
    if roll < 0.08:
        surname = _typo(rng, surname)
    elif roll < 0.12:
        forename = _typo(rng, forename)
    elif roll < 0.14:
        forename, surname = surname, forename
    return forename, surname, None if rng.random() < 0.05 else born


def _generate() -> int:
    rng = random.Random(12)
    force = Organisation.objects.create(name="Bench force", kind="police")
    total = YEARS * PER_YEAR
    victims = [_person(rng, 1955) for _ in range(int(total * 0.6))]
    perpetrators = [_person(rng, 1950) for _ in range(int(total * 0.6))]
    start = END - timedelta(days=365 * YEARS)
    incidents, adults, pairs = [], [], []
    for n in range(total):
        if rng.random() < 0.35:
            victim, perpetrator = victims[rng.randrange(len(victims) // 5)], perpetrators[n % 500]
        else:
            victim, perpetrator = rng.choice(victims), rng.choice(perpetrators)
        day = start + timedelta(days=rng.randrange(365 * YEARS))
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
        pairs.append((_recorded(rng, victim), _recorded(rng, perpetrator)))
    Incident.objects.bulk_create(incidents, batch_size=2000)
    for incident, (victim, perpetrator) in zip(incidents, pairs, strict=True):
        for role, (forename, surname, born) in (("victim", victim), ("perpetrator", perpetrator)):
            adults.append(
                Adult(incident=incident, role=role, forename=forename, surname=surname, dob=born)
            )
    Adult.objects.bulk_create(adults, batch_size=2000)
    dashes, referrals = [], []
    meeting = MaracMeeting.objects.create(held_on=END)
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


def run() -> list[str]:
    started = time.perf_counter()
    total = _generate()
    lines = [
        f"{total:,} incidents over {YEARS} years, {2 * total:,} adult records "
        f"({connection.vendor}); generated in {time.perf_counter() - started:.1f} s"
    ]
    started = time.perf_counter()
    changed = adults_relink()
    took = time.perf_counter() - started
    people = Adult.objects.values("person_key").distinct().count()
    lines.append(
        f"linkage of the adults (read, link, write, incidents follow): {took:.1f} s "
        f"(goal < 30 s); {changed:,} records grouped into {people:,} people"
    )
    started = time.perf_counter()
    pairs, changed = adults_model_link()
    took = time.perf_counter() - started
    people = Adult.objects.values("person_key").distinct().count()
    lines.append(
        f"Splink model over the adults (score, keep pairs, relink): {took:.1f} s "
        f"(goal < 30 s); {pairs:,} pairs at 0.99 or more, {changed:,} records changed person, "
        f"{people:,} people"
    )
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
