"""Reads about a person's own second factor. Each takes the person: nobody reads another's."""

from __future__ import annotations

from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core.models import Person


def authenticator_of(person: Person) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=person, confirmed=True).order_by("pk").first()


def recovery_codes_left(person: Person) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()


def codes_paused(person: Person, *, recovery: bool) -> bool:
    """django-otp pauses a device after wrong codes (doubling each time, kept across sessions).

    While paused it refuses even the right code, so the page says so instead of calling a right
    code wrong; such a try checks nothing and is not counted as a failure.
    """
    model = StaticDevice if recovery else TOTPDevice
    device = model.objects.filter(user=person, confirmed=True).order_by("pk").first()
    if device is None:
        return False
    allowed, _ = device.verify_is_allowed()
    return not allowed


def demo_code_for(person: Person) -> str | None:
    """The current code, for demo people in a demo deployment only.

    A demo audience has no authenticator app for a synthetic account; showing the code keeps
    the second factor in the journey without a phone. Both conditions are required: the
    deployment flag (refused in production by settings) and the person's own demo mark.
    """
    if not (settings.DEMO_MODE and getattr(person, "is_demo", False)):
        return None
    device = authenticator_of(person)
    if device is None:
        return None
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"
