"""Counting a page's database queries at N and 3N records: the test that fails on N+1.

A page that reads its rows in a fixed number of queries answers with the same count whatever
the number of rows; a page that asks the database once per row (an "N+1") answers with more
at 3N than at N. ``assert_flat`` renders the page after ``grow(n)`` has added records, then
again after ``grow(2n)`` more, and fails when the count grew, naming the statements that grew
so that the failure says where the per-row read is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

_LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+\b")
_LISTS = re.compile(r"\((?:\s*(?:%s|\?)\s*,?)+\)")


def _shape(sql: str) -> str:
    return _LISTS.sub("(...)", _LITERAL.sub("?", sql))


def count(client: Client, url: str) -> tuple[int, Counter[str]]:
    """The number of queries a GET of ``url`` makes (it must answer 200), and their shapes."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    shapes = Counter(_shape(q["sql"]) for q in captured.captured_queries)
    return len(captured.captured_queries), shapes


def assert_flat(
    client: Client,
    url: str,
    grow: Callable[[int], object],
    *,
    n: int = 4,
    rows_shown: Callable[[bytes], int] | None = None,
) -> tuple[int, int]:
    """Render ``url`` with ``n`` records grown, then with ``3n``: the query count must not grow.

    ``rows_shown``, when given, checks that the page did show more rows the second time (so a
    test whose records the page does not list cannot pass by showing nothing)."""
    grow(n)
    client.get(url)  # warm caches that are per process, not per row (holiday data, templates)
    first, first_shapes = count(client, url)
    shown_first = rows_shown(client.get(url).content) if rows_shown else 0
    grow(2 * n)
    second, second_shapes = count(client, url)
    if rows_shown:
        shown_second = rows_shown(client.get(url).content)
        assert shown_second > shown_first, (
            f"{url} showed {shown_first} rows, then {shown_second}: the test grows nothing shown"
        )
    grew = {
        shape: (first_shapes[shape], times)
        for shape, times in second_shapes.items()
        if times > first_shapes[shape]
    }
    detail = "\n".join(f"  {a} -> {b}: {shape[:300]}" for shape, (a, b) in grew.items())
    assert second <= first, (
        f"{url}: {first} queries with {n} records, {second} with {3 * n} (N+1):\n{detail}"
    )
    return first, second
