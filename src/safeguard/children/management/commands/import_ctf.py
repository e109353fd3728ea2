"""``safeguard import_ctf FILE [--school URN]``: pupils from a DfE Common Transfer File."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from safeguard.children.importers.cli import run_ctf


class Command(BaseCommand):
    help = "Add or update pupils from a DfE Common Transfer File (XML; all or nothing)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the CTF XML file")
        parser.add_argument(
            "--school",
            metavar="URN",
            help="the school whose roll the pupils join (default: from the file's header)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        status = run_ctf(
            options["file"], school_urn=options["school"], stdout=self.stdout, stderr=self.stderr
        )
        if status:
            sys.exit(status)
