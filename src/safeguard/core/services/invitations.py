"""Setting a password by a one-time link: the invitation to a new account, and the reset.

The link carries the person's id (url-safe base64) and an opaque token, never the email
address. The token is an HMAC over the person's id, current password hash, last sign-in and the
moment it was made (Django's ``PasswordResetTokenGenerator``), so it stops working as soon as
the password changes (it works once), when the person signs in, and when it grows too old:
72 hours for an invitation, 1 hour for a reset. The two kinds use different salts, so neither
can pass for the other. Setting a password this way leaves the second factor alone: a reset
link opens the account only to someone who also holds the authenticator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from safeguard.core import audit, policies
from safeguard.core.models import OutboxMessage, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.outbox import message_enqueue
from safeguard.core.roles import Capability

INVITATION = "invitation"
RESET = "reset"
INVITATION_HOURS = 72
RESET_HOURS = 1
# Resets are capped per person so the form cannot be used to flood someone's inbox.
RESETS_PER_HOUR = 3
# Reasons on the outbox rows; a row with one of these carries a live link (see the report).
INVITATION_REASON = "account.invitation"
RESET_REASON = "account.password_reset"
LINK_REASONS = frozenset({INVITATION_REASON, RESET_REASON})

_PERSON = "core.person"
LINK_INVALID = "This link has expired or has already been used"


class _LinkTokens(PasswordResetTokenGenerator):
    """Django's reset tokens with a salt and a lifetime of their own.

    Django checks every token against the one ``PASSWORD_RESET_TIMEOUT``; invitations and resets
    need different lifetimes, so the check is repeated here with ``valid_seconds``.
    """

    def __init__(self, purpose: str, valid_seconds: int) -> None:
        super().__init__()
        self.key_salt = f"safeguard.core.invitations.{purpose}"
        self.valid_seconds = valid_seconds

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        # Deactivating the account also kills its links.
        return f"{super()._make_hash_value(user, timestamp)}{int(user.is_active)}"

    def token_at(self, person: Person, timestamp: int) -> str:
        """The token as it would have been made at ``timestamp`` (seconds since 2001)."""
        return self._make_token_with_timestamp(person, timestamp, self.secret)

    def now_seconds(self) -> int:
        return int(self._num_seconds(self._now()))

    def check_token(self, user: Any, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        genuine = any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        age = self.now_seconds() - ts
        return genuine and 0 <= age <= self.valid_seconds


TOKENS = {
    INVITATION: _LinkTokens(INVITATION, INVITATION_HOURS * 3600),
    RESET: _LinkTokens(RESET, RESET_HOURS * 3600),
}


def uid_of(person: Person) -> str:
    return urlsafe_base64_encode(force_bytes(person.pk))


def link_for(person: Person, purpose: str) -> str:
    """The path of a fresh set-password link (the outbox makes it absolute)."""
    token = TOKENS[purpose].make_token(person)
    return reverse("core:set_password", kwargs={"uidb64": uid_of(person), "token": token})


def _person_of(uidb64: str) -> Person | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return Person.objects.filter(pk=pk, is_active=True).first()


def _purpose_of(person: Person, token: str) -> str | None:
    for purpose, tokens in TOKENS.items():
        if tokens.check_token(person, token):
            return purpose
    return None


@dataclass(frozen=True)
class LinkHolder:
    person: Person
    purpose: str


def link_check(*, uidb64: str, token: str) -> LinkHolder | None:
    """Who the link is for and why, or None when it is wrong, used, expired or the account gone."""
    person = _person_of(uidb64)
    if person is None:
        return None
    purpose = _purpose_of(person, token)
    return LinkHolder(person, purpose) if purpose else None


def _partnership() -> str:
    return str(settings.OTP_TOTP_ISSUER)


def person_invite(*, actor: Any, person: Person) -> OutboxMessage:
    """Queue the invitation email. Clicking twice in a minute sends one email, not two."""
    if not policies.can(actor, Capability.MANAGE_PARTNERSHIP):
        raise PermissionDenied
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if not person.is_active:
            raise ValidationError(
                {"person": "This person's account is deactivated: reactivate it first"}
            )
        if person.organisation.sign_in_provider:
            raise ValidationError(
                {
                    "person": "This person's organisation signs in through its own identity"
                    " provider: they sign in there, with no password here"
                }
            )
        if person.has_usable_password():
            raise ValidationError(
                {
                    "person": "This person has already set a password. If they have forgotten"
                    " it, they can use 'Forgot your password?' on the sign-in page"
                }
            )
        minute = int(timezone.now().timestamp()) // 60
        message = message_enqueue(
            recipient=person,
            subject=f"Your account on {_partnership()}",
            body=f"You have been given an account on {_partnership()}; set your password here:",
            link=link_for(person, INVITATION),
            reason=INVITATION_REASON,
            record_type=_PERSON,
            record_id=person.pk,
            dedupe_key=f"invitation:{person.pk}:{minute}",
        )
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_PERSON,
            record_id=person.pk,
            actor=actor,
            changes={"invitation_message_id": message.pk},
            detail="invitation sent",
        )
    return message


UNUSABLE_STAND_IN = "!stand-in-for-an-unknown-address"  # an unusable hash: no password


def _stand_in() -> Person:
    """An unsaved person whose reset token costs what a real one does; never stored or sent."""
    return Person(pk=0, email="", password=UNUSABLE_STAND_IN, is_active=True)


def password_reset_request(*, email: str) -> None:
    """Queue a reset link if the address is an active account's; otherwise do nothing.

    The caller answers the same either way, so the form cannot tell anyone who has an account.
    The person's row is locked while counting recent resets, so racing requests cannot pass
    the cap together.
    """
    address = email.strip().lower()
    if not address:
        return
    with transaction.atomic():
        person = (
            Person.objects.select_for_update().filter(email__iexact=address, is_active=True).first()
        )
        if person is None:
            # The same token work as for a real account, so the answer takes as long either way
            # and its timing cannot tell anyone whether the address has an account. Neither
            # path sends anything while the page waits: a real link goes through the outbox.
            link_for(_stand_in(), RESET)
            return
        if person.organisation.sign_in_provider:
            # Their organisation's identity provider owns their password (ADR 0019).
            audit.record(
                action=AuditAction.DENIED,
                record_type=_PERSON,
                record_id=person.pk,
                detail="password reset link not sent: organisation uses single sign-on",
            )
            return
        earlier = OutboxMessage.objects.filter(
            reason=RESET_REASON, record_type=_PERSON, record_id=str(person.pk)
        )
        since = timezone.now() - timedelta(hours=1)
        if earlier.filter(created_at__gte=since).count() >= RESETS_PER_HOUR:
            audit.record(
                action=AuditAction.DENIED,
                record_type=_PERSON,
                record_id=person.pk,
                detail="password reset link not sent: too many this hour",
            )
            return
        message = message_enqueue(
            recipient=person,
            subject=f"Set a new password for {_partnership()}",
            body=(
                f"Someone asked to reset the password of your account on {_partnership()}."
                f" If it was you, set a new password here within {RESET_HOURS} hour."
                " If it was not, you can ignore this email."
            ),
            link=link_for(person, RESET),
            reason=RESET_REASON,
            record_type=_PERSON,
            record_id=person.pk,
            dedupe_key=f"password-reset:{person.pk}:{earlier.count() + 1}",
        )
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_PERSON,
            record_id=person.pk,
            changes={"reset_message_id": message.pk},
            detail="password reset link sent",
        )


def password_set_by_link(*, uidb64: str, token: str, password: str) -> Person:
    """Set the password if the link is still good; the link dies with the old password.

    The token is checked again with the person's row locked, so two submissions of the same
    link cannot both succeed.
    """
    with transaction.atomic():
        holder = link_check(uidb64=uidb64, token=token)
        if holder is None:
            raise ValidationError({"token": LINK_INVALID})
        person = Person.objects.select_for_update().get(pk=holder.person.pk)
        purpose = _purpose_of(person, token)
        if purpose is None or not person.is_active:
            raise ValidationError({"token": LINK_INVALID})
        try:
            validate_password(password, user=person)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
        had_password = person.has_usable_password()
        person.set_password(password)
        person.save(update_fields=["password"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_PERSON,
            record_id=person.pk,
            actor=person,
            changes={"password": [("set" if had_password else "unset"), "replaced"]},
            detail=f"password set by {purpose} link",
        )
    return person
