"""A real SMTP server on loopback for the outbox tests (aiosmtpd), collecting what it accepts.

``smtp_server`` starts one on a free port; tests point Django at it with ``settings`` overrides
(``use_smtp(settings, server)``) or, for a worker subprocess, with ``server.env()``.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command, addresses included; the tests need none of it.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CollectingHandler:
    """Accepts mail into ``messages``; can refuse it, or hold DATA to simulate a slow server.

    ``hold`` keeps DATA unanswered (the message goes to ``held``, not ``messages``) until it is
    released, then answers 451: for killing a client mid-delivery.
    """

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.held: list[Message] = []
        self.refuse_with: str | None = None
        self.hold = False
        self.delay_seconds = 0.0
        # Closed, the gate keeps each DATA waiting (counted in ``waiting``) until it opens, so a
        # test can see two clients mid-delivery at once; then they are accepted as usual.
        self.gate = threading.Event()
        self.gate.set()
        self.waiting = 0
        self._lock = threading.Lock()
        # Until this moment (time.monotonic()), every message is answered "421": a server that is
        # down for a while, as after a restart or when it sheds load. ``refused`` counts them.
        self.refuse_until = 0.0
        self.refused = 0
        self.refused_ids: set[str] = set()
        # Called (in the server's thread) as each message is accepted: to cut something else at
        # the worst moment, e.g. the sender's database connection.
        self.on_accept: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content)
        if self.refuse_with:
            return self.refuse_with
        if time.monotonic() < self.refuse_until:
            with self._lock:
                self.refused += 1
                self.refused_ids.add(str(parsed["Message-ID"]))
            return "421 Service not available, try again later"
        if self.hold:
            with self._lock:
                self.held.append(parsed)
            deadline = time.monotonic() + 30
            while self.hold and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            return "451 held too long"
        if not self.gate.is_set():
            with self._lock:
                self.waiting += 1
            while not self.gate.is_set():
                await asyncio.sleep(0.02)
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if self.on_accept is not None:
            self.on_accept()
        with self._lock:
            self.messages.append(parsed)
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = CollectingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.running = False

    @property
    def messages(self) -> list[Message]:
        return list(self.handler.messages)

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]

    def start(self) -> None:
        self.controller.start()
        self.running = True

    def stop(self) -> None:
        self.handler.hold = False
        self.handler.gate.set()
        if self.running:
            self.controller.stop()
            self.running = False

    def env(self) -> dict[str, str]:
        """Environment for a subprocess to send through this server."""
        return {
            "SAFEGUARD_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "SAFEGUARD_SMTP_HOST": "127.0.0.1",
            "SAFEGUARD_SMTP_PORT": str(self.port),
        }


def use_smtp(settings: Any, server: SmtpServer) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
