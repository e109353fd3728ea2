"""The GOV.UK Notify backend against a local server that answers as Notify's API does."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from safeguard.core import outbox
from safeguard.core.models import OutboxAttempt, OutboxMessage
from safeguard.core.models.outbox import OutboxState
from tests import factories
from tests.notify_server import NotifyServer, notify_server, use_notify  # noqa: F401

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.invalid"


def enqueue(n: int = 1, **fields):
    with transaction.atomic():
        return outbox.message_enqueue(
            to_address=ADDRESS,
            subject="A deadline is due",
            body="A deadline needs your attention in Safeguard.",
            link="/deadlines",
            reason="test.event",
            dedupe_key=f"notify:{n}",
            **fields,
        )


def test_a_message_goes_through_notify_with_no_personal_data(settings, notify_server):  # noqa: F811
    use_notify(settings, notify_server)
    message = enqueue()
    assert outbox.deliver_due(worker_id="w1") == 1
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
    [sent] = notify_server.accepted
    assert sent["email_address"] == ADDRESS
    assert sent["template_id"] == notify_server.template_id
    assert sent["reference"] == f"outbox-{message.pk}"
    # The template's only placeholders: the outbox's own subject and short body with its link.
    assert set(sent["personalisation"]) == {"subject", "body"}
    assert sent["personalisation"]["subject"] == "A deadline is due"
    assert sent["personalisation"]["body"] == (
        f"A deadline needs your attention in Safeguard.\n\n{settings.SITE_URL}/deadlines\n"
    )


@pytest.mark.parametrize("status", [429, 500, 503, 400, 403])
def test_an_error_from_notify_is_recorded_and_retried_with_backoff(settings, notify_server, status):  # noqa: F811
    use_notify(settings, notify_server)
    notify_server.fail_next = [status, status]
    message = enqueue()
    start = timezone.now()
    assert outbox.deliver_due(worker_id="w1", now=start) == 1
    message.refresh_from_db()
    assert message.state == OutboxState.RETRYING
    assert f"Notify answered {status}" in message.last_error
    assert "@" not in message.last_error
    assert message.next_attempt_at == start + timedelta(seconds=60)
    assert outbox.deliver_due(worker_id="w1", now=start + timedelta(seconds=59)) == 0
    assert outbox.deliver_due(worker_id="w1", now=start + timedelta(seconds=60)) == 1
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == start + timedelta(seconds=180)
    assert outbox.deliver_due(worker_id="w1", now=start + timedelta(seconds=180)) == 1
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
    assert message.last_error == ""
    assert notify_server.refused == [status, status]
    assert len(notify_server.accepted) == 1
    tries = list(OutboxAttempt.objects.filter(message=message).values_list("succeeded", flat=True))
    assert tries == [False, False, True]


def test_a_rate_limit_names_the_reason(settings, notify_server):  # noqa: F811
    use_notify(settings, notify_server)
    notify_server.fail_next = [429]
    message = enqueue()
    outbox.deliver_due(worker_id="w1")
    message.refresh_from_db()
    assert "429: RateLimitError Exceeded rate limit" in message.last_error


def test_a_wrong_api_key_is_refused_by_notify_and_retried(settings, notify_server):  # noqa: F811
    use_notify(settings, notify_server)
    other = NotifyServer()  # another service's key: the JWT's signature does not verify
    settings.NOTIFY_API_KEY = other.api_key
    other.server.server_close()
    message = enqueue()
    outbox.deliver_due(worker_id="w1")
    message.refresh_from_db()
    assert message.state == OutboxState.RETRYING
    assert "403: AuthError Invalid token" in message.last_error
    assert notify_server.accepted == []


def test_notify_unreachable_means_retrying(settings, notify_server):  # noqa: F811
    use_notify(settings, notify_server)
    notify_server.stop()
    message = enqueue()
    outbox.deliver_due(worker_id="w1")
    message.refresh_from_db()
    assert message.state == OutboxState.RETRYING
    assert "Notify answered 503" in message.last_error


def test_many_messages_under_a_rate_limit_all_arrive_once(settings, notify_server):  # noqa: F811
    use_notify(settings, notify_server)
    people = [factories.person() for _ in range(3)]
    for n, someone in enumerate(people * 4):
        with transaction.atomic():
            outbox.message_enqueue(
                recipient=someone,
                subject="Something needs attention",
                body="Something needs your attention in Safeguard.",
                link="/",
                reason="test.event",
                dedupe_key=f"many:{n}",
            )
    notify_server.fail_next = [429] * 5
    moment = timezone.now()
    for _ in range(10):
        outbox.deliver_due(worker_id="w1", now=moment, batch=50)
        moment += timedelta(hours=1)
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == 12
    references = [body["reference"] for body in notify_server.accepted]
    assert len(references) == len(set(references)) == 12


def test_the_setting_chooses_notify_and_production_needs_its_key(tmp_path: Path):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SAFEGUARD_", "DATABASE_URL"))}
    base.update(
        SAFEGUARD_ENV="test", SAFEGUARD_VAR_DIR=str(tmp_path), SAFEGUARD_EMAIL_BACKEND="notify"
    )
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    run = [
        sys.executable,
        "-c",
        "import django, os;"
        " os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'safeguard.settings');"
        f" django.setup(); {code}",
    ]
    missing = subprocess.run(run, env=base, capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0
    assert "SAFEGUARD_NOTIFY_API_KEY" in missing.stderr
    ok = subprocess.run(
        run,
        env={**base, "SAFEGUARD_NOTIFY_API_KEY": "k", "SAFEGUARD_NOTIFY_TEMPLATE_ID": "t"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "safeguard.core.notify.NotifyEmailBackend"
