"""The worker: its loop and periodic jobs in process, and real worker processes side by side.

The process tests run ``safeguard worker`` as separate OS processes against a database they can
all see (a temporary SQLite file, or a temporary PostgreSQL database when DATABASE_URL points at
PostgreSQL) and a real SMTP server on loopback, and count what arrives at the server.
"""

from __future__ import annotations

import json
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.db import transaction

from safeguard.core import outbox, worker
from safeguard.core.models import OutboxMessage
from safeguard.core.models.outbox import OutboxState
from tests import smtp

smtp_server = smtp.smtp_server

pytestmark = pytest.mark.smtp

SAFEGUARD = str(Path(sys.executable).parent / "safeguard")


@pytest.fixture
def jobs() -> Iterator[list[str]]:
    """Register test jobs and remove them afterwards, leaving any real ones in place."""
    names: list[str] = []
    yield names
    for name in names:
        worker.unregister_periodic(name)


# In process ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_once_delivers_what_is_due(settings, smtp_server):
    smtp.use_smtp(settings, smtp_server)
    with transaction.atomic():
        for n in range(12):  # more than one batch
            outbox.message_enqueue(
                to_address="reader@example.invalid",
                subject=f"Item {n}",
                body="Something needs your attention.",
                reason="test",
                dedupe_key=f"once:{n}",
            )
    worker.run(worker_id="w1", poll_seconds=1, once=True)
    assert len(smtp_server.messages) == 12
    assert not OutboxMessage.objects.exclude(state=OutboxState.SENT).exists()


@pytest.mark.django_db
def test_a_failing_job_is_logged_by_name_and_type_and_others_still_run(jobs, caplog):
    ran: list[str] = []

    def broken() -> None:
        raise ValueError("details of child 123 must never reach a log")

    worker.register_periodic("test_broken", broken, 60)
    worker.register_periodic("test_fine", lambda: ran.append("fine"), 60)
    jobs.extend(["test_broken", "test_fine"])
    with caplog.at_level(logging.ERROR, logger="safeguard.worker"):
        done = worker.run_due_jobs(clock=1000.0)
    assert "test_fine" in done and "test_broken" not in done
    assert ran == ["fine"]
    assert "periodic job test_broken failed: ValueError" in caplog.text
    assert "child 123" not in caplog.text
    # Not due again until its period has passed.
    assert "test_fine" not in worker.run_due_jobs(clock=1059.0)
    assert "test_fine" in worker.run_due_jobs(clock=1060.0)


def test_a_job_needs_a_positive_period():
    with pytest.raises(ValueError, match="positive"):
        worker.register_periodic("test_never", lambda: None, 0)


@pytest.mark.django_db(transaction=True)
def test_the_loop_stops_when_asked(jobs):
    calls: list[float] = []
    worker.register_periodic("test_tick", lambda: calls.append(time.monotonic()), 0.01)
    jobs.append("test_tick")
    stop = threading.Event()
    thread = threading.Thread(
        target=worker.run, kwargs={"worker_id": "t", "poll_seconds": 0.02, "stop_event": stop}
    )
    thread.start()
    deadline = time.monotonic() + 5
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(calls) >= 3


# Worker processes ------------------------------------------------------------------------------


def _base_env(var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SAFEGUARD_ENV": "test",
        "SAFEGUARD_VAR_DIR": str(var_dir),
        "SAFEGUARD_SECRET_KEY": "worker-tests-only",
        "SAFEGUARD_LOG_LEVEL": "INFO",
    }


def _postgres_admin() -> Any:
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    return psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per module; each test gets a copy (migrating takes seconds, copying not)."""
    var_dir = tmp_path_factory.mktemp("template")
    env = _base_env(var_dir)
    if ON_POSTGRES:
        name = f"sg_outbox_tpl_{uuid.uuid4().hex[:8]}"
        with _postgres_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{name}"
        manage(env, "migrate", "-v0", timeout=600)  # minutes on a busy machine
        yield name
        with _postgres_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = var_dir / "template.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"
        manage(env, "migrate", "-v0", timeout=600)  # minutes on a busy machine
        yield str(path)


@pytest.fixture
def shared_database(migrated_template: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for subprocesses: a fresh migrated database of their own, test settings."""
    env = _base_env(tmp_path)
    if ON_POSTGRES:
        name = f"sg_outbox_workers_{uuid.uuid4().hex[:8]}"
        with _postgres_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{migrated_template}"')
        env["DATABASE_URL"] = f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{name}"
        yield env
        with _postgres_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        copy = tmp_path / "shared.sqlite3"
        shutil.copyfile(migrated_template, copy)
        env["DATABASE_URL"] = f"sqlite:///{copy}"
        yield env


