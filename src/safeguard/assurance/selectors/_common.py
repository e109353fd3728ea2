"""What the assurance selectors share: the refusal, audited like a read (DESIGN.md 3)."""

from __future__ import annotations

from typing import Any

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction


def refused(actor: Any, record_type: str, record_id: object) -> None:
    audit.record(
        action=AuditAction.DENIED, record_type=record_type, record_id=record_id, actor=actor
    )
