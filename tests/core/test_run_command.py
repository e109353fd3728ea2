"""``safeguard run`` as a person runs it: a real process tree, real HTTP, real signals."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _get(url: str) -> tuple[int, dict[str, str]]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the 2nd field after the parenthesised command name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def run_process(tmp_path, stop):
    """``safeguard run`` in a new var dir. The SIGTERM case builds the demo as ``make run`` does;
    the Ctrl-C case starts on an empty database (building the demo twice took a minute and a
    half of each test run for nothing the stop itself depends on)."""
    port = _free_port()
    env = _environment(tmp_path)
    env["SAFEGUARD_DEMO"] = "1"
    demo = ["--demo-if-empty"] if stop == "sigterm" else []
    process = subprocess.Popen(
        [sys.executable, "-m", "safeguard.cli", "run", *demo, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Its own process group, as a terminal gives it: Ctrl-C signals the whole group.
        start_new_session=True,
    )
    yield process, port
    if process.poll() is None:
        process.kill()
        process.wait()


def _environment(var_dir: Path) -> dict[str, str]:
    """Its own SQLite file under a fresh var dir: never the test or a shared database."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SAFEGUARD_ENV="development", SAFEGUARD_VAR_DIR=str(var_dir))
    return env


# Start-up migrates a new database and builds the whole demo first: minutes on a loaded machine.
# These are limits for a hung process, not speed goals (those live in bench/).
START_UP_LIMIT = 600


def _wait_for_health(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_UP_LIMIT
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"safeguard run did not answer /healthz within {START_UP_LIMIT} seconds")


@pytest.mark.parametrize("stop", ["sigterm", "ctrl-c"])
def test_run_serves_and_stops_both_children(run_process, stop):
    process, port = run_process
    _wait_for_health(port, process)

    status, headers = _get(f"http://127.0.0.1:{port}/")
    assert status == 302
    assert headers["Location"].startswith("/sign-in")
    status, _ = _get(f"http://127.0.0.1:{port}/static/govuk/govuk-frontend.min.css")
    assert status == 200

    children = _children_of(process.pid)
    assert len(children) == 2  # the worker and the gunicorn master
    # Two gunicorn workers; on a loaded machine the master may be replacing one that timed out,
    # so the count is allowed a few seconds to settle.
    for _ in range(50):
        gunicorn_workers = [pid for child in children for pid in _children_of(child)]
        if len(gunicorn_workers) == 2:
            break
        time.sleep(0.2)
    assert len(gunicorn_workers) == 2

    if stop == "sigterm":  # a process manager stops the parent only
        process.send_signal(signal.SIGTERM)
    else:  # Ctrl-C in a terminal reaches every process of the group at once
        os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert f"Safeguard is running at http://127.0.0.1:{port}/" in output
    if stop == "sigterm":
        assert "admin@demo.invalid" in output
        assert "demo-partnership-2026" in output
    else:  # no demo asked for, so no sign-ins to print
        assert "Demo sign-ins" not in output
    assert "Safeguard has stopped." in output
    assert not [pid for pid in children + gunicorn_workers if _alive(pid)]
    with pytest.raises(OSError):
        _get(f"http://127.0.0.1:{port}/healthz")


def test_run_refuses_a_demo_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("run", "--demo-if-empty")


def test_run_refuses_a_port_out_of_range():
    with pytest.raises(CommandError, match="--port"):
        call_command("run", "--port", "70000")


def test_run_stops_the_worker_when_the_web_server_cannot_start(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "safeguard.cli", "run", "--port", str(port)],
            env=_environment(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            output, _ = process.communicate(timeout=START_UP_LIMIT)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode != 0
    assert "The web server stopped" in output
    assert "Safeguard has stopped." in output
    assert not _children_of(process.pid)


def test_serve_runs_only_the_web_server_and_stops_on_sigterm(tmp_path):
    port = _free_port()
    env = _environment(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "safeguard.cli", "migrate", "--noinput", "-v0"],
        env=env,
        check=True,
        timeout=START_UP_LIMIT,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "safeguard.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_health(port, process)
        # serve became gunicorn itself: one master, one web worker, and no background worker.
        workers = _children_of(process.pid)
        assert len(workers) == 1
        assert "gunicorn" in Path(f"/proc/{process.pid}/cmdline").read_text()
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
        assert process.returncode == 0
        assert not [pid for pid in workers if _alive(pid)]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_refuses_no_workers():
    with pytest.raises(CommandError, match="--workers"):
        call_command("serve", "--workers", "0")
