"""``safeguard child_deaths import-deprivation --areas FILE [--postcodes FILE]``: replace the
deprivation lookup (an administrator's step), all or nothing, and work out deciles again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.child_deaths.importers.deprivation import FileRefused, read_areas, read_postcodes
from safeguard.child_deaths.services.deprivation import deprivation_replace


class Command(BaseCommand):
    help = "Child deaths: import the English Indices of Deprivation and the postcode lookup"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imd = sub.add_parser("import-deprivation")
        imd.add_argument("--areas", type=Path, help="The IoD CSV (one row per LSOA)")
        imd.add_argument("--postcodes", type=Path, help="The ONS postcode lookup CSV")

    def handle(self, *args: Any, **options: Any) -> None:
        areas_path, postcodes_path = options.get("areas"), options.get("postcodes")
        if not areas_path and not postcodes_path:
            raise CommandError("Give --areas, --postcodes or both")
        try:
            areas = read_areas(areas_path.read_text(encoding="utf-8-sig")) if areas_path else []
            postcodes = (
                read_postcodes(postcodes_path.read_text(encoding="utf-8-sig"))
                if postcodes_path
                else []
            )
        except FileRefused as refused:
            for error in refused.errors[:200]:
                self.stderr.write(f"line {error.line}, {error.column}: {error.reason}")
            raise CommandError(
                f"File refused: {len(refused.errors)} bad rows, nothing changed"
            ) from None
        changed = deprivation_replace(actor=None, areas=areas, postcodes=postcodes)
        self.stdout.write(
            f"Imported {len(areas)} areas and {len(postcodes)} postcodes; "
            f"{changed} deaths changed decile"
        )
