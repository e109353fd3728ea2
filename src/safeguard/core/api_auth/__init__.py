"""Transitional: the old path of ``safeguard.core.api.auth``, kept while reviews, encompass and
performance move their imports to the new one. Import from ``safeguard.core.api.auth``; delete
this package once ``grep -rn "core.api_auth" src tests`` finds only this file.
"""

from safeguard.core.api.auth import (
    KEY_PREFIX,
    LAST_USED_RESOLUTION,
    PREFIX_LENGTH,
    SECRET_BYTES,
    ApiKeyAuth,
    KeyRejected,
    Scope,
    ScopeMissing,
    hash_secret,
    is_scope,
    key_state,
    new_key,
    parse_key,
    register_scope,
    require_scope,
    scope_required,
    scopes,
    verify_key,
)

__all__ = [
    "KEY_PREFIX",
    "LAST_USED_RESOLUTION",
    "PREFIX_LENGTH",
    "SECRET_BYTES",
    "ApiKeyAuth",
    "KeyRejected",
    "Scope",
    "ScopeMissing",
    "hash_secret",
    "is_scope",
    "key_state",
    "new_key",
    "parse_key",
    "register_scope",
    "require_scope",
    "scope_required",
    "scopes",
    "verify_key",
]
