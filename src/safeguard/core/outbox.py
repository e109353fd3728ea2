"""The notifications outbox: write a message with the change that causes it, deliver it later.

A message is a row written in the caller's transaction, so it exists exactly when the change
does. A worker (``safeguard worker``) claims due rows with a lease, sends them, and records each
attempt. Claiming is a conditional UPDATE, which both SQLite and PostgreSQL apply atomically, so
two workers never hold the same message; a killed worker's lease simply runs out. Every message
carries a stable Message-ID, so the rare second delivery (a lease that ran out mid-send) is
recognisably the same message to the receiver.
"""

from __future__ import annotations

import logging
import re
import smtplib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from safeguard.core import audit, outbox_rules, policies
from safeguard.core.models import OutboxAttempt, OutboxMessage
from safeguard.core.models.audit import AuditAction
from safeguard.core.models.outbox import OutboxState
from safeguard.core.roles import Capability

logger = logging.getLogger("safeguard.outbox")

RECORD_TYPE = "core.outbox_message"
LEASE_SECONDS = 5 * 60
BODY_LIMIT = 400
DUE_STATES = (OutboxState.QUEUED, OutboxState.RETRYING)

_ADDRESS = re.compile(r"[^\s<>@,;:\"']+@[^\s<>@,;:\"']+")


# Messages whose link is itself a credential (a set-password link, a one-time link to a
# forwarded notification): the notifications page never shows those links to staff.
_SECRET_LINK_REASONS: set[str] = set()


def register_secret_link_reason(reason: str) -> None:
    _SECRET_LINK_REASONS.add(reason)


def link_is_secret(message: OutboxMessage) -> bool:
    return message.reason in _SECRET_LINK_REASONS


# Files a module attaches to its messages, made when the message is sent from the record it
# names (a calendar invitation for a training booking): the outbox row stays small, and the
# file is made from the record as it is then (a moved session sends its new time).
Attachment = tuple[str, bytes, str]  # file name, content, MIME type
_ATTACHMENTS: dict[str, Callable[[OutboxMessage], list[Attachment]]] = {}


def register_attachments(reason: str, make: Callable[[OutboxMessage], list[Attachment]]) -> None:
    _ATTACHMENTS[reason] = make


def _absolute(link: str) -> str:
    if not link:
        return ""
    if link.startswith("/") and not link.startswith("//"):
        return settings.SITE_URL + link
    if link.startswith(settings.SITE_URL + "/"):
        return link
    raise ValidationError({"link": "Link must be a path in this service, such as /deadlines"})


def _check(*, subject: str, body: str, dedupe_key: str, to_address: str) -> None:
    errors: dict[str, str] = {}
    if not subject.strip() or len(subject) > 200 or "\n" in subject or "\r" in subject:
        errors["subject"] = "Subject must be one line of 1 to 200 characters"
    if not body.strip():
        errors["body"] = "Enter the body of the message"
    elif len(body) > BODY_LIMIT:
        errors["body"] = (
            f"Body must be {BODY_LIMIT} characters or fewer: say only that something needs"
            " attention and link to it"
        )
    if not dedupe_key.strip() or len(dedupe_key) > 200:
        errors["dedupe_key"] = "Dedupe key must be 1 to 200 characters"
    if not to_address:
        errors["to_address"] = "Give a recipient with an email address, or an address"
    if errors:
        raise ValidationError(errors)


