"""``safeguard spc FILE.csv``: read a ``date,value`` series as an XmR chart, CSV out.

The engine is :mod:`safeguard.performance.spc`; the CSV formats are
:mod:`safeguard.performance.importers.spc_csv`. Any bad input stops the command with a message on
standard error and exit code 2 before anything is written, so a script piping the output never
gets half a chart. The command touches no database, so it skips Django's system checks.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser, ArgumentTypeError
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguard.performance import spc
from safeguard.performance.importers import spc_csv

TRIAL_NOTE = "note: fewer than 12 points: limits are trial limits"


def _date(text: str) -> date:
    try:
        return spc_csv.parse_date(text)
    except ValueError as error:
        raise ArgumentTypeError(str(error)) from None


def _number(text: str) -> Decimal:
    try:
        return spc_csv.parse_number(text.strip())
    except ValueError as error:
        raise ArgumentTypeError(str(error)) from None


class Command(BaseCommand):
    help = "Read a date,value CSV as an SPC (XmR) chart: limits, special causes, assurance."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="CSV with the header date,value (ISO dates); - for stdin")
        parser.add_argument(
            "--improvement",
            choices=["up", "down", "neither"],
            default="up",
            help="which way is better (default: up)",
        )
        parser.add_argument("--target", type=_number, help="the target, for assurance")
        parser.add_argument(
            "--recalculate-from",
            type=_date,
            action="append",
            default=[],
            metavar="DATE",
            help="start new limits at the first point on or after DATE (may be repeated)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = self._read(options["file"])
        try:
            readings = spc_csv.read_series(text)
            recalculate_at = spc_csv.recalculation_indices(readings, options["recalculate_from"])
            result = spc.analyse(
                [reading.value for reading in readings],
                improvement=options["improvement"],
                target=options["target"],
                recalculate_at=recalculate_at,
            )
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from None
        output = spc_csv.write_result(readings, result)
        if result.trial_limits:
            self.stderr.write(TRIAL_NOTE)
        self.stdout.write(output, ending="")

    def _read(self, name: str) -> str:
        try:
            if name == "-":
                return sys.stdin.read()
            return Path(name).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"{name}: no such file", returncode=2) from None
        except IsADirectoryError:
            raise CommandError(f"{name}: is a directory, not a CSV file", returncode=2) from None
        except UnicodeDecodeError:
            raise CommandError(f"{name}: is not UTF-8 text", returncode=2) from None
        except OSError as error:
            raise CommandError(f"{name}: cannot be read ({error.strerror})", returncode=2) from None
