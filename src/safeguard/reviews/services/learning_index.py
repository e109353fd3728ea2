"""The full-text index of learning sheets, kept in step by the services that save learning.

PostgreSQL: one row per sheet in ``reviews_learning_search`` (a ``tsvector``, English stemming,
the title weighted above the text, a GIN index). SQLite: one row per sheet in the FTS5 table
``reviews_learning_fts`` (rowid = the sheet's id, porter stemming). Any other database has no
index and the selector falls back to plain matching. Written in the caller's transaction, so a
sheet and its index row change together. Parameterised SQL only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection as default_connection

TEXT_FIELDS = ("what_happened", "good_practice", "learning", "do_differently")


def index_text(sheet: Any, theme_names: Iterable[str]) -> tuple[str, str]:
    """The title, and the body: the sheet's text and its themes' names."""
    parts = [getattr(sheet, name) or "" for name in TEXT_FIELDS]
    return sheet.title or "", "\n".join([*parts, *theme_names])


def write_index(connection: Any, *, sheet_id: int, title: str, body: str) -> None:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "INSERT INTO reviews_learning_search (sheet_id, document) VALUES (%s,"
                " setweight(to_tsvector('english', %s), 'A')"
                " || setweight(to_tsvector('english', %s), 'B'))"
                " ON CONFLICT (sheet_id) DO UPDATE SET document = EXCLUDED.document",
                [sheet_id, title, body],
            )
        elif vendor == "sqlite":
            cursor.execute("DELETE FROM reviews_learning_fts WHERE rowid = %s", [sheet_id])
            cursor.execute(
                "INSERT INTO reviews_learning_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [sheet_id, title, body],
            )


def learning_index_update(*, sheet: Any) -> None:
    """Index ``sheet`` as it now stands (its text and its themes)."""
    title, body = index_text(sheet, sheet.themes.values_list("name", flat=True))
    write_index(default_connection, sheet_id=sheet.pk, title=title, body=body)