def message_enqueue(
    *,
    recipient: Any = None,
    to_address: str | None = None,
    subject: str,
    body: str,
    link: str = "",
    reason: str,
    record_type: str = "",
    record_id: object = "",
    dedupe_key: str,
) -> OutboxMessage:
    """Queue a message in the caller's transaction; a repeated ``dedupe_key`` returns the first.

    The body says only that something needs attention (e.g. "A notification needs your review")
    and the link says where: never a child's name, identifiers or any narrative, because email
    leaves the system and cannot be recalled. Bodies longer than ``BODY_LIMIT`` are refused to
    make that hard to get wrong. The call refuses to run outside a transaction, because a
    message committed on its own could announce a change that then rolls back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("message_enqueue must run inside the transaction of the change")
    address = to_address or ""
    if not address and recipient is not None:
        address = str(getattr(recipient, "email", "") or "")
    _check(subject=subject, body=body, dedupe_key=dedupe_key, to_address=address)
    absolute_link = _absolute(link)
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    try:
        # A savepoint, not a commit: a concurrent enqueue of the same key loses cleanly.
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                recipient=recipient,
                to_address=address,
                subject=subject,
                body=body,
                link=absolute_link,
                reason=reason[:100],
                record_type=record_type,
                record_id=str(record_id),
                dedupe_key=dedupe_key,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    audit.record(
        action=AuditAction.CREATE,
        record_type=RECORD_TYPE,
        record_id=message.pk,
        detail=f"reason {message.reason}",
    )
    return message


def message_retry(*, actor: Any, message: OutboxMessage) -> OutboxMessage:
    """Give a failed message a fresh set of attempts, once an administrator has fixed the cause."""
    if not policies.can(actor, Capability.MANAGE_PARTNERSHIP):
        raise PermissionDenied
    with transaction.atomic():
        current = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if current.state != OutboxState.FAILED:
            raise ValidationError({"state": "Only a failed message can be tried again"})
        before = {"state": current.state, "attempts": current.attempts}
        current.state = OutboxState.QUEUED
        current.attempts = 0
        current.next_attempt_at = timezone.now()
        current.locked_by = ""
        current.locked_until = None
        current.save(
            update_fields=["state", "attempts", "next_attempt_at", "locked_by", "locked_until"]
        )
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=current.pk,
            actor=actor,
            changes=audit.diff(before, {"state": current.state, "attempts": current.attempts}),
            detail="tried again",
        )
    return current


def describe_error(error: BaseException) -> str:
    """The server's reason without any address, for ``last_error`` and the attempts history."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {_text(reply)}" for code, reply in error.recipients.values()]
        text = "recipient refused: " + "; ".join(parts)
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_text(error.smtp_error)}"
    else:
        text = f"{type(error).__name__}: {error}"
    return _ADDRESS.sub("[address]", text)[:500]


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _claim(*, worker_id: str, now: datetime, batch: int, lease_seconds: float) -> list[int]:
    lease_free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    due = OutboxMessage.objects.filter(lease_free, state__in=DUE_STATES, next_attempt_at__lte=now)
    claimed: list[int] = []
    with transaction.atomic():
        candidates = due.order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        for pk in list(candidates.values_list("pk", flat=True)[:batch]):
            taken = due.filter(pk=pk).update(
                locked_by=worker_id, locked_until=now + timedelta(seconds=lease_seconds)
            )
            if taken == 1:
                claimed.append(pk)
    return claimed


def _send(message: OutboxMessage) -> None:
    body = message.body if not message.link else f"{message.body}\n\n{message.link}\n"
    email = EmailMessage(
        subject=message.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        headers={"Message-ID": message.message_id},
        connection=get_connection(fail_silently=False),
    )
    make = _ATTACHMENTS.get(message.reason)
    for name, content, mimetype in make(message) if make else []:
        email.attach(name, content, mimetype)
    email.send(fail_silently=False)


# How long to keep trying to record a send while the database is away (a restart, a failover):
# about a minute in all. A send that cannot be recorded is sent again once its lease runs out.
RECORD_PAUSES_SECONDS = (0.2, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)


def _record_outcome(
    *, pk: int, worker_id: str, now: datetime, error: str, fields: dict[str, Any]
) -> int:
    """Write the attempt and the message's new state; 1 if this worker still held the lease.

    The message has already gone to the mail server, so losing this write would send it twice
    (after the lease runs out). A database that restarts mid-run drops the connection: reconnect
    and write again, for about a minute, rather than give up. A retry first looks for its own
    attempt row, in case the lost answer was to a commit that did land.
    """
    for pause in (0.0, *RECORD_PAUSES_SECONDS):
        time.sleep(pause)
        try:
            return _write_outcome(
                pk=pk, worker_id=worker_id, now=now, error=error, fields=fields, again=pause > 0
            )
        except (OperationalError, InterfaceError) as exc:
            if connection.in_atomic_block or pause == RECORD_PAUSES_SECONDS[-1]:
                raise  # a caller's transaction is lost anyway; or the database stayed away
            # The message id and the error's type only: never an address or a subject.
            logger.warning(
                "outbox message %s: recording the outcome failed (%s), trying again",
                pk,
                type(exc).__name__,
            )
            connection.close()
    raise AssertionError("unreachable")  # pragma: no cover


