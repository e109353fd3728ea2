"""``safeguard restore FOLDER``: put a backup back, then verify the audit trail (or fail)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguard.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the configured database and var folder (stop the service"
        " first); checks every checksum first and verifies the audit trail after."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", type=Path, help="a folder written by 'safeguard backup'")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="confirm that the current database is to be replaced by the backup",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        try:
            manifest = backup.backup_check(folder)
        except backup.BackupError as exc:
            raise CommandError(f"the backup is not usable: {exc}") from exc
        if not options["yes"]:
            raise CommandError(
                f"this replaces the whole database with the backup of {manifest['created_at']};"
                " stop the web server and workers, then run again with --yes"
            )
        try:
            restored = backup.backup_restore(folder=folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not restored.intact:
            self.stderr.write(
                "RESTORE FAILED: the restored audit trail does not verify."
                " Do not put this database into service.",
                self.style.ERROR,
            )
            for problem in restored.problems:
                self.stderr.write(f"- {problem}")
            raise CommandError("the restored audit trail is not intact", returncode=1)
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}; audit trail intact:"
            f" {restored.audit_rows} rows verified.",
            self.style.SUCCESS,
        )
