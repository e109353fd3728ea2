"""The second factor: setting up an authenticator app, checking codes, recovery codes.

Each change of a person's second factor is audited by person id. Verifying a code also changes
the device (the last time step used, the throttle), so codes are checked here, with the device
row locked: two requests racing with the same code cannot both succeed.
"""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import audit
from safeguard.core.models import Person
from safeguard.core.models.audit import AuditAction

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
_PERSON = "core.person"


def authenticator_start(*, actor: Person) -> TOTPDevice:
    """The unconfirmed device a person is setting up: the same one until they confirm it.

    Keeping one key across page loads lets a person scan the QR code, reload, and still type a
    code that works. A person with a confirmed device never reaches this (the view refuses),
    so a password alone can never replace someone's second factor.
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=actor, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=actor, name=AUTHENTICATOR_NAME, confirmed=False)
            audit.record(
                action=AuditAction.CREATE,
                record_type="otp_totp.totpdevice",
                record_id=device.pk,
                actor=actor,
                detail="authenticator set-up started",
            )
    return device


def authenticator_confirm(*, actor: Person, device_id: int, code: str) -> list[str] | None:
    """Confirm the device with a code from it; returns the new recovery codes, or None."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device_id, user=actor, confirmed=False)
            .first()
        )
        if device is None or not device.verify_token(code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Any other authenticator (an abandoned set-up) stops working.
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_PERSON,
            record_id=actor.pk,
            actor=actor,
            changes={"second_factor": [None, device.pk]},
            detail="authenticator set up",
        )
        return _replace_recovery_codes(actor)


def totp_check(*, actor: Person, code: str) -> TOTPDevice | None:
    """The person's confirmed authenticator if ``code`` is its current code, else None."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=actor, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None or not device.verify_token(code):
            return None
        return device


def recovery_code_use(*, actor: Person, code: str) -> StaticDevice | None:
    """Use up one recovery code. The delete is the check, so a code works once only."""
    with transaction.atomic():
        device = (
            StaticDevice.objects.select_for_update()
            .filter(user=actor, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            return None
        allowed, _ = device.verify_is_allowed()
        deleted = 0
        if allowed:
            deleted, _ = StaticToken.objects.filter(device=device, token=code).delete()
        if not deleted:
            device.throttle_increment(commit=True)
            return None
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save()
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_PERSON,
            record_id=actor.pk,
            actor=actor,
            changes={"recovery_codes_left": device.token_set.count()},
            detail="recovery code used",
        )
        return device


def recovery_codes_replace(*, actor: Person) -> list[str]:
    """New recovery codes; the old ones stop working. The caller shows them once."""
    with transaction.atomic():
        codes = _replace_recovery_codes(actor)
        audit.record(
            action=AuditAction.UPDATE,
            record_type=_PERSON,
            record_id=actor.pk,
            actor=actor,
            detail="recovery codes replaced",
        )
    return codes


def _replace_recovery_codes(actor: Person) -> list[str]:
    StaticDevice.objects.filter(user=actor).delete()
    device = StaticDevice.objects.create(user=actor, name=RECOVERY_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes
