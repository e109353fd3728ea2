from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from safeguard.core import navigation


def safeguard(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "partnership_name": settings.OTP_TOTP_ISSUER,
        "demo_mode": settings.DEMO_MODE,
        "navigation": navigation.links_for(user, request.path),
    }
