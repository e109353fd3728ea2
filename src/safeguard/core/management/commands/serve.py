"""``safeguard serve``: only the web server, as production runs it.

Production runs ``safeguard migrate`` and ``safeguard collectstatic`` as release steps and
``safeguard worker`` as its own service; this command replaces itself with gunicorn so that the
process manager's signals reach gunicorn directly.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.core.management.commands.run import gunicorn_command


class Command(BaseCommand):
    help = "Start the web server (gunicorn) alone, for production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("SAFEGUARD_WEB_WORKERS", "4")),
            help="Web processes (default 4, or SAFEGUARD_WEB_WORKERS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be a number from 1 to 65535")
        if options["workers"] < 1:
            raise CommandError("--workers must be 1 or more")
        command = gunicorn_command(
            host=options["host"], port=options["port"], workers=options["workers"]
        )
        self.stdout.flush()
        os.execv(command[0], command)  # noqa: S606 - our own interpreter, fixed arguments
