from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from safeguard.core import navigation, policies


def safeguard(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    caps = policies.capabilities(user)
    return {
        "partnership_name": settings.OTP_TOTP_ISSUER,
        "demo_mode": settings.DEMO_MODE,
        "navigation": [item for item in navigation.items() if item.capability in caps],
    }
