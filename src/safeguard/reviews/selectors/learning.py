"""Reads that carry no identities: published learning, and open cases' clocks for oversight."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.http import Http404

from safeguard.reviews import policies, rules, search_terms
from safeguard.reviews.models import Incident, LearningSheet, Status, Theme
from safeguard.reviews.selectors import learning_search
from safeguard.reviews.selectors.cases import clocks_of

CLOSED = (Status.DRAFT, Status.NOT_NOTIFIED, Status.CLOSED)


def published_sheets() -> QuerySet[LearningSheet]:
    """Learning sheets once published: anonymised by the Business Unit, readable by all."""
    return (
        LearningSheet.objects.filter(published_at__isnull=False)
        .prefetch_related("themes")
        .order_by("-published_at")
    )


def search_sheets(*, theme_id: int | None = None, words: str = "") -> QuerySet[LearningSheet]:
    """Published sheets on a theme and matching every one of the words (in the title, what
    happened, the good practice, the learning, what to do differently or a theme's name), the
    best match first.

    Full-text search (``learning_search``: PostgreSQL's GIN-indexed tsvector, SQLite's FTS5),
    stemmed ("escalating" finds "escalation") and ranked; only published sheets are ever
    answered, whatever the index holds. Semantic search is a later step.
    """
    sheets = published_sheets()
    if theme_id is not None:
        sheets = sheets.filter(themes__id=theme_id)
    if search_terms.words_of(words) and learning_search.has_index():
        ids = learning_search.ranked_sheet_ids(words)
        if not ids:
            return sheets.none()
        # One theme matches a sheet at most once, so no DISTINCT (PostgreSQL would refuse it
        # beside an ORDER BY on an expression).
        order = Case(*(When(pk=pk, then=Value(place)) for place, pk in enumerate(ids)))
        return sheets.filter(pk__in=ids).order_by(order)
    for word in words.split()[:10]:
        sheets = sheets.filter(
            Q(title__icontains=word)
            | Q(what_happened__icontains=word)
            | Q(good_practice__icontains=word)
            | Q(learning__icontains=word)
            | Q(do_differently__icontains=word)
        )
    return sheets.distinct()


def active_theme_names() -> list[str]:
    """The themes' names, for the kernel's theme registry (training's courses name them)."""
    return list(Theme.objects.filter(active=True).values_list("name", flat=True))


EARLIER_SHOWN = 10


def earlier_learning(*, incident: Incident) -> QuerySet[LearningSheet]:
    """Has this been learned before? The other cases' published learning, newest first, shown
    beside a Rapid Review's findings so that recurring themes are seen while they are written
    (regulation 11's "recurrent themes" criterion for a local CSPR)."""
    return published_sheets().exclude(incident=incident)[:EARLIER_SHOWN]


def active_themes() -> QuerySet[Theme]:
    """The themes in use, by name: each links to its page (the courses that address it)."""
    return Theme.objects.filter(active=True).order_by("name")


def theme_counts_by_year() -> tuple[list[int], list[tuple[str, list[int]]]]:
    """How many published sheets carried each theme, by the year they were published: the
    years, then (theme, one count a year) for every theme used at least once."""
    rows = (
        LearningSheet.objects.filter(published_at__isnull=False)
        .values("themes__name", "published_at__year")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[int, int]] = {}
    years: set[int] = set()
    for row in rows:
        if row["themes__name"] is None:
            continue
        counts.setdefault(row["themes__name"], {})[row["published_at__year"]] = row["n"]
        years.add(row["published_at__year"])
    ordered = sorted(years)
    return ordered, [
        (name, [by_year.get(year, 0) for year in ordered])
        for name, by_year in sorted(counts.items())
    ]


def open_cases_for(*, actor: Any) -> list[dict[str, Any]]:
    """Every open case with its clocks and who has contributed, for the Chair and the RAG.

    References, stages, dates and organisation names only. Others get an empty list.
    """
    if not policies.sees_every_case(actor):
        return []
    rows = []
    cases = (
        Incident.objects.exclude(status__in=CLOSED)
        .select_related("referring_organisation")
        .prefetch_related("contributions__organisation")
        .order_by("submitted_at")
    )
    for incident in cases:
        rows.append(
            {
                "incident": incident,
                "clocks": [
                    {
                        "kind_label": rules.clock_label(clock.kind),
                        "due_at": clock.due_at,
                        "state": clock.state,  # type: ignore[attr-defined]  # annotated
                    }
                    for clock in clocks_of(incident)
                ],
                "contributors": sorted({c.organisation.name for c in incident.contributions.all()}),
            }
        )
    return rows


def sheet_for(*, actor: Any, pk: int) -> LearningSheet:
    """A published sheet for anyone; an unpublished one for the Business Unit only."""
    sheet = LearningSheet.objects.prefetch_related("themes").filter(pk=pk).first()
    if sheet is None:
        raise Http404
    if sheet.published_at is None and not policies.can(actor, policies.Cap.MANAGE):
        raise Http404
    return sheet
