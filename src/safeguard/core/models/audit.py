from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.db.utils import NotSupportedError

APPEND_ONLY = "the audit trail is append-only"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Removed"
    EXPORT = "export", "Exported"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    LOCKED_OUT = "locked_out", "Locked out"
    DENIED = "denied", "Access refused"
    API_KEY_REJECTED = "api_key_rejected", "API key refused"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """No bulk path rewrites history. The database refuses too (migration 0002); this refuses
    sooner, with a plain message, on any database."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise NotSupportedError(APPEND_ONLY)

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise NotSupportedError(APPEND_ONLY)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise NotSupportedError(APPEND_ONLY)


class AuditEvent(models.Model):
    """One row of the append-only audit trail.

    Rows are chained: ``hash`` covers this row's content and the previous row's hash, so an
    altered or removed row breaks the chain (``safeguard audit verify``). The code has no update
    or delete path, and triggers on both databases refuse both (migration 0002).
    """

    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    # Plain ids rather than foreign keys: the trail must outlive the rows it speaks of.
    actor_id = models.BigIntegerField(null=True, db_index=True)
    actor_organisation_id = models.BigIntegerField(null=True)
    api_key_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    record_type = models.CharField(max_length=100, db_index=True)
    record_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    route = models.CharField(max_length=200, blank=True, default="")
    changes = models.JSONField(default=dict, blank=True)
    detail = models.CharField(max_length=300, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["record_type", "record_id", "seq"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise NotSupportedError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise NotSupportedError(APPEND_ONLY)


class AuditChainHead(models.Model):
    """The newest link of the chain, kept in its own row.

    Appends lock this row, which serialises them across processes, and it anchors the tail:
    removing the last audit rows also requires rewinding the head, which verification notices.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
