"""``flush``, with the audit trail's append-only guard lifted for it and only outside production.

Django's own ``flush`` empties every table, which the audit triggers (migration 0002) rightly
refuse. Test cases that commit (``transactional_db``, ``live_server``) are torn down with a
flush, and a demo reset needs one, so outside production this command lifts the triggers in the
same transaction as the flush and puts them back before it commits: no other session ever sees
the trail unguarded. In production it refuses, because emptying the audit trail is never routine.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections, transaction

_TABLES = ("core_auditevent", "core_auditchainhead")


class Command(flush.Command):
    help = "Empty every table (refused in production: it would erase the audit trail)."

    def handle(self, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("flush is refused in production: it would erase the audit trail")
        connection = connections[options["database"]]
        with transaction.atomic(using=connection.alias):
            saved = _lift_guards(connection)
            super().handle(**options)
            _restore_guards(connection, saved)


def _lift_guards(connection: Any) -> list[str]:
    """Disable (PostgreSQL) or drop (SQLite, returning their SQL) the audit triggers."""
    if not set(_TABLES) <= set(connection.introspection.table_names()):
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in _TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            return ["postgresql"]
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name IN ('core_auditevent', 'core_auditchainhead')"
            )
            found = cursor.fetchall()
            for name, _sql in found:
                cursor.execute(f'DROP TRIGGER "{name}"')
            return [sql for _name, sql in found]
    return []


def _restore_guards(connection: Any, saved: list[str]) -> None:
    with connection.cursor() as cursor:
        if saved == ["postgresql"]:
            for table in _TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            for sql in saved:
                cursor.execute(sql)
