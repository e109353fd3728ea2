"""How fast full-text search over learning sheets answers, ranked, as the sheets grow.

``python -m bench learning_search`` (SQLite FTS5 by default; set ``DATABASE_URL`` to a
PostgreSQL database for the tsvector + GIN index). The sheets' words are drawn here from a
vocabulary of this file's own, not from the code measured; the index is written by the same
function the service uses, and searched through the selector the page calls.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime

from django.db import connection, transaction

from safeguard.core.models import Organisation
from safeguard.reviews.models import Incident, LearningSheet
from safeguard.reviews.selectors.learning import search_sheets
from safeguard.reviews.services.learning_index import write_index

SIZES = [2_000, 10_000, 20_000]
VOCABULARY = [
    "professional",
    "curiosity",
    "escalation",
    "bruising",
    "neglect",
    "supervision",
    "injury",
    "school",
    "attendance",
    "health",
    "visitor",
    "domestic",
    "abuse",
    "disguised",
    "compliance",
    "bereavement",
    "housing",
    "mental",
    "health",
    "substance",
    "misuse",
    "exploitation",
    "missing",
    "episodes",
    "chronology",
    "information",
    "sharing",
    "threshold",
    "strategy",
    "discussion",
    "assessment",
    "referral",
    "hospital",
    "midwife",
    "police",
    "social",
    "worker",
    "father",
    "mother",
    "sibling",
    "infant",
    "toddler",
    "adolescent",
    "language",
    "interpreter",
    "culture",
    "faith",
    "overcrowding",
]
QUERIES = ["escalation", "bruising infant", "information sharing police", "interpreter culture"]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(words))


def _grow(to: int, rng: random.Random, organisation: Organisation) -> None:
    have = LearningSheet.objects.count()
    if have >= to:
        return
    published = datetime(2025, 1, 1, tzinfo=UTC)
    with transaction.atomic():
        incidents = Incident.objects.bulk_create(
            [
                Incident(referring_organisation=organisation, reference=f"BENCH-{n}")
                for n in range(have, to)
            ]
        )
        sheets = LearningSheet.objects.bulk_create(
            [
                LearningSheet(
                    incident=incident,
                    title=_text(rng, 5),
                    what_happened=_text(rng, 60),
                    learning=_text(rng, 40),
                    published_at=published,
                )
                for incident in incidents
            ]
        )
        for sheet in sheets:
            body = "\n".join([sheet.what_happened, sheet.learning])
            write_index(connection, sheet_id=sheet.pk, title=sheet.title, body=body)


def _search_seconds(words: str, repeats: int = 5) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        found = len(list(search_sheets(words=words)[:20]))
        times.append(time.perf_counter() - started)
    return statistics.median(times), found


def run() -> list[str]:
    rng = random.Random("learning-search")
    organisation = Organisation.objects.create(name="Bench police", kind="police")
    lines = []
    for size in SIZES:
        _grow(size, rng, organisation)
        for words in QUERIES:
            seconds, found = _search_seconds(words)
            lines.append(
                f"{size:>6,} sheets, '{words}': median {seconds * 1000:.1f} ms for the first"
                f" {found} ({connection.vendor})"
            )
    return lines
