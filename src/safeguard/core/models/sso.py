from __future__ import annotations

from typing import Any

from django_otp.models import Device


class ProviderSecondFactor(Device):
    """The identity provider's second factor, as a django-otp device.

    A person whose provider's ID token says a second factor was used (``amr``) is marked as
    verified with this device, so the rest of the service (the second-factor middleware,
    ``is_verified``) treats them as it treats a person who typed a code. It accepts no code of
    ours: the only way to use it is a fresh sign-in at the provider.
    """

    class Meta:
        verbose_name = "identity provider's second factor"

    def verify_token(self, token: Any) -> bool:
        return False
