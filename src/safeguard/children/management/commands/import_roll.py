"""``safeguard import_roll FILE``: school rolls from the documented roll CSV."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from safeguard.children.importers.cli import run_roll


class Command(BaseCommand):
    help = (
        "Import school rolls from CSV upn,forename,surname,dob,gender,postcode,school_urn"
        " (the whole roll of each school named; all or nothing)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the roll CSV (UTF-8)")

    def handle(self, *args: Any, **options: Any) -> None:
        status = run_roll(options["file"], stdout=self.stdout, stderr=self.stderr)
        if status:
            sys.exit(status)
