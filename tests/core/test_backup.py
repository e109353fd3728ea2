"""``safeguard backup`` and ``safeguard restore`` on the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from safeguard.core import audit, backup
from safeguard.core.models import AuditEvent, Person
from safeguard.core.models.audit import AuditAction
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def var(settings, tmp_path: Path) -> Path:
    folder = tmp_path / "var"
    (folder / "census" / "2026").mkdir(parents=True)
    (folder / "census" / "2026" / "episodes.parquet").write_bytes(b"PAR1 synthetic records")
    (folder / "static").mkdir()
    (folder / "static" / "app.css").write_text("body{}")
    (folder / "mail").mkdir()
    (folder / "mail" / "1.log").write_text("a set-password link")
    settings.VAR_DIR = folder
    return folder


def _skip_without_pg_dump() -> None:
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")


def _backup(to: Path) -> Path:
    call_command("backup", "--to", str(to), stdout=open("/dev/null", "w"))  # noqa: SIM115
    [folder] = list(to.iterdir())
    return folder


def test_backup_then_restore_puts_everything_back_and_the_trail_verifies(var, tmp_path):
    _skip_without_pg_dump()
    kept = factories.person("practitioner", full_name="Kept Person")
    audit.record(action=AuditAction.VIEW, record_type="core.person", record_id=kept.pk)
    folder = _backup(tmp_path / "backups")

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    database_file = folder / manifest["database"]["file"]
    assert manifest["database"]["sha256"] == hashlib.sha256(database_file.read_bytes()).hexdigest()
    assert [f["path"] for f in manifest["files"]] == ["census/2026/episodes.parquet"]
    assert manifest["audit_head"]["seq"] == audit.head()[0]
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert (database_file.stat().st_mode & 0o777) == 0o600
    assert AuditEvent.objects.filter(record_type="core.backup", detail="backup made").exists()

    # Life goes on after the backup, then something goes wrong and the backup is restored.
    factories.person("practitioner", full_name="Added Later")
    (var / "census" / "2026" / "episodes.parquet").write_bytes(b"damaged")
    call_command("restore", str(folder), "--yes", stdout=open("/dev/null", "w"))  # noqa: SIM115

    names = set(Person.objects.values_list("full_name", flat=True))
    assert "Kept Person" in names
    assert "Added Later" not in names
    assert (var / "census" / "2026" / "episodes.parquet").read_bytes() == b"PAR1 synthetic records"
    assert audit.verify().intact
    assert AuditEvent.objects.order_by("-seq").first().detail.startswith("restored from")


def test_restore_refuses_a_damaged_backup_and_changes_nothing(var, tmp_path):
    _skip_without_pg_dump()
    folder = _backup(tmp_path / "backups")
    (folder / "files" / "census" / "2026" / "episodes.parquet").write_bytes(b"tampered")
    factories.person("practitioner", full_name="Still Here")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(folder), "--yes")
    assert Person.objects.filter(full_name="Still Here").exists()


def test_restore_asks_for_confirmation(var, tmp_path):
    _skip_without_pg_dump()
    folder = _backup(tmp_path / "backups")
    factories.person("practitioner", full_name="Still Here")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(folder))
    assert Person.objects.filter(full_name="Still Here").exists()


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match=r"manifest\.json is missing"):
        call_command("restore", str(tmp_path), "--yes")


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_backup_whose_audit_trail_was_altered_fails_the_restore_loudly(var, tmp_path, capsys):
    factories.person("practitioner")
    folder = _backup(tmp_path / "backups")
    good = shutil.copytree(folder, tmp_path / "good")
    # Someone with the backup file rewrites history, and fixes the checksum to match.
    database_file = folder / backup.SQLITE_FILE
    copy = sqlite3.connect(database_file)
    triggers = copy.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditevent'"
    ).fetchall()
    for (name,) in triggers:
        copy.execute(f'DROP TRIGGER "{name}"')
    copy.execute("UPDATE core_auditevent SET detail = 'nothing to see' WHERE seq = 1")
    copy.commit()
    copy.close()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["database"]["sha256"] = hashlib.sha256(database_file.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError) as failed:
        call_command("restore", str(folder), "--yes")
    assert failed.value.returncode == 1
    err = capsys.readouterr().err
    assert "RESTORE FAILED" in err
    assert "row 1 was altered" in err
    assert "append-only guard" in err
    # Put the untouched backup back, so the tests after this one find the guards in place.
    call_command("restore", str(good), "--yes", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert audit.verify().intact
