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
from django.db import transaction

from safeguard.core import audit


class Command(flush.Command):
    help = "Empty every table (refused in production: it would erase the audit trail)."

    def handle(self, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("flush is refused in production: it would erase the audit trail")
        database = options["database"]
        with transaction.atomic(using=database), audit.guards_lifted(using=database):
            super().handle(**options)
