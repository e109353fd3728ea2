"""The demo partnership, built once per test process and copied back for each test that needs it.

Building the demo takes tens of seconds (every module's story, replayed through its services),
and about forty tests need it: built each time, it was most of CI's time. The first test to ask
builds it for real; its rows are then read back table by table and kept in memory, and later
tests get the same rows written straight into their (empty) database. A test therefore sees
exactly what ``create_demo_partnership`` wrote, ids included, and may change it freely: the
next test starts again from the copy.

A copy is kept per (seed, moment, with_modules): a test that pins ``now`` gets the story told
up to that moment; one that does not gets today's, rebuilt if the London date has changed since.
Tests of the build itself (idempotence, refusal on a non-empty database, what it sends) call
``create_demo_partnership`` directly and never come here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from safeguard.core import audit, demo
from safeguard.core.clock import london_date


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class _Copy:
    summary: demo.DemoSummary
    tables: tuple[_Table, ...]


_COPIES: dict[tuple[str, int, bool, datetime | date], _Copy] = {}


def demo_partnership(
    *, seed: int = demo.DEFAULT_SEED, now: datetime | None = None, with_modules: bool = True
) -> demo.DemoSummary:
    """The demo in this test's database: built the first time, copied back afterwards."""
    key = (connection.vendor, seed, with_modules, now or london_date(timezone.now()))
    copy = _COPIES.get(key)
    if copy is None:
        summary = demo.create_demo_partnership(seed=seed, now=now, with_modules=with_modules)
        _COPIES[key] = _read(summary)
        return summary
    _write(copy)
    return copy.summary


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _read(summary: demo.DemoSummary) -> _Copy:
    quote = connection.ops.quote_name
    tables = []
    with connection.cursor() as cursor:
        for name in _tables():
            cursor.execute(f"SELECT * FROM {quote(name)}")  # noqa: S608 (table names, not input)
            columns = tuple(column[0] for column in cursor.description)
            rows = cursor.fetchall()
            if connection.vendor == "sqlite":
                rows = [tuple(_sqlite_value(value) for value in row) for row in rows]
            tables.append(_Table(name, columns, list(rows)))
    return _Copy(summary=summary, tables=tuple(tables))


def _sqlite_value(value: Any) -> Any:
    """SQLite reads a time column back as a ``time`` but has no adapter to write one: Django
    stores it as ISO text, so the copy does too."""
    return value.isoformat() if isinstance(value, time) else value


def _write(copy: _Copy) -> None:
    """Empty every table (post_migrate refills content types after a flush, under new ids;
    migrations seed rows) and write the copy's rows; foreign keys are deferred to the end of
    the transaction."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # The audit trail refuses to be emptied (migration 0002), as it should outside a test:
        # its guards are lifted inside this transaction only, exactly as ``flush`` does.
        with audit.guards_lifted():
            if connection.vendor == "postgresql":
                names = ", ".join(quote(table.name) for table in copy.tables)
                cursor.execute(f"TRUNCATE {names}")
            else:
                for table in copy.tables:
                    cursor.execute(f"DELETE FROM {quote(table.name)}")  # noqa: S608
        for table in copy.tables:
            if not table.rows:
                continue
            columns = ", ".join(quote(column) for column in table.columns)
            marks = ", ".join(["%s"] * len(table.columns))
            cursor.executemany(
                f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})",  # noqa: S608
                table.rows,
            )
        models = apps.get_models(include_auto_created=True)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
