"""Single sign-on rules: pure functions, no Django, no network; tested at every edge.

What an identity provider's ID token must say before we believe it, and whether it says that a
second factor was used. Kept apart from the OpenID Connect plumbing (``safeguard.core.sso``) so
each rule can be read and tested on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# RFC 8176 authentication method references that prove a second factor. "mfa" says so outright;
# the others are something the person has (a one-time code, a hardware or smart-card key, a code
# by text or phone), which a provider only asks for on top of the password. "pwd", "kba", "pin",
# "swk" (a key in software: a passkey may be the only factor) and the biometrics alone are not
# enough.
SECOND_FACTOR_METHODS = frozenset({"mfa", "otp", "hwk", "sc", "sms", "tel"})
# Seconds of clock difference tolerated between the provider and us.
CLOCK_SKEW_SECONDS = 120
# A step-up (the provider's sign-in again before a sensitive action) must be this fresh.
STEP_UP_MAX_AGE_SECONDS = 5 * 60


def provider_asserts_second_factor(amr: object) -> bool:
    """True when the ID token's ``amr`` claim names a second factor (``mfa``, ``otp`` ...).

    A missing, malformed or empty claim says nothing, so our own second factor is asked.
    """
    if isinstance(amr, str):
        methods: Iterable[object] = [amr]
    elif isinstance(amr, list | tuple):
        methods = amr
    else:
        return False
    return any(isinstance(m, str) and m.strip().lower() in SECOND_FACTOR_METHODS for m in methods)


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of checking an ID token's claims: ``problems`` empty means accept."""

    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def check_id_token_claims(
    claims: Mapping[str, object], *, issuer: str, client_id: str, now: float
) -> TokenCheck:
    """OpenID Connect Core 3.1.3.7: issuer, audience, authorised party, expiry and issue time.

    The signature and the nonce are checked before this (by mozilla-django-oidc); this is the
    rest of what the specification asks of a client, which that library leaves to us.
    """
    problems: list[str] = []
    if claims.get("iss") != issuer:
        problems.append("issuer")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or client_id not in audiences:
        problems.append("audience")
    elif len(audiences) > 1 and claims.get("azp") != client_id:
        problems.append("authorised party")
    expires = _number(claims.get("exp"))
    if expires is None or expires + CLOCK_SKEW_SECONDS <= now:
        problems.append("expired")
    issued = _number(claims.get("iat"))
    if issued is None or issued - CLOCK_SKEW_SECONDS > now:
        problems.append("issued in the future")
    if not isinstance(claims.get("sub"), str) or not claims.get("sub"):
        problems.append("subject")
    return TokenCheck(problems)


def email_from_claims(claims: Mapping[str, object], *, claim: str) -> str:
    """The address the provider vouches for, lower-cased; '' when it gives none or disowns it.

    A provider that says ``email_verified: false`` has not checked the address, so it cannot
    match an account. Matching is case-insensitive: directories keep mixed-case addresses.
    """
    value = claims.get(claim)
    if not isinstance(value, str) or "@" not in value:
        return ""
    if claims.get("email_verified") is False:
        return ""
    return value.strip().lower()


def step_up_is_fresh(claims: Mapping[str, object], *, now: float) -> bool:
    """A step-up counts only when the provider signed the person in again just now."""
    auth_time = _number(claims.get("auth_time"))
    if auth_time is None:
        return False
    return now - STEP_UP_MAX_AGE_SECONDS <= auth_time <= now + CLOCK_SKEW_SECONDS


class ProviderSettingError(ValueError):
    """A provider named in SAFEGUARD_SSO_PROVIDERS lacks a setting, or has a bad one."""


def providers_from_environment(env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The identity providers configured by environment variables (README, *Single sign-on*).

    ``SAFEGUARD_SSO_PROVIDERS=council,nhs`` names them; for each, ``SAFEGUARD_SSO_<KEY>_ISSUER``,
    ``_CLIENT_ID`` and ``_CLIENT_SECRET`` (or ``_CLIENT_SECRET_FILE``, a file holding it) are
    required, ``_NAME`` (shown on the sign-in page) and ``_EMAIL_CLAIM`` (default ``email``)
    optional. Secrets live here, never in the database: an organisation stores only the key.
    """
    providers: dict[str, dict[str, str]] = {}
    for raw in env.get("SAFEGUARD_SSO_PROVIDERS", "").split(","):
        key = raw.strip().lower()
        if not key:
            continue
        if not key.replace("-", "").replace("_", "").isalnum() or len(key) > 40:
            raise ProviderSettingError(f"SSO provider key {key!r}: letters, digits, - and _ only")
        prefix = "SAFEGUARD_SSO_" + key.upper().replace("-", "_") + "_"
        secret = env.get(prefix + "CLIENT_SECRET", "")
        secret_file = env.get(prefix + "CLIENT_SECRET_FILE", "")
        if not secret and secret_file:
            with open(secret_file, encoding="utf-8") as handle:
                secret = handle.read().strip()
        provider = {
            "key": key,
            "name": env.get(prefix + "NAME", "") or key,
            "issuer": env.get(prefix + "ISSUER", "").strip(),
            "client_id": env.get(prefix + "CLIENT_ID", ""),
            "client_secret": secret,
            "email_claim": env.get(prefix + "EMAIL_CLAIM", "") or "email",
        }
        for needed in ("issuer", "client_id", "client_secret"):
            if not provider[needed]:
                raise ProviderSettingError(f"{prefix}{needed.upper()} must be set")
        if not provider["issuer"].startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ProviderSettingError(f"{prefix}ISSUER must be an https:// address")
        providers[key] = provider
    return providers
