"""``safeguard audit``: through call_command, and through the real executable in subprocesses,
including two processes appending at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from io import StringIO
from itertools import pairwise
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from safeguard.core import audit
from safeguard.core.models import AuditEvent
from safeguard.core.models.audit import AuditAction
from tests import factories
from tests.core.test_audit import tampering

SAFEGUARD = str(Path(sys.executable).with_name("safeguard"))

# Each appender waits for the go file, so both really append at the same time.
APPENDER = """
import pathlib, time
from safeguard.core import audit
pathlib.Path({ready!r}).touch()
go = pathlib.Path({go!r})
while not go.exists():
    time.sleep(0.005)
for i in range({count}):
    audit.record(action="create", record_type="test.concurrent", record_id="{tag}-%d" % i)
"""


def _run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except CommandError as refused:
        return refused.returncode, out.getvalue(), err.getvalue() + str(refused)
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_verify_reports_an_intact_trail():
    for i in range(3):
        audit.record(action=AuditAction.CREATE, record_type="test.thing", record_id=i)
    code, out, _ = _run("verify", "--batch-size", "2")
    assert code == 0
    assert out.strip() == f"Audit trail intact: {AuditEvent.objects.count()} rows verified."


@pytest.mark.django_db
def test_a_missing_append_only_guard_fails_verify_with_exit_1():
    """With a trigger gone the trail can be rewritten: that is a failure, not a warning."""
    audit.record(action=AuditAction.CREATE, record_type="test.thing", record_id=1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER core_auditchainhead_forward_only ON core_auditchainhead")
        else:
            cursor.execute("DROP TRIGGER core_auditchainhead_forward_only")
    code, out, _ = _run("verify")
    assert code == 1
    assert "Audit trail NOT intact: 1 problem(s)" in out
    assert (
        "- the append-only guard core_auditchainhead_forward_only on core_auditchainhead"
        " is missing: rows can be changed or removed"
    ) in out


@pytest.mark.django_db
def test_verify_lists_every_problem_and_exits_1():
    rows = [
        audit.record(action=AuditAction.CREATE, record_type="test.thing", record_id=i)
        for i in range(4)
    ]
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET detail = 'x' WHERE seq = %s", [rows[0].seq])
        cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [rows[3].seq])
    code, out, err = _run("verify")
    assert code == 1
    assert "Audit trail NOT intact: 2 problem(s)" in out
    assert f"- row {rows[0].seq} was altered after it was written" in out
    assert "removed from the end" in out
    assert "not intact" in err


@pytest.mark.django_db
def test_head_prints_an_anchor_that_verify_accepts_and_checks():
    audit.record(action=AuditAction.CREATE, record_type="test.thing", record_id=1)
    code, out, _ = _run("head")
    anchor = out.strip()
    seq, last_hash = audit.head()
    assert code == 0 and anchor == f"{seq}:{last_hash}"
    assert _run("verify", "--anchor", anchor)[0] == 0
    assert _run("verify", "--anchor", f"{seq}:{'b' * 64}")[0] == 1
    with pytest.raises(CommandError, match="SEQ:HASH"):
        call_command("audit", "verify", "--anchor", "nonsense")


@pytest.mark.django_db
def test_show_prints_one_records_history_with_ids_only():
    someone = factories.person("practitioner")
    audit.record_view(actor=someone, record_type="core.person", record_id=42)
    audit.record(
        action=AuditAction.UPDATE,
        record_type="core.person",
        record_id=42,
        actor=someone,
        changes={"job_title": ["A", "B"]},
    )
    audit.record_view(actor=someone, record_type="core.person", record_id=43)
    code, out, _ = _run("show", "--record", "core.person:42")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 4  # header, two events, summary
    assert f"\t{someone.pk}\t{someone.organisation_id}\tview\t" in lines[1]
    assert lines[2].endswith("\tupdate\t-\tjob_title")
    assert lines[3] == "2 event(s) for core.person:42."
    assert someone.full_name not in out and someone.email not in out
    # Reading the trail from the command line is itself recorded.
    assert AuditEvent.objects.filter(
        record_type="core.audit", record_id="core.person:42", route="cli:audit show"
    ).exists()


@pytest.mark.django_db
def test_show_refuses_a_malformed_record():
    with pytest.raises(CommandError, match="TYPE:ID"):
        call_command("audit", "show", "--record", "core.person")


# The real executable -------------------------------------------------------------------------


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, SAFEGUARD_ENV="test")
    return env


def _safeguard(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SAFEGUARD, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _append_from_two_processes(env: dict[str, str], tmp_path: Path, count: int) -> None:
    """Start two appenders, wait until both are ready, then let them go at the same moment."""
    go = tmp_path / "go"
    ready = {tag: tmp_path / f"ready-{tag}" for tag in ("a", "b")}
    code = {
        tag: APPENDER.format(ready=str(ready[tag]), go=str(go), count=count, tag=tag)
        for tag in ready
    }
    workers = [
        subprocess.Popen(
            [SAFEGUARD, "shell", "-c", code[tag]],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ready
    ]
    deadline = time.monotonic() + 120
    while not all(path.exists() for path in ready.values()) and time.monotonic() < deadline:
        time.sleep(0.02)
    go.touch()
    for worker in workers:
        _out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err


def test_the_safeguard_executable_migrates_appends_concurrently_and_verifies(tmp_path):
    """A file-based SQLite database: migrate, two appending processes, verify, tamper, verify."""
    database = tmp_path / "audit.sqlite3"
    env = _env(f"sqlite:///{database}")
    migrated = _safeguard(env, "migrate", "--no-input", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    _append_from_two_processes(env, tmp_path, count=40)

    verified = _safeguard(env, "audit", "verify")
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT COUNT(*) FROM core_auditevent").fetchone()[0]
        seqs = [s for (s,) in db.execute("SELECT seq FROM core_auditevent ORDER BY seq")]
    assert rows >= 80 and seqs == list(range(1, rows + 1))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"Audit trail intact: {rows} rows verified." in verified.stdout

    with (
        sqlite3.connect(database) as db,
        pytest.raises(sqlite3.DatabaseError, match="append-only"),
    ):
        db.execute("UPDATE core_auditevent SET detail = 'x' WHERE seq = 5")
    with sqlite3.connect(database) as db:
        db.execute("DROP TRIGGER core_auditevent_no_update")
        db.execute("UPDATE core_auditevent SET detail = 'x' WHERE seq = 5")
    tampered = _safeguard(env, "audit", "verify")
    assert tampered.returncode == 1
    assert "row 5 was altered after it was written" in tampered.stdout
    assert "core_auditevent_no_update on core_auditevent is missing" in tampered.stdout


@pytest.mark.django_db(transaction=True)
def test_two_processes_appending_to_postgresql_form_one_chain(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs DATABASE_URL=postgres://...: other processes cannot reach an in-memory"
            " SQLite test database (the file-based SQLite case is tested above)"
        )
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}"
        f":{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    before = AuditEvent.objects.count()
    _append_from_two_processes(_env(url), tmp_path, count=100)
    result = audit.verify(batch_size=37)
    assert result.intact, result.problems
    assert result.rows == before + 200
    order = list(
        AuditEvent.objects.filter(record_type="test.concurrent")
        .order_by("seq")
        .values_list("record_id", flat=True)
    )
    assert set(order) == {f"{tag}-{i}" for tag in "ab" for i in range(100)}
    # The chain interleaves the two writers: they really appended at the same time.
    switches = sum(1 for this, then in pairwise(order) if this[0] != then[0])
    assert switches >= 2


# flush: the one path that empties the trail --------------------------------------------------


@pytest.mark.django_db
def test_flush_empties_the_trail_outside_production_and_puts_the_guard_back():
    audit.record(action=AuditAction.CREATE, record_type="test.thing", record_id=1)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    assert audit.missing_guards() == []
    event = audit.record(action=AuditAction.CREATE, record_type="test.thing", record_id=2)
    assert event.seq == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")
    assert audit.verify().intact


@pytest.mark.django_db
def test_flush_is_refused_in_production(settings):
    settings.PRODUCTION = True
    audit.record(action=AuditAction.CREATE, record_type="test.thing", record_id=1)
    with pytest.raises(CommandError, match="erase the audit trail"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() >= 1
