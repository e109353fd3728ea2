"""The e-mail route's link: a signed, expiring token for one forward of one child, and the
access code without which the link shows nothing.

Possession of the e-mail is not enough: the link asks for an access code that is sent apart
from it (to the neighbour's access code address, or else to our LA coordinators, who give it
by telephone). The code is stored as a keyed hash; five wrong codes withdraw the link. Once the
right code is given, the reader's session holds it for that link only.

The link is limited every other way it can be too: it is signed
(Django's ``signing`` with its own salt) and carries only the forward's id and a random nonce
also stored on the forward; it expires after 72 hours; it names one child only; a new link or
a revocation replaces or clears the nonce, so the old link stops; once acknowledged it shows
nothing more; every opening, and every refusal of a well-signed link, is in the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models.audit import AuditAction
from safeguard.encompass import policies
from safeguard.encompass.models import Forward, ForwardState
from safeguard.encompass.selectors.forwards import RECORD_TYPE

SALT = "safeguard.encompass.forward-link"
LINK_HOURS = 72
CODE_TRIES = 5
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone


class Refused(Exception):
    """The link is not (or no longer) good; the page says so without saying why."""

    def __init__(self, why: str, pk: int | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.pk = pk


def record_refusal(error: Refused) -> None:
    """Outside the refused transaction, so the row stays: a well-signed link's refusals."""
    if error.pk is not None:
        audit.record(
            action=AuditAction.DENIED,
            record_type=RECORD_TYPE,
            record_id=error.pk,
            detail=f"link refused: {error.why}",
        )


def issue(forward: Forward, *, now: datetime) -> str:
    """A new link for the forward (the caller saves the forward); any earlier one stops."""
    forward.link_nonce = secrets.token_urlsafe(24)
    forward.link_expires_at = now + timedelta(hours=LINK_HOURS)
    forward.link_revoked_at = None
    return signing.dumps({"f": forward.pk, "n": forward.link_nonce}, salt=SALT)


def _code_hash(code: str) -> str:
    normal = "".join(code.split()).replace("-", "").upper()
    key = f"{SALT}:code:{settings.SECRET_KEY}".encode()
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()


def issue_code(forward: Forward) -> str:
    """A new access code for the forward's link (the caller saves the forward)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    forward.link_code_hash = _code_hash(raw)
    forward.link_code_tries = 0
    return f"{raw[:4]}-{raw[4:]}"


def session_key(forward: Forward) -> str:
    return f"encompass_forward_{forward.pk}"


def session_value(forward: Forward) -> str:
    """What the reader's session holds once the code was right: bound to this link's nonce, so
    a new link or a withdrawal needs the code again."""
    return hashlib.sha256(f"{forward.pk}:{forward.link_nonce}".encode()).hexdigest()


def unlock(token: str, code: str) -> tuple[Forward, bool]:
    """Check the access code for the link: the forward and whether the code was right.

    A wrong code counts; the fifth withdraws the link (and is refused like any withdrawn one).
    """
    with transaction.atomic():
        forward = check(token, lock=True)
        if forward.link_code_hash and hmac.compare_digest(forward.link_code_hash, _code_hash(code)):
            audit.record(
                action=AuditAction.VIEW,
                record_type=RECORD_TYPE,
                record_id=forward.pk,
                detail="opened by e-mail link and access code",
            )
            return forward, True
        forward.link_code_tries += 1
        fields = ["link_code_tries"]
        if forward.link_code_tries >= CODE_TRIES:
            forward.link_nonce = ""
            forward.link_revoked_at = timezone.now()
            fields += ["link_nonce", "link_revoked_at"]
        forward.save(update_fields=fields)
    audit.record(
        action=AuditAction.DENIED,
        record_type=RECORD_TYPE,
        record_id=forward.pk,
        detail="wrong access code"
        + (": link withdrawn" if forward.link_code_tries >= CODE_TRIES else ""),
    )
    return forward, False


def _refuse(pk: int | None, why: str) -> Refused:
    return Refused(why, pk)


def check(token: str, *, now: datetime | None = None, lock: bool = False) -> Forward:
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(hours=LINK_HOURS))
    except signing.SignatureExpired:
        data = signing.loads(token, salt=SALT)
        raise _refuse(int(data["f"]), "expired") from None
    except signing.BadSignature:
        raise Refused("bad signature") from None
    rows = Forward.objects.select_related("child__incident", "neighbour")
    if lock:
        rows = rows.select_for_update()
    forward = rows.filter(pk=int(data["f"])).first()
    if forward is None:
        raise Refused("no such forward")
    if not forward.link_nonce or not secrets.compare_digest(forward.link_nonce, str(data["n"])):
        raise _refuse(forward.pk, "revoked or replaced")
    if forward.link_expires_at is None or forward.link_expires_at <= now:
        raise _refuse(forward.pk, "expired")
    if forward.state == ForwardState.ACKNOWLEDGED:
        raise _refuse(forward.pk, "already acknowledged")
    return forward


def opened(token: str) -> Forward:
    """Reading the forward by its link, after the access code: audited as a view."""
    with transaction.atomic():
        forward = check(token)
        audit.record(
            action=AuditAction.VIEW,
            record_type=RECORD_TYPE,
            record_id=forward.pk,
            detail="opened by e-mail link",
        )
    return forward


def acknowledge(token: str, *, name: str) -> Forward:
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationError({"name": "Enter your name and role (200 characters or fewer)"})
    now = timezone.now()
    with transaction.atomic():
        forward = check(token, now=now, lock=True)
        forward.state = ForwardState.ACKNOWLEDGED
        forward.acknowledged_at = now
        forward.acknowledged_by_name = name
        forward.link_nonce = ""
        forward.save(
            update_fields=["state", "acknowledged_at", "acknowledged_by_name", "link_nonce"]
        )
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=forward.pk,
            changes={"state": [ForwardState.SENT, ForwardState.ACKNOWLEDGED]},
            detail="acknowledged by e-mail link",
        )
    return forward


def revoke(*, actor: Any, forward: Forward) -> Forward:
    if not policies.may_act_on_forward(actor):
        raise PermissionDenied
    with transaction.atomic():
        current = Forward.objects.select_for_update().get(pk=forward.pk)
        if not current.link_nonce:
            raise ValidationError({"action": "This forward has no link to withdraw"})
        current.link_nonce = ""
        current.link_code_hash = ""
        current.link_revoked_at = timezone.now()
        current.save(update_fields=["link_nonce", "link_code_hash", "link_revoked_at"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=RECORD_TYPE,
            record_id=current.pk,
            actor=actor,
            changes={"link_revoked_at": [None, current.link_revoked_at.isoformat()]},
            detail="link withdrawn",
        )
    return current
