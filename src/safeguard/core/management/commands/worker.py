"""``safeguard worker``: deliver the notifications outbox and run periodic jobs."""

from __future__ import annotations

import argparse
import os
import socket
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.core import outbox, worker


class Command(BaseCommand):
    help = (
        "Deliver queued email and run periodic jobs until stopped (SIGTERM or Ctrl-C). "
        "Run as many as you like: they never deliver the same message at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="deliver what is due now, run due jobs, and exit"
        )
        parser.add_argument(
            "--poll-seconds",
            type=float,
            default=5.0,
            help="seconds to wait between looks at the outbox (default 5)",
        )
        parser.add_argument(
            "--worker-id", default="", help="name in the attempts history (default host:pid)"
        )
        # For tests that kill a worker mid-delivery and must not wait five minutes.
        parser.add_argument(
            "--lease-seconds", type=float, default=outbox.LEASE_SECONDS, help=argparse.SUPPRESS
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["poll_seconds"] <= 0:
            raise CommandError("--poll-seconds must be more than 0")
        if options["lease_seconds"] <= 0:
            raise CommandError("--lease-seconds must be more than 0")
        worker_id = options["worker_id"] or f"{socket.gethostname()}:{os.getpid()}"
        worker.run(
            worker_id=worker_id[:100],
            poll_seconds=options["poll_seconds"],
            once=options["once"],
            lease_seconds=options["lease_seconds"],
        )
