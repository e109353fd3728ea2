"""Reads of the notifications outbox, for the people who run the service.

A message names its recipient and says why it was sent, so only roles with ``VIEW_OUTBOX``
see any; everyone else gets nothing rather than an error deep in a page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safeguard.core import policies
from safeguard.core.models import OutboxMessage
from safeguard.core.roles import Capability


def messages_visible_to(*, actor: Any, state: str = "") -> QuerySet[OutboxMessage]:
    """Newest first, optionally in one state."""
    if not policies.can(actor, Capability.VIEW_OUTBOX):
        return OutboxMessage.objects.none()
    messages = OutboxMessage.objects.select_related("recipient").order_by("-created_at", "-pk")
    if state:
        messages = messages.filter(state=state)
    return messages


def message_detail(*, actor: Any, pk: int) -> OutboxMessage:
    """One message with its attempts; ``OutboxMessage.DoesNotExist`` if the actor may not see it."""
    return messages_visible_to(actor=actor).prefetch_related("tries").get(pk=pk)
