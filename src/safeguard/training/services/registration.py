"""Self-registration: a practitioner without an account asks for one to book training; the
Business Unit or their organisation's named approver approves (the account is opened by the
kernel, with the practitioner role only) or refuses.

The request page is public, so it must not tell anyone whether an address has an account: it
answers the same whatever happens, and what differs goes by e-mail to the address itself (an
address with an account is told to sign in or reset the password). Requests are rate-limited
per place (a keyed hash of the client's address, which is not kept) and per e-mail address.
E-mails say only that something needs attention, with a link: no name, no organisation.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.models import Organisation, Person
from safeguard.core.models.audit import AuditAction
from safeguard.core.outbox import message_enqueue
from safeguard.core.roles import Role
from safeguard.core.services.registrations import practitioner_account_open
from safeguard.training import policies
from safeguard.training.models import AccountRequest, AccountRequestStatus, OrganisationSetting

REQUEST = "training.account_request"
# At most this many requests from one place an hour, and for one address a day; beyond, the
# page answers the same and nothing is done (the refusal is audited).
PER_PLACE_PER_HOUR = 5
PER_ADDRESS_PER_DAY = 3
REQUEST_REASON = "training.account_request"
DECISION_REASON = "training.account_request_decision"
EXISTING_REASON = "training.account_request_existing"


def _partnership() -> str:
    return str(settings.OTP_TOTP_ISSUER)


def place_of(client_address: str) -> str:
    """A keyed hash of the client's address: the same place hashes the same, the address is
    not kept and cannot be read back."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, client_address.encode(), hashlib.sha256).hexdigest()


def _clean(full_name: str, email: str, organisation: Organisation | None) -> str:
    errors: dict[str, str] = {}
    address = email.strip().lower()
    if not full_name.strip():
        errors["full_name"] = "Enter your full name"
    if not address:
        errors["email"] = "Enter your work email address"
    else:
        try:
            validate_email(address)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.com"
    if organisation is None or not organisation.active:
        errors["organisation"] = "Select your organisation"
    if errors:
        raise ValidationError(errors)
    return address


def account_request_make(
    *, full_name: str, email: str, job_title: str, organisation: Organisation | None, place: str
) -> None:
    """Take a request, or quietly do nothing; the caller answers the same either way.

    A new address gets a pending request, an acknowledgement, and its approvers an e-mail; an
    address that has an account is e-mailed to sign in instead; an address with a request
    waiting gets nothing new. Past the rate limits nothing happens but an audit row.
    """
    address = _clean(full_name, email, organisation)
    assert organisation is not None
    now = timezone.now()
    with transaction.atomic():
        recent = AccountRequest.objects.select_for_update().filter(
            source=place, created_at__gte=now - timedelta(hours=1)
        )
        same_address = AccountRequest.objects.filter(
            email=address, created_at__gte=now - timedelta(days=1)
        )
        if recent.count() >= PER_PLACE_PER_HOUR or same_address.count() >= PER_ADDRESS_PER_DAY:
            audit.record(
                action=AuditAction.DENIED,
                record_type=REQUEST,
                detail="account request not taken: too many",
            )
            return
        taken = not (
            Person.objects.filter(email__iexact=address).exists()
            or AccountRequest.objects.filter(
                email=address, status=AccountRequestStatus.PENDING
            ).exists()
        )
        row = AccountRequest.objects.create(
            full_name=full_name.strip()[:200] if taken else "",
            email=address,
            job_title=job_title.strip()[:200] if taken else "",
            organisation=organisation,
            status=AccountRequestStatus.PENDING if taken else AccountRequestStatus.NOT_TAKEN,
            source=place,
            created_at=now,
        )
        audit.record(
            action=AuditAction.CREATE,
            record_type=REQUEST,
            record_id=row.pk,
            changes={"organisation": organisation.pk, "status": row.status},
        )
        if not taken:
            if Person.objects.filter(email__iexact=address, is_active=True).exists():
                message_enqueue(
                    to_address=address,
                    subject=f"Your account on {_partnership()}",
                    body=f"Someone asked for an account on {_partnership()} with this address,"
                    " which already has one. Sign in, or set a new password with 'Forgot your"
                    " password?' on the sign-in page:",
                    link=reverse("core:sign_in"),
                    reason=EXISTING_REASON,
                    record_type=REQUEST,
                    record_id=row.pk,
                    dedupe_key=f"account-request-existing:{address}:{now:%Y-%m-%d}",
                )
            return
        message_enqueue(
            to_address=address,
            subject=f"Your request for an account on {_partnership()}",
            body="We have your request for an account to book training. You will get an e-mail"
            " when it has been decided.",
            reason=REQUEST_REASON,
            record_type=REQUEST,
            record_id=row.pk,
            dedupe_key=f"account-request:{row.pk}:received",
        )
        for approver in approvers_of(organisation):
            message_enqueue(
                recipient=approver,
                subject="An account request needs a decision",
                body="A practitioner has asked for an account to book training.",
                link=reverse("training:account_request", kwargs={"pk": row.pk}),
                reason=REQUEST_REASON,
                record_type=REQUEST,
                record_id=row.pk,
                dedupe_key=f"account-request:{row.pk}:approver:{approver.pk}",
            )


