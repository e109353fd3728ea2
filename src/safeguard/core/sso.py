"""Single sign-on through OpenID Connect, on mozilla-django-oidc (ADR 0019).

An organisation can be set to sign in through an identity provider (Microsoft Entra ID for most
councils and NHS bodies). The provider proves who the person is; it never creates an account or
gives a role: the person must already exist here, in an organisation that uses that provider,
with the same e-mail address (compared without case). The library does the authorisation-code
flow with state, nonce and PKCE, fetches the token and checks its signature against the
provider's published keys; ``ProviderBackend`` adds the claim checks the library leaves out
(issuer, audience, expiry: ``sso_rules.check_id_token_claims``) and the matching rules.

Providers are configured by environment variables (``sso_rules.providers_from_environment``),
several at once, so one deployment serves a council on Entra ID and a trust on another.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from safeguard.core import sso_rules
from safeguard.core.models import Organisation, Person

CALLBACK_ROUTE = "core:sso_callback"
SCOPES = "openid email profile"
DISCOVERY_SECONDS = 3600
HTTP_TIMEOUT_SECONDS = 10
BACKEND_PATH = "safeguard.core.sso.ProviderBackend"
# The provider a session signed in through: its step-ups go back there.
PROVIDER_SESSION_KEY = "safeguard_sso_provider"


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be had or does not describe it."""


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    email_claim: str


def providers() -> dict[str, Provider]:
    return {key: Provider(**values) for key, values in settings.SSO_PROVIDERS.items()}


def provider(key: str) -> Provider | None:
    return providers().get(key)


def provider_choices() -> list[tuple[str, str]]:
    return [(p.key, p.name) for p in providers().values()]


def providers_in_use() -> list[Provider]:
    """Providers that at least one active organisation signs in through: the sign-in buttons."""
    used = set(
        Organisation.objects.filter(active=True)
        .exclude(sign_in_provider="")
        .values_list("sign_in_provider", flat=True)
    )
    return [p for p in providers().values() if p.key in used]


def organisation_uses_sso(organisation_id: int) -> bool:
    return Organisation.objects.filter(pk=organisation_id).exclude(sign_in_provider="").exists()


_discovery_lock = threading.Lock()
_discovered: dict[str, tuple[float, dict[str, Any]]] = {}


def endpoints(chosen: Provider) -> dict[str, Any]:
    """The provider's discovery document (OpenID Connect Discovery 1.0), cached for an hour."""
    now = time.monotonic()
    with _discovery_lock:
        cached = _discovered.get(chosen.issuer)
        if cached and now - cached[0] < DISCOVERY_SECONDS:
            return cached[1]
    url = chosen.issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery failed: {type(exc).__name__}") from exc
    needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    if document.get("issuer") != chosen.issuer or not all(document.get(n) for n in needed):
        raise ProviderUnavailable("discovery document does not describe this issuer")
    with _discovery_lock:
        _discovered[chosen.issuer] = (now, document)
    return document


def forget_discovery() -> None:
    with _discovery_lock:
        _discovered.clear()


# What mozilla-django-oidc reads through get_settings, the same for every provider. PKCE and
# the nonce are on; the library must never create an account.
_LIBRARY_SETTINGS: dict[str, Any] = {
    "OIDC_USE_PKCE": True,
    "OIDC_USE_NONCE": True,
    "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
    "OIDC_CREATE_USER": False,
    "OIDC_RP_SCOPES": SCOPES,
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_ROUTE,
    "OIDC_TIMEOUT": HTTP_TIMEOUT_SECONDS,
    "OIDC_VERIFY_SSL": True,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_VERIFY_KID": True,
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_TOKEN_USE_BASIC_AUTH": False,
}


def library_setting(attr: str, *default: Any) -> Any:
    if attr in _LIBRARY_SETTINGS:
        return _LIBRARY_SETTINGS[attr]
    if default:
        return default[0]
    raise SuspiciousOperation(f"single sign-on setting {attr} is not known")


class SignInRefused(Exception):
    """The provider answered, but the answer does not sign anyone in. ``reason`` is for the
    audit trail (never the address); ``person`` is set when an account was identified."""

    def __init__(self, reason: str, person: Person | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.person = person


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend for one provider at a time.

    Django builds a backend with no arguments to load the person of each request
    (``get_user``); ``authenticate`` does nothing then. The callback view makes one with the
    provider of the sign-in in hand and calls ``sign_in``.
    """

    def __init__(self, chosen: Provider | None = None) -> None:
        self.UserModel = Person
        self.chosen = chosen
        self.claims: dict[str, Any] = {}
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        if chosen is None:
            return
        document = endpoints(chosen)
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint", "")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = chosen.client_id
        self.OIDC_RP_CLIENT_SECRET = chosen.client_secret

    def get_settings(self, attr: str, *default: Any) -> Any:  # type: ignore[override]
        return library_setting(attr, *default)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Person | None:  # type: ignore[override]
        if self.chosen is None or request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)  # type: ignore[no-any-return]

    def sign_in(self, request: HttpRequest, *, nonce: str, code_verifier: str) -> Person:
        """The person the provider's answer signs in, or ``SignInRefused`` saying why."""
        try:
            person = self.authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except SignInRefused:
            raise
        except (SuspiciousOperation, jwt.PyJWTError) as exc:
            raise SignInRefused(f"token refused: {type(exc).__name__}: {exc}"[:200]) from exc
        except requests.RequestException as exc:
            raise SignInRefused(f"provider unreachable: {type(exc).__name__}") from exc
        if person is None:
            raise SignInRefused("no answer from the provider")
        return person

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature (keys from the provider's JWKS) and the nonce; the
        claims every client must check follow here."""
        assert self.chosen is not None
        if not isinstance(token, str) or not token:
            raise SuspiciousOperation("no ID token")
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        checked = sso_rules.check_id_token_claims(
            payload, issuer=self.chosen.issuer, client_id=self.chosen.client_id, now=time.time()
        )
        if not checked.ok:
            raise SuspiciousOperation("ID token: " + ", ".join(checked.problems))
        self.claims = payload
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The ID token's own claims: signed by the provider, and all we need (Entra ID's
        userinfo endpoint belongs to Microsoft Graph, not to the directory's claims)."""
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        assert self.chosen is not None
        return bool(sso_rules.email_from_claims(claims, claim=self.chosen.email_claim))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Person]:
        """The one account with this address (any case) in an organisation using this provider.

        An account elsewhere with the same address is not this person as far as this provider
        can say: the provider vouches only for its own organisation's people.
        """
        assert self.chosen is not None
        email = sso_rules.email_from_claims(claims, claim=self.chosen.email_claim)
        found = Person.objects.filter(email__iexact=email).select_related("organisation")
        person = found.first()
        if person is None:
            raise SignInRefused("no such account")
        if person.organisation.sign_in_provider != self.chosen.key:
            raise SignInRefused("organisation does not sign in through this provider", person)
        if not person.is_active:
            raise SignInRefused("account deactivated", person)
        return found

    def create_user(self, claims: dict[str, Any]) -> Person:
        raise SignInRefused("no such account")

    def get_user(self, user_id: Any) -> Person | None:
        person = Person.objects.filter(pk=user_id, is_active=True).first()
        return person


class PasswordBackend(ModelBackend):
    """Django's password check, refused to a person whose organisation signs in elsewhere."""

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return not organisation_uses_sso(user.organisation_id)
