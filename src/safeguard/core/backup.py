"""Backups and restores of the whole service: the database, its private files, a manifest.

A backup is a folder ``safeguard-<UTC time>`` holding
- ``database.sqlite3`` (SQLite: an online copy through SQLite's backup API, consistent while the
  service runs) or ``database.pgdump`` (PostgreSQL: ``pg_dump -Fc``, one snapshot);
- ``files/``: the private files under the var folder (census records, uploads ...), except what
  the service makes again by itself (static files, development mail, exports, the database);
- ``manifest.json``: when, which database, the audit chain's head at the time, and a SHA-256
  checksum of every file.

A restore checks every checksum before touching anything, puts the database and the files back,
then verifies the restored audit chain against the head the manifest recorded: a trail that
does not verify fails the restore loudly (exit 1), because a database whose history cannot be
trusted must not go back into service unnoticed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.core.private_files import FILE_MODE, private_folder

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FILES = "files"
# Under the var folder, made again by the service itself (or secrets kept elsewhere in
# production): not backed up. Everything else there is.
_SKIPPED = {"static", "mail", "exports", "backups", "secret_key"}


class BackupError(Exception):
    """The backup or restore could not be done; the message says why, with no personal data."""


@dataclass(frozen=True)
class Restored:
    folder: Path
    audit_rows: int
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _database() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def _vendor() -> str:
    return connection.vendor


def _var_files() -> Iterator[Path]:
    var = Path(settings.VAR_DIR)
    database = Path(str(_database()["NAME"])).resolve() if _vendor() == "sqlite" else None
    if not var.is_dir():
        return
    for path in sorted(var.rglob("*")):
        relative = path.relative_to(var)
        if relative.parts[0] in _SKIPPED or not path.is_file() or path.is_symlink():
            continue
        if database is not None and path.resolve().name.startswith(database.name):
            continue  # the database and its -wal and -shm files: copied through SQLite
        yield path


def _pg_env() -> dict[str, str]:
    db = _database()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_target() -> list[str]:
    db = _database()
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return [*args, "--dbname", str(db["NAME"])]


def _run(command: list[str]) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        )
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
        [tool, *command[1:]], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def _copy_sqlite(target: Path) -> None:
    """SQLite's online backup: page by page, consistent, while other processes keep writing."""
    connection.ensure_connection()
    live = connection.connection
    copy = sqlite3.connect(target)
    try:
        live.backup(copy, pages=1024)
    finally:
        copy.close()


def _sqlite_head(path: Path) -> tuple[int, str]:
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = copy.execute(
            "SELECT last_seq, last_hash FROM core_auditchainhead WHERE id = 1"
        ).fetchone()
    finally:
        copy.close()
    return (int(row[0]), str(row[1])) if row else (0, audit.GENESIS)


def backup_make(*, to: Path, now: datetime | None = None) -> Path:
    """Write a backup folder under ``to`` and return it."""
    moment = now or datetime.now(UTC)
    folder = private_folder(Path(to) / f"safeguard-{moment:%Y%m%dT%H%M%SZ}")
    if any(folder.iterdir()):
        raise BackupError(f"{folder} already holds a backup")
    # The fact of the backup goes into the trail first, so the backup holds its own record.
    audit.record(action=AuditAction.EXPORT, record_type="core.backup", detail="backup made")
    vendor = _vendor()
    if vendor == "sqlite":
        database_file = folder / SQLITE_FILE
        _copy_sqlite(database_file)
        seq, last_hash = _sqlite_head(database_file)
    elif vendor == "postgresql":
        seq, last_hash = audit.head()  # read before the dump's snapshot: the dump has it all
        database_file = folder / PG_FILE
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(database_file),
                *_pg_target(),
            ]
        )
    else:
        raise BackupError(f"no backup method for {vendor}")
    database_file.chmod(FILE_MODE)
    files = []
    var = Path(settings.VAR_DIR)
    for path in _var_files():
        relative = path.relative_to(var)
        target = folder / FILES / relative
        private_folder(target.parent)
        shutil.copy2(path, target)
        target.chmod(FILE_MODE)
        files.append(
            {"path": str(relative), "sha256": _sha256(target), "bytes": target.stat().st_size}
        )
    db = _database()
    manifest = {
        "format": FORMAT,
        "created_at": moment.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "database": {
            "vendor": vendor,
            "name": Path(str(db["NAME"])).name if vendor == "sqlite" else str(db["NAME"]),
            "file": database_file.name,
            "sha256": _sha256(database_file),
            "bytes": database_file.stat().st_size,
        },
        "audit_head": {"seq": seq, "hash": last_hash},
        "files": files,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    path.chmod(FILE_MODE)
    return folder


def manifest_read(folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} is missing: not a Safeguard backup folder")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except ValueError as exc:
        raise BackupError(f"{path} is not valid JSON") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    return manifest


def backup_check(folder: Path) -> dict[str, Any]:
    """Every checksum of the manifest against the files: the manifest, or ``BackupError``."""
    folder = Path(folder)
    manifest = manifest_read(folder)
    wanted = [(folder / manifest["database"]["file"], manifest["database"]["sha256"])]
    wanted += [(folder / FILES / f["path"], f["sha256"]) for f in manifest["files"]]
    for path, checksum in wanted:
        if not path.is_file():
            raise BackupError(f"{path.relative_to(folder)} is missing from the backup")
        if _sha256(path) != checksum:
            raise BackupError(f"{path.relative_to(folder)} does not match its checksum")
    return manifest


def backup_restore(*, folder: Path) -> Restored:
    """Put a backup back into the configured database and var folder, then verify the trail.

    The service must be stopped (web and workers): a restore replaces the whole database.
    """
    folder = Path(folder)
    manifest = backup_check(folder)
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"this backup is of a {manifest['database']['vendor']} database;"
            f" DATABASE_URL names a {vendor} one"
        )
    database_file = folder / manifest["database"]["file"]
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connections.close_all()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                *_pg_target(),
                str(database_file),
            ]
        )
    var = Path(settings.VAR_DIR)
    for entry in manifest["files"]:
        target = var / entry["path"]
        if var.resolve() not in target.resolve().parents:
            raise BackupError(f"{entry['path']} would be written outside the var folder")
        private_folder(target.parent)
        shutil.copy2(folder / FILES / entry["path"], target)
        target.chmod(FILE_MODE)
    head = manifest["audit_head"]
    result = audit.verify(anchor=(int(head["seq"]), str(head["hash"])))
    problems = [str(p) for p in result.problems]
    if not problems:
        audit.record(
            action=AuditAction.UPDATE,
            record_type="core.backup",
            detail=f"restored from the backup of {manifest['created_at']}",
        )
    return Restored(folder=folder, audit_rows=result.rows, problems=problems)