def approvers_of(organisation: Organisation) -> list[Person]:
    """Who is told of a request: the organisation's named approver if it has one, otherwise
    the Business Unit's administrators and officers."""
    setting = OrganisationSetting.objects.filter(
        organisation=organisation, approver__isnull=False, approver__is_active=True
    ).first()
    if setting is not None and setting.approver is not None:
        return [setting.approver]
    return list(
        Person.objects.filter(
            is_active=True,
            role_assignments__role__in=[Role.BUSINESS_UNIT_ADMIN, Role.BUSINESS_UNIT_OFFICER],
        )
        .distinct()
        .order_by("pk")
    )


def _decided(actor: Any, request: AccountRequest) -> AccountRequest:
    if not policies.may_decide_account_request(actor, request):
        raise PermissionDenied
    row = AccountRequest.objects.select_for_update().get(pk=request.pk)
    if row.status != AccountRequestStatus.PENDING:
        raise ValidationError({"decision": "This request has already been decided"})
    return row


def account_request_approve(*, actor: Any, request: AccountRequest) -> Person:
    """Open the account (practitioner role only, in the organisation asked for) and invite the
    person to set a password. The page asks for the second factor again before this."""
    with transaction.atomic():
        row = _decided(actor, request)
        person = practitioner_account_open(
            actor=actor,
            email=row.email,
            full_name=row.full_name,
            job_title=row.job_title,
            organisation=row.organisation,
        )
        row.status = AccountRequestStatus.APPROVED
        row.decided_by = actor
        row.decided_at = timezone.now()
        row.person = person
        row.save(update_fields=["status", "decided_by", "decided_at", "person"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=REQUEST,
            record_id=row.pk,
            actor=actor,
            changes={"status": [AccountRequestStatus.PENDING, row.status], "person": person.pk},
        )
    return person


def account_request_refuse(*, actor: Any, request: AccountRequest, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the request is not approved"})
    with transaction.atomic():
        row = _decided(actor, request)
        row.status = AccountRequestStatus.REFUSED
        row.decided_by = actor
        row.decided_at = timezone.now()
        row.refusal_reason = reason.strip()
        row.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
        audit.record(
            action=AuditAction.UPDATE,
            record_type=REQUEST,
            record_id=row.pk,
            actor=actor,
            changes={"status": [AccountRequestStatus.PENDING, row.status]},
        )
        message_enqueue(
            to_address=row.email,
            subject=f"Your request for an account on {_partnership()}",
            body="Your request for an account to book training was not approved. Ask your"
            " organisation's training contact or the partnership's Business Unit why.",
            reason=DECISION_REASON,
            record_type=REQUEST,
            record_id=row.pk,
            dedupe_key=f"account-request:{row.pk}:refused",
        )
