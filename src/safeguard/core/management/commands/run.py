"""``safeguard run``: everything a laptop needs, in one command.

It prepares the database and static files, optionally fills an empty database with the demo
partnership, then starts the background worker and the web server as child processes and stays
in front of them: Ctrl-C or SIGTERM stops both, and if either dies the other is stopped too, so
nothing is left running half a service.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from safeguard.core import demo
from safeguard.core.models import Organisation

STOP_SECONDS = 15


def gunicorn_command(*, host: str, port: int, workers: int) -> list[str]:
    """The web server: gunicorn serving the WSGI application (whitenoise serves static files)."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "safeguard.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--graceful-timeout",
        str(STOP_SECONDS - 5),
        # Its control socket would live in $HOME and collide between two servers on one host.
        "--no-control-socket",
    ]


class Command(BaseCommand):
    help = "Prepare the database and start the web server and the background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo-if-empty",
            action="store_true",
            help="Create the synthetic demo partnership when the database has no organisations.",
        )
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not 0 < port < 65536:
            raise CommandError("--port must be a number from 1 to 65535")
        if options["demo_if_empty"] and settings.PRODUCTION:
            raise CommandError("--demo-if-empty cannot be used in production.")

        self.stdout.write("Preparing the database ...")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["demo_if_empty"] and not Organisation.objects.exists():
            summary = demo.create_demo_partnership()
            self.stdout.write(
                f"Created the demo partnership ({summary.organisations} organisations, "
                f"{summary.people} people)."
            )
        has_demo = bool(demo.sign_ins()) if not settings.PRODUCTION else False
        # Children open their own connections; the parent keeps none open while it waits.
        connections.close_all()

        children: dict[str, subprocess.Popen[bytes]] = {}
        if "worker" in get_commands():
            children["worker"] = subprocess.Popen([sys.executable, "-m", "safeguard.cli", "worker"])
        else:
            self.stderr.write("No 'worker' command here: email will wait in the outbox.")
        children["web server"] = subprocess.Popen(  # noqa: S603 - our own interpreter
            gunicorn_command(host=host, port=port, workers=2)
        )

        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(f"\nSafeguard is running at http://{shown_host}:{port}/")
        if has_demo:
            self.stdout.write("\nDemo sign-ins:")
            self.stdout.write(demo.sign_ins_text(demo.sign_ins(), demo_mode=settings.DEMO_MODE))
            connections.close_all()
        self.stdout.write("\nPress Ctrl-C to stop.")
        self.stdout.flush()
        code = self._supervise(children)
        if code:
            raise CommandError(f"Stopped because a child process exited ({code}).")

    def _supervise(self, children: dict[str, subprocess.Popen[bytes]]) -> int:
        """Wait for a signal or for a child to die, then stop every child; 0 on a clean stop."""
        stopping: list[int] = []

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stopping.append(signum)

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        failed = 0
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"The {name} stopped (exit code {child.returncode}).")
                        failed = child.returncode or 1
                if failed:
                    break
                time.sleep(0.2)
        finally:
            self._stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Safeguard has stopped.")
        return failed

    def _stop(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
