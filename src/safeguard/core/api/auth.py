"""API keys on the wire: the scope registry, the key format, and the bearer authentication.

A key reads ``sg_<prefix>_<secret>``. The prefix finds the row (it is unique and harmless to
log); only a SHA-256 digest of the secret is stored, compared in constant time. Every refused
key leaves an audit row that says why (``missing``, ``malformed``, ``unknown``, ``revoked``,
``expired``, ``inactive_organisation``) and, when the key is well formed, its prefix: never
the secret.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security.http import HttpBearer

from safeguard.core import audit, scope_holders
from safeguard.core.context import current_api_key_id
from safeguard.core.models import ApiKey
from safeguard.core.models.audit import AuditAction

KEY_PREFIX = "sg"
PREFIX_LENGTH = 8
SECRET_BYTES = 32
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
_KEY = re.compile(r"^sg_(?P<prefix>[a-z0-9]{8})_(?P<secret>[A-Za-z0-9_-]{43,128})$")
_SCOPE_NAME = re.compile(r"^[a-z][a-z0-9_]*(:[a-z][a-z0-9_]*)+$")
# Writing last_used_at on every call would turn each read into a write; once a minute says
# enough about whether a key is still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


# --- scopes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    name: str
    description: str


_scopes: dict[str, Scope] = {}


def register_scope(name: str, description: str, *, kinds: Iterable[str] | None = None) -> None:
    """Let a module declare a scope (``module:noun:verb``) when its app loads.

    ``kinds`` names the kinds of organisation whose keys may hold it (any kind when omitted), so
    the module says in one place both what a scope does and who may be given it.
    """
    if not _SCOPE_NAME.match(name):
        raise ValueError(f"scope names read like 'area:verb', not {name!r}")
    _scopes[name] = Scope(name, description)
    if kinds is not None:
        scope_holders.limit_scope(name, kinds=kinds)


def scopes() -> list[Scope]:
    return sorted(_scopes.values(), key=lambda s: s.name)


def is_scope(name: str) -> bool:
    return name in _scopes


register_scope("partnership:read", "Read the partnership's organisations")


# --- the key itself -----------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key() -> tuple[str, str, str]:
    """A fresh ``(prefix, secret, full key)``; the caller checks the prefix is unused."""
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return prefix, secret, f"{KEY_PREFIX}_{prefix}_{secret}"


def parse_key(token: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of a well-formed key, else None."""
    match = _KEY.match(token)
    if match is None:
        return None
    return match["prefix"], match["secret"]


def key_state(key: ApiKey, now: Any = None) -> str:
    """``active``, ``revoked`` or ``expired``: revocation wins, since it was a decision."""
    now = now or timezone.now()
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= now:
        return "expired"
    return "active"


class KeyRejected(AuthenticationError):
    def __init__(self, reason: str) -> None:
        super().__init__(401, "The API key is missing, malformed, unknown, revoked or expired.")
        self.reason = reason


def _reject(reason: str, prefix: str = "") -> KeyRejected:
    audit.record(
        action=AuditAction.API_KEY_REJECTED,
        record_type="core.apikey",
        record_id=prefix,
        detail=reason,
    )
    return KeyRejected(reason)


def verify_key(token: str) -> ApiKey:
    """The active key ``token`` names, or ``KeyRejected`` (audited)."""
    parsed = parse_key(token.strip())
    if parsed is None:
        raise _reject("malformed")
    prefix, secret = parsed
    digest = hash_secret(secret)
    key = ApiKey.objects.select_related("organisation").filter(prefix=prefix).first()
    if key is None:
        hmac.compare_digest(digest, "0" * 64)  # the same work as for a known prefix
        raise _reject("unknown", prefix)
    if not hmac.compare_digest(digest, key.secret_hash):
        raise _reject("unknown", prefix)
    now = timezone.now()
    state = key_state(key, now)
    if state != "active":
        raise _reject(state, prefix)
    if not key.organisation.active:
        raise _reject("inactive_organisation", prefix)
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer sg_...``. Sets ``request.auth`` and the audit trail's key id."""

    def __call__(self, request: HttpRequest) -> ApiKey:
        value = request.headers.get(self.header, "")
        if not value:
            raise _reject("missing")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer":
            raise _reject("malformed")
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey:
        key = verify_key(token)
        # Reset when the request ends: SafeguardAPI runs each view in a copy of the context.
        current_api_key_id.set(key.pk)
        return key


# --- scopes on routes ---------------------------------------------------------------------


class ScopeMissing(PermissionDenied):
    def __init__(self, scope: str) -> None:
        super().__init__(f"This API key does not have the scope {scope}.")
        self.scope = scope


def require_scope(request: HttpRequest, scope: str) -> None:
    """Refuse (403, audited by the API's handler) unless the request's key holds ``scope``."""
    if scope not in _scopes:
        raise ValueError(f"unregistered scope {scope!r}")
    key = getattr(request, "auth", None)
    if not isinstance(key, ApiKey) or scope not in key.scopes:
        raise ScopeMissing(scope)


def scope_required(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator form of ``require_scope``; the route keeps ``required_scope`` for the tests."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            require_scope(request, scope)
            return view(request, *args, **kwargs)

        wrapped.required_scope = scope  # type: ignore[attr-defined]
        # Ninja takes the route's OpenAPI description from its docstring.
        wrapped.__doc__ = f"{(view.__doc__ or '').strip()}\n\nNeeds the scope `{scope}`.".strip()
        return wrapped

    return decorate
