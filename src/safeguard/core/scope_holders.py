"""Which kinds of organisation may hold each API scope.

A scope is registered by its module (``register_scope``); this registry says, beside it, which
kinds of organisation a key with that scope may belong to, so a school's key cannot be given
the local authority's decision. A scope with no statement here may be held by any kind. The
key form and the key service both refuse a misfit, with a message that names the scope.
"""

from __future__ import annotations

from collections.abc import Iterable

from safeguard.core.models.organisations import OrganisationKind

_holders: dict[str, frozenset[str]] = {}


def limit_scope(name: str, *, kinds: Iterable[str]) -> None:
    """Say that only organisations of ``kinds`` may hold the scope ``name``."""
    chosen = frozenset(str(kind) for kind in kinds)
    if unknown := chosen - set(OrganisationKind.values):
        raise ValueError(f"unknown organisation kinds for {name!r}: {sorted(unknown)}")
    if not chosen:
        raise ValueError(f"{name!r} must be open to at least one kind of organisation")
    _holders[name] = chosen


def kinds_for(name: str) -> frozenset[str] | None:
    """The kinds that may hold the scope, or ``None`` when any kind may."""
    return _holders.get(name)


def misfits(*, scopes: Iterable[str], kind: str) -> list[str]:
    """The scopes in ``scopes`` that an organisation of ``kind`` may not hold, sorted."""
    return sorted(s for s in set(scopes) if (k := kinds_for(s)) is not None and kind not in k)


def misfit_message(*, scopes: Iterable[str], kind: str, describe: dict[str, str]) -> str:
    """The GOV.UK-style error for a key whose organisation may not hold some of its scopes."""
    label = OrganisationKind(kind).label.lower() if kind in OrganisationKind.values else kind
    names = [describe.get(s, s) for s in scopes]
    what = names[0] if len(names) == 1 else "; ".join(names)
    holders = sorted(
        {OrganisationKind(k).label.lower() for s in scopes for k in (kinds_for(s) or ())}
    )
    return (
        f"A key for a {label} cannot {_lower_first(what)}. Only a key for a "
        f"{' or '.join(holders)} may do that: remove it or choose another organisation"
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
