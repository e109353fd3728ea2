"""Real Safeguard processes for the fault and several-machine tests: web servers (gunicorn, as
``safeguard serve`` runs it in production) and workers, against one database of their own.

The database is a PostgreSQL database named by ``SAFEGUARD_TEST_PROCESS_DATABASE`` when that is
set (a developer on a shared server uses the name they were given), otherwise a fresh one named
after the test run's DATABASE_URL, dropped afterwards; on SQLite, a file in a temporary folder.
It is migrated once per test session and shared by the tests that use it: each test works on
rows of its own (its own dedupe keys, its own people), so they do not see each other's.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest

from tests.smtp import free_port

SAFEGUARD = str(Path(sys.executable).parent / "safeguard")
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
NAMED_DATABASE = os.environ.get("SAFEGUARD_TEST_PROCESS_DATABASE", "")


def base_env(var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SAFEGUARD_ENV": "test",
        "SAFEGUARD_VAR_DIR": str(var_dir),
        "SAFEGUARD_SECRET_KEY": "process-tests-only-" + "k" * 40,
        "SAFEGUARD_LOG_LEVEL": "INFO",
    }


def postgres_admin(dbname: str = "postgres") -> Any:
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    return psycopg.connect(
        dbname=dbname,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run a ``safeguard`` command to its end; generous: a migration on a busy machine is slow."""
    done = subprocess.run(
        [SAFEGUARD, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def shell(env: dict[str, str], code: str) -> Any:
    """Run ``code`` against the processes' database; it prints one JSON value as its last line."""
    out = manage(env, "shell", "-c", textwrap.dedent(code))
    return json.loads(out.strip().splitlines()[-1])


# Outbox messages of one test (its dedupe keys begin with its own prefix, so that tests sharing
# the processes' database do not see each other's), and where they stand.
ENQUEUE = """
    import json
    from django.db import transaction
    from safeguard.core.outbox import message_enqueue
    with transaction.atomic():
        ids = [
            message_enqueue(
                to_address=f"reader{{n}}.{prefix}@example.invalid",
                subject=f"Item {{n}}",
                body="Something needs your attention.",
                link="/deadlines",
                reason="test",
                dedupe_key=f"{prefix}:{{n}}",
            ).pk
            for n in range({count})
        ]
    print(json.dumps(ids))
"""

STATE = """
    import json
    from safeguard.core.models import OutboxAttempt, OutboxMessage
    mine = OutboxMessage.objects.filter(dedupe_key__startswith="{prefix}:")
    messages = list(mine.values("pk", "state", "attempts", "last_error"))
    tries = list(
        OutboxAttempt.objects.filter(message__in=mine).values("message_id", "succeeded", "error")
    )
    print(json.dumps({{"messages": messages, "tries": tries}}, default=str))
"""


def enqueue(env: dict[str, str], *, prefix: str, count: int) -> list[int]:
    """Queue ``count`` messages under ``prefix`` in the processes' database; their ids."""
    ids = shell(env, ENQUEUE.format(prefix=prefix, count=count))
    assert isinstance(ids, list) and len(ids) == count
    return ids


def outbox_state(env: dict[str, str], *, prefix: str) -> dict[str, Any]:
    """The messages queued under ``prefix`` and every attempt at them."""
    state = shell(env, STATE.format(prefix=prefix))
    assert isinstance(state, dict)
    return state


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def process_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment for subprocesses: one migrated database that they all share."""
    var_dir = tmp_path_factory.mktemp("processes")
    env = base_env(var_dir)
    if not ON_POSTGRES:
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'processes.sqlite3'}"
        manage(env, "migrate", "-v0")
        yield env
        return
    name = NAMED_DATABASE or f"sg_processes_{uuid.uuid4().hex[:8]}"
    with postgres_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{name}"
    env["SAFEGUARD_TEST_PROCESS_DATABASE_NAME"] = name
    manage(env, "migrate", "-v0")
    yield env
    with postgres_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def terminate_connections(env: dict[str, str]) -> int:
    """What a database restart does to its clients: every connection to the database is cut.

    ``pg_terminate_backend`` on this database's connections only (the server is shared); returns
    how many were cut.
    """
    name = env["SAFEGUARD_TEST_PROCESS_DATABASE_NAME"]
    with postgres_admin() as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return sum(1 for (cut,) in rows if cut)


class Processes:
    """Started processes, each with a log file; all stopped (SIGTERM, then SIGKILL) at the end."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def log_of(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "".join(self.log_of(name) for name in self.running)

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> None:
        with (self.folder / f"{name}.log").open("ab") as log:
            self.running[name] = subprocess.Popen(
                [SAFEGUARD, *args],
                env={**self.env, **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # gunicorn's own workers stop with it
            )

    def worker(self, name: str, *, lease_seconds: float, env: dict[str, str] | None = None) -> None:
        self.start(
            name,
            "worker",
            "--worker-id",
            name,
            "--poll-seconds",
            "0.2",
            "--lease-seconds",
            str(lease_seconds),
            env=env,
        )

    def web(self, name: str, *, env: dict[str, str] | None = None) -> int:
        """A web server (gunicorn, one process) on a free loopback port; returns the port."""
        port = free_port()
        self.start(
            name, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", env=env
        )
        wait_for(lambda: get_status(port, "/healthz") == 200, 120, f"{name} to answer")
        return port

    def alive(self, name: str) -> bool:
        return self.running[name].poll() is None

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash or an out-of-memory kill would: no clean-up, a claim left held."""
        os.killpg(self.running[name].pid, 9)
        self.running[name].wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.running.values():
            if proc.poll() is None:
                os.killpg(proc.pid, 15)
        for proc in self.running.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait(timeout=10)


@pytest.fixture
def processes(process_database: dict[str, str], tmp_path: Path) -> Iterator[Processes]:
    started = Processes(process_database, tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


def get_status(port: int, path: str) -> int | None:
    """The status of a GET, or None when nothing answers (yet)."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None
