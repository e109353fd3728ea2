"""What the module's pages share: reading a date from a URL, refusing another's record."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction


def day_from(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise Http404 from error


def refuse(actor: Any, record_type: str, record_id: object) -> Http404:
    """404 for a record the person may not see, with an audit row of the attempt."""
    audit.record(
        action=AuditAction.DENIED, record_type=record_type, record_id=record_id, actor=actor
    )
    return Http404()


def apply_errors(form: Any, error: Any) -> None:
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)
