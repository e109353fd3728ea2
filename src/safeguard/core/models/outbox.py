from __future__ import annotations

from django.conf import settings
from django.db import models


class OutboxState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Waiting to retry"
    FAILED = "failed", "Failed"


class OutboxMessage(models.Model):
    """A message to a person, written in the same transaction as the change that causes it.

    The worker claims a row by setting a lease (``locked_until``) with a conditional update, so
    two workers never deliver it at once and a killed worker's lease simply runs out. The body
    says only that something needs attention and links to it: no child's details.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_address = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True, default="")
    reason = models.CharField(
        max_length=100, help_text="What caused the message, e.g. a module event"
    )
    record_type = models.CharField(max_length=100, blank=True, default="")
    record_id = models.CharField(max_length=64, blank=True, default="")
    dedupe_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(
        max_length=16, choices=OutboxState.choices, default=OutboxState.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    next_attempt_at = models.DateTimeField(db_index=True)
    locked_by = models.CharField(max_length=100, blank=True, default="")
    locked_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]

    @property
    def message_id(self) -> str:
        """Stable across retries, so a receiver can drop a duplicate delivery."""
        return f"<outbox-{self.pk}@safeguard.invalid>"


class OutboxAttempt(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="tries")
    attempted_at = models.DateTimeField()
    worker = models.CharField(max_length=100)
    succeeded = models.BooleanField()
    error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["attempted_at"]