def manage(env: dict[str, str], *args: str, timeout: float = 60) -> str:
    done = subprocess.run(
        [SAFEGUARD, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def django_shell(env: dict[str, str], code: str) -> object:
    """Run ``code`` in the subprocesses' database; it prints one JSON value as its last line."""
    out = manage(env, "shell", "-c", textwrap.dedent(code))
    return json.loads(out.strip().splitlines()[-1])


ENQUEUE = """
    import json
    from django.db import transaction
    from safeguard.core.outbox import message_enqueue
    with transaction.atomic():
        ids = [
            message_enqueue(
                to_address=f"reader{{n}}@example.invalid",
                subject=f"Item {{n}}",
                body="Something needs your attention.",
                link="/deadlines",
                reason="test",
                dedupe_key=f"proc:{{n}}",
            ).pk
            for n in range({count})
        ]
    print(json.dumps(ids))
"""

STATE = """
    import json
    from safeguard.core.models import OutboxAttempt, OutboxMessage
    fields = ("pk", "state", "attempts", "locked_by", "locked_until")
    messages = list(OutboxMessage.objects.values(*fields))
    tries = list(OutboxAttempt.objects.values("message_id", "worker", "succeeded"))
    print(json.dumps({"messages": messages, "tries": tries}, default=str))
"""


def message_id(pk: int) -> str:
    return OutboxMessage(pk=pk).message_id


def test_two_workers_at_once_deliver_every_message_exactly_once(shared_database, smtp_server):
    env = {**shared_database, **smtp_server.env()}
    ids = django_shell(env, ENQUEUE.format(count=50))
    assert isinstance(ids, list) and len(ids) == 50
    # The gate holds each worker in its first DATA until both are there: they really overlap.
    smtp_server.handler.gate.clear()
    workers = [
        subprocess.Popen(
            [SAFEGUARD, "worker", "--once", "--worker-id", name],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("w1", "w2")
    ]
    try:
        wait_for(lambda: smtp_server.handler.waiting >= 2, 30, "both workers to be sending")
    finally:
        smtp_server.handler.gate.set()
    for proc in workers:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-2000:]

    received = smtp_server.message_ids()
    assert sorted(received) == sorted(message_id(pk) for pk in ids)
    state = django_shell(env, STATE)
    assert isinstance(state, dict)
    assert {(m["state"], m["attempts"]) for m in state["messages"]} == {("sent", 1)}
    by_worker = {t["worker"] for t in state["tries"]}
    assert by_worker == {"w1", "w2"}
    assert len(state["tries"]) == 50


LEASE = "3"


def test_a_killed_worker_loses_nothing(shared_database, smtp_server):
    env = {**shared_database, **smtp_server.env()}
    ids = django_shell(env, ENQUEUE.format(count=1))
    assert isinstance(ids, list)
    [pk] = ids
    smtp_server.handler.hold = True
    doomed = subprocess.Popen(
        [SAFEGUARD, "worker", "--once", "--worker-id", "doomed", "--lease-seconds", LEASE],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: smtp_server.handler.held, 30, "the worker to reach DATA")
        held_at = time.monotonic()  # the claim, and so the lease, began before this
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    assert doomed.returncode == -signal.SIGKILL
    smtp_server.handler.hold = False
    [held] = smtp_server.handler.held
    assert held["Message-ID"] == message_id(pk)

    before = django_shell(env, STATE)
    assert isinstance(before, dict)
    assert before["messages"][0]["state"] == "queued"
    assert before["messages"][0]["locked_by"] == "doomed"
    assert before["messages"][0]["locked_until"] is not None
    assert before["tries"] == []  # it died before it could record anything

    # The lease keeps other workers off until it runs out (see test_outbox for the in-process
    # check at the edge); then the next worker delivers it.
    time.sleep(max(0.0, held_at + float(LEASE) + 0.2 - time.monotonic()))
    manage(env, "worker", "--once", "--worker-id", "rescuer", "--lease-seconds", LEASE)
    assert smtp_server.message_ids() == [message_id(pk)]
    after = django_shell(env, STATE)
    assert isinstance(after, dict)
    assert after["messages"][0]["state"] == "sent"
    assert after["messages"][0]["attempts"] == 1
    assert after["tries"] == [{"message_id": pk, "worker": "rescuer", "succeeded": True}]


def test_sigterm_stops_a_worker_gracefully(shared_database):
    proc = subprocess.Popen(
        [SAFEGUARD, "worker", "--poll-seconds", "0.2", "--worker-id", "polite"],
        env=shared_database,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + 30
    try:
        while "worker polite started" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 0.5)
            if ready:
                seen += proc.stderr.readline()
        assert "worker polite started" in seen
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "worker polite stopped" in rest


def test_the_command_refuses_a_bad_poll_interval(tmp_path):
    env = {**_base_env(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    done = subprocess.run(
        [SAFEGUARD, "worker", "--once", "--poll-seconds", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode != 0
    assert "--poll-seconds must be more than 0" in done.stderr
