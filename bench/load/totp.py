"""The simulated authenticator app: RFC 6238 codes with the standard library only, so that
locust's process (gevent) needs no Django. ``tests/test_bench_load.py`` holds it to the codes
django-otp accepts."""

from __future__ import annotations

import hashlib
import hmac
import struct
import time


def totp(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code an app shows at ``at`` (now) for a TOTPDevice's hex key (SHA-1, 30 s)."""
    counter = int((at if at is not None else time.time()) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"
