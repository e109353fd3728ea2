"""Idempotent creation through the API: a sender's reference names one record per organisation.

Meetings, recommendations, actions, agency requests and disseminations have no column for the
sender's reference, so an ``ApiReceipt`` row names the record made for it, written in the same
transaction as the record (whose own audit row the service writes as usual). A row lock on the
calling organisation serialises its creates, so two concurrent calls with one reference create
one record; the unique constraint on (organisation, reference) is the backstop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from safeguard.core.models import Organisation
from safeguard.reviews.models import ApiReceipt

M = TypeVar("M", bound=Model)

OTHER_RECORD = "Your organisation used this reference for another record"


def create_once(
    *,
    organisation: Organisation,
    sender_reference: str,
    model: type[M],
    record_type: str,
    create: Callable[[], M],
) -> tuple[M, bool]:
    """``(record, True)`` when ``create`` made it now; ``(first record, False)`` on a repeat.

    ``create`` calls the service the page calls; if it refuses, nothing is kept. A reference
    already used for another kind of record (or for one since deleted) is refused, naming it.
    """
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        receipt = ApiReceipt.objects.filter(
            organisation=organisation, sender_reference=sender_reference
        ).first()
        if receipt is not None:
            first = None
            if receipt.record_type == record_type:
                first = model._default_manager.filter(pk=receipt.record_id).first()
            if first is None:
                raise ValidationError({"sender_reference": OTHER_RECORD})
            return first, False
        record = create()
        ApiReceipt.objects.create(
            organisation=organisation,
            sender_reference=sender_reference,
            record_type=record_type,
            record_id=record.pk,
        )
    return record, True
