"""``safeguard import_gias FILE [--la CODE ...]``: schools from the DfE register (GIAS CSV)."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from safeguard.children.importers.cli import run_gias


class Command(BaseCommand):
    help = "Create or update school organisations from a GIAS establishments CSV (all or nothing)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the GIAS CSV (UTF-8 or Windows-1252)")
        parser.add_argument(
            "--la",
            action="append",
            default=[],
            metavar="CODE",
            help="import only establishments of this LA code (repeat for several)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        status = run_gias(
            options["file"], la_codes=options["la"], stdout=self.stdout, stderr=self.stderr
        )
        if status:
            sys.exit(status)
