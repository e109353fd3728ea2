"""GOV.UK Notify as the message backend, beside SMTP (``SAFEGUARD_EMAIL_BACKEND=notify``).

A Django e-mail backend, so the outbox sends through it exactly as through SMTP: the worker
claims a message, this backend hands it to Notify's API (``notifications-python-client``), and a
refusal (a rate limit, a bad key, Notify down) raises, so the outbox records the attempt and
retries with the same backoff as for a refusing mail server.

Notify sends from a template held in the Notify service: one template whose subject is
``((subject))`` and whose body is ``((body))`` carries every message. The personalisation is the
outbox's subject and body, which already say only that something needs attention, with a link:
no child's details reach Notify (DESIGN.md section 3). The reference is the message's outbox id,
never anything personal, as Notify asks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

logger = logging.getLogger("safeguard.notify")

BACKEND_PATH = "safeguard.core.notify.NotifyEmailBackend"
DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"
_OUTBOX_ID = re.compile(r"<(outbox-\d+)@")


class NotifyRefused(Exception):
    """Notify answered with an error: its status, error name and message (never the address)."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"Notify answered {status}: {text}")
        self.status = status


def _explain(error: APIError) -> str:
    message: Any = error.message
    if isinstance(message, list):
        parts = [
            f"{item.get('error', '')} {item.get('message', '')}".strip()
            for item in message
            if isinstance(item, dict)
        ]
        return "; ".join(parts) or "no reason given"
    return str(message)


def reference_for(message: EmailMessage) -> str:
    found = _OUTBOX_ID.search(str(message.extra_headers.get("Message-ID", "")))
    return found.group(1) if found else ""


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=30
        )

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            try:
                self._send(message)
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent

    def _send(self, message: EmailMessage) -> None:
        reference = reference_for(message)
        if message.attachments:
            # Notify attaches no files to an e-mail; the message's link leads to the record.
            logger.info("notify %s: %s attachment(s) not sent", reference, len(message.attachments))
        extra: dict[str, str] = {}
        if settings.NOTIFY_REPLY_TO_ID:
            extra["email_reply_to_id"] = settings.NOTIFY_REPLY_TO_ID
        for address in message.to:
            try:
                self.client.send_email_notification(
                    email_address=address,
                    template_id=settings.NOTIFY_TEMPLATE_ID,
                    personalisation={"subject": message.subject, "body": message.body},
                    reference=reference or None,
                    **extra,
                )
            except APIError as error:
                raise NotifyRefused(error.status_code, _explain(error)) from None
