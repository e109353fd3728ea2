"""Idempotent creation through the API: a sender's reference names one record per organisation.

Meetings, recommendations, actions and dissemination records have no column for the sender's
reference, and this change may not alter the schema; so the reference is kept as a receipt in
the audit trail (an append-only row naming the organisation, the reference and the record
created), written in the same transaction as the record. A row lock on the calling organisation
serialises its creates, so two concurrent calls with one reference create one record. When a
migration is allowed, a ``sender_reference`` column with a unique constraint (as on
``Contribution``) should replace this.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from safeguard.core import audit
from safeguard.core.models import AuditEvent, Organisation
from safeguard.core.models.audit import AuditAction

RECEIPT = "reviews.api_receipt"
M = TypeVar("M", bound=Model)


def _detail(organisation: Organisation, sender_reference: str) -> str:
    return f"organisation={organisation.pk} sender_reference={sender_reference}"


def create_once(
    *,
    organisation: Organisation,
    sender_reference: str,
    model: type[M],
    record_type: str,
    create: Callable[[], M],
) -> tuple[M, bool]:
    """``(record, True)`` when ``create`` made it now; ``(first record, False)`` on a repeat.

    ``create`` calls the service the page calls; if it refuses, nothing is kept.
    """
    detail = _detail(organisation, sender_reference)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        found = (
            AuditEvent.objects.filter(record_type=RECEIPT, action=AuditAction.CREATE, detail=detail)
            .order_by("seq")
            .first()
        )
        if found is not None:
            kind, _, pk = found.record_id.rpartition(":")
            first = model._default_manager.filter(pk=pk).first() if kind == record_type else None
            if first is None:
                raise ValidationError(
                    {"sender_reference": "Your organisation used this reference for another record"}
                )
            return first, False
        record = create()
        audit.record(
            action=AuditAction.CREATE,
            record_type=RECEIPT,
            record_id=f"{record_type}:{record.pk}",
            detail=detail,
        )
    return record, True
