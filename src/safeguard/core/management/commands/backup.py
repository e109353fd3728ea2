"""``safeguard backup --to DIR``: the database, the private files and a manifest, while live."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguard.core import backup


class Command(BaseCommand):
    help = "Back up the database and private files into a new folder under --to, with a manifest."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--to", type=Path, required=True, help="folder to create the backup folder in"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = backup.backup_make(to=options["to"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.manifest_read(folder)
        head = manifest["audit_head"]
        self.stdout.write(
            f"Backup written to {folder}: {manifest['database']['file']},"
            f" {len(manifest['files'])} file(s), audit head {head['seq']}:{head['hash']}."
        )
