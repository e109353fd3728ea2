"""Making and revoking API keys.

The full key exists only in the return value of ``apikey_create``: the database keeps its
prefix and a SHA-256 digest of its secret, and the audit row keeps the prefix. Validation
raises ``ValidationError`` keyed by field name and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit, policies, scope_holders
from safeguard.core.api.auth import hash_secret, is_scope, key_state, new_key
from safeguard.core.api.auth import scopes as all_scopes
from safeguard.core.models import ApiKey, Organisation
from safeguard.core.models.audit import AuditAction
from safeguard.core.roles import Capability

NAME_MAX = 200


def _require_manage(actor: Any) -> None:
    if not policies.can(actor, Capability.MANAGE_API_KEYS):
        raise PermissionDenied


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def scope_misfit_message(*, scopes: list[str], kind: str) -> str:
    """The message for scopes the organisation's kind may not hold, naming each by its use."""
    described = {scope.name: scope.description for scope in all_scopes()}
    return scope_holders.misfit_message(scopes=scopes, kind=kind, describe=described)


def apikey_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new key for ``organisation``; returns the row and the full key, shown once."""
    _require_manage(actor)
    name = (name or "").strip()
    chosen = sorted(set(scopes or []))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter a name for the key"
    elif len(name) > NAME_MAX:
        errors["name"] = f"Name must be {NAME_MAX} characters or fewer"
    if not chosen:
        errors["scopes"] = "Select at least one thing the key may do"
    elif unknown := [s for s in chosen if not is_scope(s)]:
        errors["scopes"] = f"Unknown scope: {', '.join(unknown)}"
    elif misfit := scope_holders.misfits(scopes=chosen, kind=organisation.kind):
        errors["scopes"] = scope_misfit_message(scopes=misfit, kind=organisation.kind)
    if not organisation.active:
        errors["organisation"] = "Select an active organisation"
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "The expiry date must be in the future"
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        prefix, secret, full_key = new_key()
        while ApiKey.objects.filter(prefix=prefix).exists():  # 36**8 values: almost never
            prefix, secret, full_key = new_key()
        key = ApiKey.objects.create(
            organisation=organisation,
            name=name,
            prefix=prefix,
            secret_hash=hash_secret(secret),
            scopes=chosen,
            created_by=actor,
            expires_at=expires_at,
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type="core.apikey",
            record_id=key.pk,
            actor=actor,
            changes={
                "organisation_id": [None, organisation.pk],
                "name": [None, name],
                "prefix": [None, prefix],
                "scopes": [None, chosen],
                "expires_at": [None, _iso(expires_at)],
            },
        )
    return key, full_key


def apikey_revoke(*, actor: Any, key: ApiKey) -> ApiKey:
    """Stop ``key`` working from now on. Revoking twice is refused, so the first one stands."""
    _require_manage(actor)
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is not None:
            raise ValidationError({"key": "This key has already been revoked"})
        before = {"revoked_at": None, "state": key_state(locked)}
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type="core.apikey",
            record_id=locked.pk,
            actor=actor,
            changes=audit.diff(before, {"revoked_at": _iso(locked.revoked_at), "state": "revoked"}),
            detail="revoked",
        )
    key.revoked_at = locked.revoked_at
    key.revoked_by = actor
    return locked
