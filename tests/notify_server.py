"""A local HTTP server that answers as GOV.UK Notify's API does, for the Notify backend tests.

It checks what Notify checks: the bearer JWT (HS256, signed with the API key's secret, ``iss``
the service id, ``iat`` within 30 seconds), the JSON body (an e-mail address, a known template,
personalisation for every placeholder), and answers 201 with Notify's response shape, or
Notify's error shape (``{"errors": [{"error": ..., "message": ...}], "status_code": N}``) with
400, 403, 429 or 500. ``fail_next`` queues errors to answer with before accepting again.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest

ERRORS = {
    429: (
        "RateLimitError",
        "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    ),
    500: ("Exception", "Internal server error"),
    503: ("Exception", "Service unavailable"),
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
    403: ("AuthError", "Invalid token: API key not found"),
}


class NotifyServer:
    def __init__(self) -> None:
        self.service_id = str(uuid.uuid4())
        self.secret = str(uuid.uuid4())
        self.template_id = str(uuid.uuid4())
        self.api_key = f"safeguard_test-{self.service_id}-{self.secret}"
        self.accepted: list[dict[str, Any]] = []
        self.refused: list[int] = []
        self.fail_next: list[int] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> NotifyServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _auth_error(self, header: str) -> str | None:
        if not header.startswith("Bearer "):
            return "Unauthorized: authentication token must be provided"
        try:
            claims = jwt.decode(
                header[7:], self.secret, algorithms=["HS256"], options={"verify_iat": False}
            )
        except jwt.PyJWTError:
            return "Invalid token: signature, api token not found"
        if claims.get("iss") != self.service_id:
            return "Invalid token: service not found"
        if abs(time.time() - float(claims.get("iat", 0))) > 30:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def _body_error(self, body: dict[str, Any]) -> str | None:
        address = body.get("email_address")
        if not isinstance(address, str) or "@" not in address:
            return "email_address Not a valid email address"
        if body.get("template_id") != self.template_id:
            return "Template not found"
        personal = body.get("personalisation") or {}
        missing = [k for k in ("subject", "body") if k not in personal]
        if missing:
            return f"Missing personalisation: {', '.join(missing)}"
        return None

    def answer(self, headers: Any, raw: bytes) -> tuple[int, dict[str, Any]]:
        def error(status: int, name: str, message: str) -> tuple[int, dict[str, Any]]:
            self.refused.append(status)
            return status, {"errors": [{"error": name, "message": message}], "status_code": status}

        problem = self._auth_error(headers.get("Authorization", ""))
        if problem:
            return error(403, "AuthError", problem)
        try:
            body = json.loads(raw)
        except ValueError:
            return error(400, "BadRequestError", "Invalid JSON supplied in POST data")
        with self._lock:
            queued = self.fail_next.pop(0) if self.fail_next else None
        if queued is not None:
            return error(queued, *ERRORS[queued])
        problem = self._body_error(body)
        if problem:
            return error(400, "ValidationError", problem)
        notification_id = str(uuid.uuid4())
        with self._lock:
            self.accepted.append(body)
        personal = body["personalisation"]
        return 201, {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": {
                "subject": personal["subject"],
                "body": personal["body"],
                "from_email": "safeguard@notifications.service.gov.uk",
                "one_click_unsubscribe_url": None,
            },
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": {
                "id": self.template_id,
                "version": 1,
                "uri": f"{self.base_url}/services/{self.service_id}/templates/{self.template_id}",
            },
            "scheduled_for": None,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        notify = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != "/v2/notifications/email":
                    status, body = 404, {"errors": [{"error": "NotFound"}], "status_code": 404}
                else:
                    status, body = notify.answer(self.headers, raw)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def use_notify(settings: Any, server: NotifyServer) -> None:
    settings.EMAIL_BACKEND = "safeguard.core.notify.NotifyEmailBackend"
    settings.NOTIFY_API_KEY = server.api_key
    settings.NOTIFY_TEMPLATE_ID = server.template_id
    settings.NOTIFY_BASE_URL = server.base_url
    settings.NOTIFY_REPLY_TO_ID = ""


@pytest.fixture
def notify_server() -> Iterator[NotifyServer]:
    server = NotifyServer().start()
    try:
        yield server
    finally:
        server.stop()
