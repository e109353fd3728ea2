"""The outbox service against a real SMTP server on loopback and the real test database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core import outbox, outbox_rules
from safeguard.core.models import AuditEvent, OutboxAttempt, OutboxMessage
from safeguard.core.models.outbox import OutboxState
from tests import factories, smtp

smtp_server = smtp.smtp_server

pytestmark = pytest.mark.smtp


def enqueue(**fields):
    fields.setdefault("to_address", "reader@example.invalid")
    fields.setdefault("subject", "Something needs your attention")
    fields.setdefault("body", "A record needs your review in Safeguard.")
    fields.setdefault("link", "/deadlines")
    fields.setdefault("reason", "test.event")
    fields.setdefault("dedupe_key", "test:1")
    return outbox.message_enqueue(**fields)


# The backoff schedule (pure) ------------------------------------------------------------------


def test_backoff_starts_at_a_minute_and_doubles_to_the_cap():
    delays = [outbox_rules.retry_delay_seconds(n) for n in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]


@given(st.integers(min_value=1, max_value=10_000))
def test_backoff_is_monotonic_and_capped(attempts):
    delay = outbox_rules.retry_delay_seconds(attempts)
    following = outbox_rules.retry_delay_seconds(attempts + 1)
    assert outbox_rules.FIRST_DELAY_SECONDS <= delay <= outbox_rules.MAX_DELAY_SECONDS
    assert delay <= following <= max(2 * delay, outbox_rules.FIRST_DELAY_SECONDS)
    assert following == min(2 * delay, outbox_rules.MAX_DELAY_SECONDS)


@given(st.integers(max_value=0))
def test_backoff_refuses_a_count_below_one(attempts):
    with pytest.raises(ValueError, match="starts at 1"):
        outbox_rules.retry_delay_seconds(attempts)


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=1, max_value=50))
def test_gives_up_exactly_at_the_limit(attempts, limit):
    assert outbox_rules.gives_up(attempts, limit) == (attempts >= limit)


# Enqueue ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_enqueue_makes_the_link_absolute_and_is_idempotent(settings):
    settings.SITE_URL = "https://safeguard.example.invalid"
    first = enqueue()
    again = enqueue(subject="A different subject")
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert first.link == "https://safeguard.example.invalid/deadlines"
    assert first.state == OutboxState.QUEUED
    assert (
        AuditEvent.objects.filter(record_type=outbox.RECORD_TYPE, record_id=str(first.pk)).count()
        == 1
    )


@pytest.mark.django_db
def test_enqueue_takes_the_address_of_a_recipient():
    someone = factories.person("practitioner")
    message = enqueue(to_address=None, recipient=someone)
    assert message.to_address == someone.email
    assert message.recipient_id == someone.pk


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_message():
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        enqueue()
        raise Abandoned
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_enqueue_refuses_to_commit_on_its_own():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        enqueue()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"body": "x" * (outbox.BODY_LIMIT + 1)}, "body"),
        ({"body": "  "}, "body"),
        ({"subject": "two\nlines"}, "subject"),
        ({"link": "https://elsewhere.invalid/phish"}, "link"),
        ({"dedupe_key": ""}, "dedupe_key"),
        ({"to_address": None}, "to_address"),
    ],
)
def test_enqueue_refuses_bad_input_naming_the_field(fields, field):
    with pytest.raises(ValidationError) as refused:
        enqueue(**fields)
    assert field in refused.value.message_dict
    assert not OutboxMessage.objects.exists()


# Delivery --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_delivery_arrives_with_subject_body_link_and_a_stable_message_id(settings, smtp_server):
    smtp.use_smtp(settings, smtp_server)
    settings.SITE_URL = "https://safeguard.example.invalid"
    message = enqueue()
    assert outbox.deliver_due(worker_id="w1") == 1
    [received] = smtp_server.messages
    assert received["Subject"] == "Something needs your attention"
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "reader@example.invalid"
    text = received.get_payload(decode=True).decode()
    assert "A record needs your review in Safeguard." in text
    assert "https://safeguard.example.invalid/deadlines" in text
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert message.locked_until is None
    [attempt] = OutboxAttempt.objects.filter(message=message)
    assert attempt.succeeded and attempt.worker == "w1"
    # Nothing left to do: a second pass sends nothing more.
    assert outbox.deliver_due(worker_id="w1") == 0
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_refusing_server_means_backoff_then_failure(settings, smtp_server):
    smtp.use_smtp(settings, smtp_server)
    smtp_server.handler.refuse_with = "550 5.1.1 <reader@example.invalid> mailbox unavailable"
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(max_attempts=3)
    start = timezone.now()

    assert outbox.deliver_due(worker_id="w1", now=start) == 1
    message.refresh_from_db()
    assert message.state == OutboxState.RETRYING
    assert message.attempts == 1
    assert message.next_attempt_at == start + timedelta(seconds=60)
    assert "550" in message.last_error
    assert "@" not in message.last_error
    assert message.locked_until is None

    # Not due again until the backoff has passed.
    assert outbox.deliver_due(worker_id="w1", now=start + timedelta(seconds=59)) == 0
    second = start + timedelta(seconds=60)
    assert outbox.deliver_due(worker_id="w1", now=second) == 1
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == second + timedelta(seconds=120)

    assert outbox.deliver_due(worker_id="w1", now=second + timedelta(seconds=120)) == 1
    message.refresh_from_db()
    assert message.state == OutboxState.FAILED
    assert message.attempts == 3
    assert outbox.deliver_due(worker_id="w1", now=second + timedelta(days=1)) == 0
    assert smtp_server.messages == []
    errors = list(OutboxAttempt.objects.filter(message=message).values_list("succeeded", "error"))
    assert len(errors) == 3
    assert all(not ok and "550" in error and "@" not in error for ok, error in errors)


@pytest.mark.django_db
def test_a_stopped_server_means_retrying_then_delivery_when_it_returns(settings, smtp_server):
    smtp.use_smtp(settings, smtp_server)
    port = smtp_server.port
    smtp_server.stop()
    message = enqueue()
    start = timezone.now()
    assert outbox.deliver_due(worker_id="w1", now=start) == 1
    message.refresh_from_db()
    assert message.state == OutboxState.RETRYING
    assert "ConnectionRefusedError" in message.last_error

    revived = smtp.SmtpServer()
    revived.port = port
    revived.controller = smtp.Controller(revived.handler, hostname="127.0.0.1", port=port)
    revived.start()
    try:
        assert outbox.deliver_due(worker_id="w1", now=start + timedelta(minutes=1)) == 1
    finally:
        revived.stop()
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
    assert message.last_error == ""
    assert revived.message_ids() == [message.message_id]


@pytest.mark.django_db
def test_a_leased_message_waits_for_its_lease_to_run_out(settings, smtp_server):
    smtp.use_smtp(settings, smtp_server)
    message = enqueue()
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        locked_by="other", locked_until=now + timedelta(seconds=30)
    )
    assert outbox.deliver_due(worker_id="w1", now=now) == 0
    assert outbox.deliver_due(worker_id="w1", now=now + timedelta(seconds=31)) == 1
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
    assert smtp_server.message_ids() == [message.message_id]


@pytest.mark.django_db
def test_a_batch_takes_only_its_size_in_order(settings, smtp_server):
    smtp.use_smtp(settings, smtp_server)
    for n in range(5):
        enqueue(dedupe_key=f"test:{n}", subject=f"Item {n}")
    assert outbox.deliver_due(worker_id="w1", batch=3) == 3
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == 3
    assert outbox.deliver_due(worker_id="w1", batch=3) == 2
    assert len(set(smtp_server.message_ids())) == 5


def test_describe_error_drops_addresses():
    import smtplib

    refused = smtplib.SMTPRecipientsRefused({"a@b.invalid": (550, b"<a@b.invalid> no such user")})
    assert outbox.describe_error(refused) == "recipient refused: 550 <[address]> no such user"
    assert "@" not in outbox.describe_error(OSError("cannot reach x@y.invalid"))


# Trying again ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_administrator_can_try_a_failed_message_again():
    admin = factories.person("business_unit_admin")
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxState.FAILED, attempts=8)
    message.refresh_from_db()
    retried = outbox.message_retry(actor=admin, message=message)
    assert retried.state == OutboxState.QUEUED
    assert retried.attempts == 0
    event = AuditEvent.objects.filter(record_type=outbox.RECORD_TYPE, actor_id=admin.pk).get()
    assert event.changes == {"state": ["failed", "queued"], "attempts": [8, 0]}


@pytest.mark.django_db
def test_only_a_failed_message_is_tried_again_and_only_by_an_administrator():
    message = enqueue()
    with pytest.raises(ValidationError):
        outbox.message_retry(actor=factories.person("business_unit_admin"), message=message)
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxState.FAILED)
    with pytest.raises(PermissionDenied):
        outbox.message_retry(actor=factories.person("business_unit_officer"), message=message)
    message.refresh_from_db()
    assert message.state == OutboxState.FAILED


@pytest.mark.django_db
def test_a_stopping_worker_releases_the_claims_it_has_not_tried(settings, smtp_server):
    smtp.use_smtp(settings, smtp_server)
    for n in range(3):
        enqueue(dedupe_key=f"test:{n}", subject=f"Item {n}")
    answers = iter([True, False])
    assert outbox.deliver_due(worker_id="w1", keep_going=lambda: next(answers)) == 1
    assert len(smtp_server.messages) == 1
    rest = OutboxMessage.objects.exclude(state=OutboxState.SENT)
    assert rest.count() == 2
    assert not rest.filter(locked_until__isnull=False).exists()
    # Released, so another worker takes them at once rather than after the lease.
    assert outbox.deliver_due(worker_id="w2") == 2
