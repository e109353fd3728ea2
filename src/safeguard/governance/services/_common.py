"""What the governance services share: today in London, audit states without narratives."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils import timezone

from safeguard.core.clock import london_date
from safeguard.core.models import Person

MODULE = "governance"


def today(now: datetime | None = None) -> date:
    return london_date(now or timezone.now())


def person_of(actor: Any) -> Person | None:
    """The person behind an actor for "created by" columns; None for an API key (the audit row
    names the key)."""
    return actor if isinstance(actor, Person) else None


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def fail(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def state(record: Model, fields: Iterable[str]) -> dict[str, Any]:
    """Codes, ids and dates for the audit trail; free text goes through ``text_marks``."""
    found: dict[str, Any] = {}
    for name in fields:
        value = getattr(record, name)
        found[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return found


def text_marks(record: Model, fields: Iterable[str]) -> dict[str, Any]:
    """The length of each free-text field: a change shows without its words."""
    return {f"{name}_length": len(getattr(record, name) or "") for name in fields}