def _write_outcome(
    *, pk: int, worker_id: str, now: datetime, error: str, fields: dict[str, Any], again: bool
) -> int:
    with transaction.atomic():
        if (
            again
            and OutboxAttempt.objects.filter(
                message_id=pk, worker=worker_id[:100], attempted_at=now
            ).exists()
        ):
            return 1  # an earlier try committed, and only its answer was lost
        OutboxAttempt.objects.create(
            message_id=pk,
            attempted_at=now,
            worker=worker_id[:100],
            succeeded=not error,
            error=error,
        )
        # Only the holder of the lease records the outcome: if the lease ran out mid-send and
        # another worker took the message over, its outcome stands.
        return OutboxMessage.objects.filter(pk=pk, locked_by=worker_id).update(**fields)


def _deliver_one(*, message: OutboxMessage, worker_id: str, now: datetime) -> bool:
    pk = message.pk
    error = ""
    try:
        _send(message)
    except Exception as exc:  # any failure is recorded and retried, never raised
        error = describe_error(exc)
    attempts = message.attempts + 1
    fields: dict[str, Any] = {"attempts": attempts, "locked_by": "", "locked_until": None}
    if not error:
        fields |= {"state": OutboxState.SENT, "sent_at": now, "last_error": ""}
    elif outbox_rules.gives_up(attempts, message.max_attempts):
        fields |= {"state": OutboxState.FAILED, "last_error": error}
    else:
        delay = outbox_rules.retry_delay_seconds(
            attempts, first=settings.OUTBOX_FIRST_RETRY_SECONDS
        )
        fields |= {
            "state": OutboxState.RETRYING,
            "last_error": error,
            "next_attempt_at": now + timedelta(seconds=delay),
        }
    kept = _record_outcome(pk=pk, worker_id=worker_id, now=now, error=error, fields=fields)
    if not kept:
        logger.warning("outbox message %s: lease lost before the outcome was recorded", pk)
    elif error:
        logger.warning(
            "outbox message %s: attempt %s failed, now %s", pk, attempts, fields["state"]
        )
    else:
        logger.info("outbox message %s: sent", pk)
    return not error


def deliver_due(
    *,
    worker_id: str,
    now: datetime | None = None,
    batch: int = 10,
    lease_seconds: float = LEASE_SECONDS,
    keep_going: Callable[[], bool] | None = None,
) -> int:
    """Claim up to ``batch`` due messages and try each once; returns how many were tried.

    ``now`` is for tests that step the clock; a worker leaves it to the real time. When
    ``keep_going`` turns false (a worker asked to stop), the claims not yet tried are released
    at once rather than left to wait for their leases to run out.
    """
    moment = now or timezone.now()
    claimed = _claim(worker_id=worker_id, now=moment, batch=batch, lease_seconds=lease_seconds)
    tried = 0
    for index, pk in enumerate(claimed):
        if keep_going is not None and not keep_going():
            OutboxMessage.objects.filter(pk__in=claimed[index:], locked_by=worker_id).update(
                locked_by="", locked_until=None
            )
            break
        try:
            message = OutboxMessage.objects.get(pk=pk)
        except (OperationalError, InterfaceError):
            _hand_back(claimed[index:], worker_id=worker_id)  # none of these was sent
            raise
        try:
            _deliver_one(message=message, worker_id=worker_id, now=now or timezone.now())
        except (OperationalError, InterfaceError):
            # This one went to the mail server but could not be recorded: its lease keeps it
            # from being sent again too soon. The rest were not sent.
            _hand_back(claimed[index + 1 :], worker_id=worker_id)
            raise
        tried += 1
    return tried


def _hand_back(pks: list[int], *, worker_id: str) -> None:
    """After the database dropped the connection mid-batch, give the claims not yet sent back at
    once (on a new connection) rather than leave them to wait out their leases; if the database
    is still away, the leases do it."""
    if not pks or connection.in_atomic_block:
        return
    connection.close()
    try:
        OutboxMessage.objects.filter(pk__in=pks, locked_by=worker_id).update(
            locked_by="", locked_until=None
        )
    except (OperationalError, InterfaceError):
        connection.close()
