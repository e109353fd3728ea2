"""``safeguard demo``: fill an empty database with the synthetic demo partnership."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.core import demo


class Command(BaseCommand):
    help = "Create the synthetic demo partnership (Westmere) in an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sign-ins",
            action="store_true",
            help="Print the demo sign-ins again instead of creating anything.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help=f"The seed the data is derived from (default {demo.DEFAULT_SEED}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "The demo partnership cannot be used in production (SAFEGUARD_ENV=production)."
            )
        if options["sign_ins"]:
            entries = demo.sign_ins()
            if not entries:
                raise CommandError("There is no demo partnership here: run 'safeguard demo'.")
            self.stdout.write(demo.sign_ins_text(entries, demo_mode=settings.DEMO_MODE))
            return
        try:
            summary = demo.create_demo_partnership(seed=options["seed"])
        except demo.DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the demo partnership: {summary.organisations} organisations "
                f"({summary.schools} schools), {summary.people} people, {summary.groups} groups "
                f"(seed {summary.seed}, digest {summary.digest[:12]})."
            )
        )
        self.stdout.write("")
        for name, made in summary.extensions.items():
            self.stdout.write(f"  {name}: {made} demo records")
        self.stdout.write(demo.sign_ins_text(summary.sign_ins, demo_mode=settings.DEMO_MODE))
