"""Sign-in events for the audit trail. Ids only: never the e-mail address that was tried."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(action=AuditAction.SIGN_IN, record_type="core.person", record_id=user.pk, actor=user)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(
            action=AuditAction.SIGN_OUT, record_type="core.person", record_id=user.pk, actor=user
        )
