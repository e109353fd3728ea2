"""Ranked full-text search of learning sheets: one function, whichever database runs it.

``ranked_sheet_ids`` answers the ids of the sheets matching every word, best first: PostgreSQL
ranks with ``ts_rank`` over the GIN-indexed ``tsvector``; SQLite with FTS5's ``bm25`` (the title
weighted five times the text). The words reach the engine as words only
(``reviews.search_terms``). Need to know is not decided here: the caller keeps only the sheets
the person may read (published ones).
"""

from __future__ import annotations

from django.db import connection

from safeguard.reviews import search_terms

LIMIT = 500


def has_index() -> bool:
    return connection.vendor in ("postgresql", "sqlite")


def ranked_sheet_ids(words: str) -> list[int]:
    """Sheet ids matching every word, best first (at most 500); [] when nothing can match."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            text = search_terms.plain_query(words)
            if not text:
                return []
            cursor.execute(
                "SELECT sheet_id FROM reviews_learning_search,"
                " plainto_tsquery('english', %s) AS query"
                " WHERE document @@ query"
                " ORDER BY ts_rank(document, query) DESC, sheet_id DESC LIMIT %s",
                [text, LIMIT],
            )
        else:
            match = search_terms.fts5_query(words)
            if not match:
                return []
            cursor.execute(
                "SELECT rowid FROM reviews_learning_fts WHERE reviews_learning_fts MATCH %s"
                " ORDER BY bm25(reviews_learning_fts, 5.0, 1.0), rowid DESC LIMIT %s",
                [match, LIMIT],
            )
        return [row[0] for row in cursor.fetchall()]
