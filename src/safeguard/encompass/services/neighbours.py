"""The registry of neighbouring partnerships: who covers which LA codes, and how to reach them.

The API key for a neighbour's API is sealed at rest (``sealed.py``), never shown after entry,
never put in an audit row or a log line: the audit says only that a key was set or changed.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.encompass import policies, sealed
from safeguard.encompass.models import Neighbour
from safeguard.encompass.selectors.forwards import own_la_codes, own_school_with_code

RECORD_TYPE = "encompass.neighbour"
LA_CODE = re.compile(r"^\d{3}$")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def parse_codes(text: str) -> list[str]:
    codes = [c.strip() for c in re.split(r"[,\s]+", text) if c.strip()]
    if not codes:
        raise ValidationError({"la_codes": "Enter the LA codes the partnership covers"})
    bad = [c for c in codes if not LA_CODE.match(c)]
    if bad:
        raise ValidationError({"la_codes": "Each LA code must be three digits, such as 873"})
    return sorted(set(codes))


def check_url(url: str) -> str:
    """HTTPS only, except a loopback address (a development or test neighbour)."""
    url = url.strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return url
    raise ValidationError({"api_base_url": "API base URL must start with https://"})


def _state(n: Neighbour) -> dict[str, Any]:
    return {
        "name": n.name,
        "la_codes": n.la_codes,
        "api_base_url": n.api_base_url,
        "api_key_set": bool(n.api_key_sealed),
        "contact_email_set": bool(n.contact_email),
        "code_email_set": bool(n.code_email),
        "active": n.active,
    }


def neighbour_save(
    *,
    actor: Any,
    neighbour: Neighbour | None = None,
    name: str,
    la_codes: str,
    api_base_url: str = "",
    api_key: str = "",
    clear_api_key: bool = False,
    contact_email: str = "",
    code_email: str = "",
    active: bool = True,
) -> Neighbour:
    """Add or change a neighbour. An empty ``api_key`` keeps the one stored."""
    if not policies.can(actor, policies.Cap.MANAGE_NEIGHBOURS):
        raise PermissionDenied
    errors: dict[str, str] = {}
    name = name.strip()
    if not name or len(name) > 200:
        errors["name"] = "Enter the partnership's name (200 characters or fewer)"
    codes: list[str] = []
    try:
        codes = parse_codes(la_codes)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    try:
        url = check_url(api_base_url)
    except ValidationError as error:
        errors["api_base_url"] = error.message_dict["api_base_url"][0]
        url = ""
    email = contact_email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = "Enter the secure e-mail address in the right format"
    code_address = code_email.strip()
    if code_address:
        try:
            validate_email(code_address)
        except ValidationError:
            errors["code_email"] = "Enter the access code e-mail address in the right format"
        else:
            if code_address.lower() == email.lower():
                errors["code_email"] = (
                    "Access code e-mail must be a different address from the contact e-mail"
                )
    key = api_key.strip()
    if len(key) > 500:
        errors["api_key"] = "API key must be 500 characters or fewer"
    keeps_key = bool(neighbour and neighbour.api_key_sealed) and not clear_api_key
    has_key = bool(key) or keeps_key
    if url and not has_key:
        errors["api_key"] = "Enter the API key their partnership gave you for their API"
    if not (url and has_key) and not email:
        errors["contact_email"] = "Enter a secure contact e-mail, or their API base URL and key"
    ours = sorted(set(codes) & own_la_codes())
    our_school = own_school_with_code(codes) if codes and not ours else None
    if ours:
        errors["la_codes"] = (
            f"LA code {ours[0]} is this partnership's own: a neighbour cannot cover it"
        )
    elif our_school is not None:
        errors["la_codes"] = (
            f"LA code {our_school.la_code} is the code of {our_school.name}, a school of this"
            " partnership: a neighbour cannot cover it"
        )
    elif codes and active:
        others = Neighbour.objects.filter(active=True)
        if neighbour is not None:
            others = others.exclude(pk=neighbour.pk)
        taken = [(other.name, code) for other in others for code in other.codes if code in codes]
        if taken:
            errors["la_codes"] = f"LA code {taken[0][1]} already belongs to {taken[0][0]}"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if neighbour is None:
            current = Neighbour(name=name)
            before: dict[str, Any] = {}
        else:
            current = Neighbour.objects.select_for_update().get(pk=neighbour.pk)
            before = _state(current)
        if Neighbour.objects.filter(name=name).exclude(pk=current.pk).exists():
            raise ValidationError({"name": "A neighbouring partnership has this name already"})
        current.name = name
        current.la_codes = ",".join(codes)
        current.api_base_url = url
        current.contact_email = email
        current.code_email = code_address
        current.active = active
        key_changed = False
        if key:
            current.api_key_sealed = sealed.seal(key)
            key_changed = True
        elif clear_api_key:
            current.api_key_sealed = ""
        current.save()
        changes = audit.diff(before, _state(current))
        if key_changed:
            changes["api_key"] = ["[kept]" if before else None, "[changed]"]
        audit.record(
            action=AuditAction.UPDATE if neighbour else AuditAction.CREATE,
            record_type=RECORD_TYPE,
            record_id=current.pk,
            actor=actor,
            changes=changes,
        )
    return current


def api_key_of(neighbour: Neighbour) -> str:
    return sealed.unseal(neighbour.api_key_sealed)
