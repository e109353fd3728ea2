"""Sealing a secret (a neighbour's API key) at rest, with the standard library only.

No encryption library is installed, so this is encrypt-then-MAC built from HMAC-SHA256: a
keystream from HMAC(k_enc, nonce || counter) XORed with the plaintext, then an HMAC(k_mac)
tag over version, nonce and ciphertext. Both keys are derived from SECRET_KEY with distinct
labels. Anyone with the database alone cannot read the key; anyone with SECRET_KEY can, and
rotating SECRET_KEY makes sealed keys unreadable (they must be entered again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

VERSION = b"s1"
NONCE_BYTES = 16
TAG_BYTES = 32


class Unreadable(ValueError):
    """The sealed text was altered, or sealed under another SECRET_KEY."""


def _key(label: bytes) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), b"safeguard.encompass.sealed." + label, "sha256"
    ).digest()


def _keystream(nonce: bytes, length: int) -> bytes:
    key = _key(b"enc")
    blocks = []
    for counter in range((length + 31) // 32):
        blocks.append(hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest())
    return b"".join(blocks)[:length]


def seal(plain: str) -> str:
    data = plain.encode()
    nonce = secrets.token_bytes(NONCE_BYTES)
    cipher = bytes(a ^ b for a, b in zip(data, _keystream(nonce, len(data)), strict=True))
    tag = hmac.new(_key(b"mac"), VERSION + nonce + cipher, hashlib.sha256).digest()
    return (VERSION + b":" + base64.urlsafe_b64encode(nonce + cipher + tag)).decode()


def unseal(sealed: str) -> str:
    try:
        version, body = sealed.encode().split(b":", 1)
        raw = base64.urlsafe_b64decode(body)
    except ValueError as error:
        raise Unreadable("not a sealed value") from error
    if version != VERSION or len(raw) < NONCE_BYTES + TAG_BYTES:
        raise Unreadable("not a sealed value")
    nonce, cipher, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    expected = hmac.new(_key(b"mac"), VERSION + nonce + cipher, hashlib.sha256).digest()
    if not hmac.compare_digest(tag, expected):
        raise Unreadable("altered, or sealed under another SECRET_KEY")
    return bytes(
        a ^ b for a, b in zip(cipher, _keystream(nonce, len(cipher)), strict=True)
    ).decode()
