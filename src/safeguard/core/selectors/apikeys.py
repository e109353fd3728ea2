"""Reads of API keys, and of what a key may read through the kernel's routes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safeguard.core import policies
from safeguard.core.models import ApiKey, Organisation
from safeguard.core.roles import Capability


def apikey_list(*, actor: Any) -> QuerySet[ApiKey]:
    """Every key of the partnership, for those who manage keys; nothing for anyone else."""
    if not policies.can(actor, Capability.MANAGE_API_KEYS):
        return ApiKey.objects.none()
    return ApiKey.objects.select_related("organisation").order_by(
        "organisation__name", "name", "pk"
    )


def apikey_get(*, actor: Any, pk: int) -> ApiKey | None:
    return apikey_list(actor=actor).filter(pk=pk).first()


def organisations_for_key(*, key: ApiKey, kind: str | None = None) -> QuerySet[Organisation]:
    """The partnership directory: not personal data, so every key with the scope sees it all."""
    if "partnership:read" not in key.scopes:
        return Organisation.objects.none()
    rows = Organisation.objects.order_by("name", "pk")
    if kind:
        rows = rows.filter(kind=kind)
    return rows
