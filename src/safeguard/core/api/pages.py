"""One way to page through a list, for every list of the API.

A list route takes ``limit: Limit`` and ``offset: Offset`` and returns ``page_of(...)``, whose
schema is a subclass of ``Page`` with its ``items``: the body is
``{"count": <all rows>, "limit": ..., "offset": ..., "items": [...]}`` whichever module answers.
"""

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from django.db.models import QuerySet
from ninja import Query, Schema

MAX_LIMIT = 200
# Past any real list, and inside the 64-bit integer the databases take for OFFSET.
MAX_OFFSET = 1_000_000_000

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, 1 to {MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")]


class Page(Schema):
    """A page of a list; subclasses add ``items: list[...]``."""

    count: int
    limit: int
    offset: int


def page_of(
    rows: QuerySet[Any] | Sequence[Any],
    *,
    limit: int,
    offset: int,
    item: Callable[[Any], Any] = lambda row: row,
) -> dict[str, Any]:
    """The page ``offset:offset + limit`` of ``rows``, each row through ``item`` (only the rows
    on the page are turned into items, so ``item`` may audit what it reads)."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "items": [item(row) for row in rows[offset : offset + limit]],
    }
