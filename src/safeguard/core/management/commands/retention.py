"""``safeguard retention``: apply the retention schedule now, or say what it would do."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeguard.core import retention


class Command(BaseCommand):
    help = (
        "Delete or anonymise the records whose retention has run out (docs/retention.md);"
        " --dry-run only counts them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            help="apply the schedule as of this day (YYYY-MM-DD)",
        )
        parser.add_argument(
            "--check", action="store_true", help="only check that every record type has a rule"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = retention.schedule_problems()
        if problems:
            for problem in problems:
                self.stderr.write(f"- {problem}")
            raise CommandError("the retention schedule is incomplete", returncode=1)
        if options["check"]:
            self.stdout.write("The retention schedule covers every record type.")
            return
        if settings.RETENTION_PAUSED and not options["dry_run"]:
            raise CommandError(
                "retention is paused (SAFEGUARD_RETENTION_PAUSED): only --dry-run is allowed"
            )
        run = retention.retention_run(today=options["as_of"], dry_run=options["dry_run"])
        verb = "would be" if run.dry_run else "were"
        note = " (dry run: nothing changed)" if run.dry_run else ""
        self.stdout.write(f"Retention as of {run.as_of:%-d %B %Y}{note}:")
        if not run.summary:
            self.stdout.write("  nothing has expired.")
        for entry in run.summary:
            action = "anonymised" if entry["action"] == "anonymise" else "deleted"
            done = entry["expired"] if run.dry_run else entry["done"]
            line = f"  {entry['model']} ({entry['retention_class']}): {done} {verb} {action}"
            if entry["failed"]:
                line += f", {entry['failed']} left"
            self.stdout.write(line)
            for failure in entry["failures"]:
                self.stdout.write(f"    {failure}")
