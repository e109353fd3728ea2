"""A small, real OpenID Connect provider on loopback for the single sign-on tests.

It speaks the authorisation-code flow the way Microsoft Entra ID and other providers do:
discovery (``/.well-known/openid-configuration``), a JWKS with an RSA key, ``/authorize``
(checks the client, the redirect address and the PKCE challenge, then "signs in" whoever the
test chose, after a page with a Continue button), and ``/token`` (checks the client secret, the
code, the redirect address and the PKCE verifier, and answers with an RS256-signed ID token).
Nothing of Safeguard's code is replaced: the service talks to this over HTTP as it would to
the real thing. Tests choose who signs in (``provider.identity``) and can make the provider
misbehave (``id_token_changes``, ``sign_with_wrong_key``) to see the service refuse.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class Provider:
    def __init__(self) -> None:
        self.key = _new_key()
        self.other_key = _new_key()
        self.kid = secrets.token_hex(8)
        self.clients: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        # Who the next sign-in at the provider is, and what it asserts.
        self.identity: dict[str, Any] = {"sub": "user-1", "email": "someone@example.org"}
        self.id_token_changes: dict[str, Any] = {}
        self.sign_with_wrong_key = False
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}/tenant"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def register(self, client_id: str, secret: str, redirect_uris: list[str]) -> None:
        self.clients[client_id] = {"secret": secret, "redirect_uris": redirect_uris}

    def start(self) -> Provider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # The protocol ----------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/keys",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

    def authorize_error(self, query: dict[str, str]) -> str | None:
        client = self.clients.get(query.get("client_id", ""))
        if client is None:
            return "unknown client"
        if query.get("redirect_uri") not in client["redirect_uris"]:
            return "redirect_uri not registered"
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            return "not an OpenID Connect code request"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return "PKCE required"
        if not query.get("state") or not query.get("nonce"):
            return "state and nonce required"
        return None

    def issue_code(self, query: dict[str, str]) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "client_id": query["client_id"],
            "redirect_uri": query["redirect_uri"],
            "nonce": query["nonce"],
            "challenge": query["code_challenge"],
            "identity": dict(self.identity),
            "auth_time": int(time.time()),
            "used": False,
        }
        separator = "&" if "?" in query["redirect_uri"] else "?"
        return (
            query["redirect_uri"] + separator + urlencode({"code": code, "state": query["state"]})
        )

    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[int, dict]:
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client["secret"], secret):
            return 401, {"error": "invalid_client"}
        grant = self.codes.get(form.get("code", ""))
        if form.get("grant_type") != "authorization_code" or grant is None or grant["used"]:
            return 400, {"error": "invalid_grant"}
        grant["used"] = True
        if grant["client_id"] != client_id or grant["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if _s256(form.get("code_verifier", "")) != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": client_id,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "nonce": grant["nonce"],
            "auth_time": grant["auth_time"],
            **grant["identity"],
            **self.id_token_changes,
        }
        claims = {k: v for k, v in claims.items() if v is not None}
        key = self.other_key if self.sign_with_wrong_key else self.key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        return 200, {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": id_token,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def _html(self, status: int, text: str) -> None:
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _redirect(self, location: str) -> None:
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/tenant/.well-known/openid-configuration":
                    self._json(200, provider.discovery())
                elif parts.path == "/tenant/keys":
                    self._json(200, provider.jwks())
                elif parts.path == "/tenant/authorize":
                    provider.authorize_requests.append(query)
                    problem = provider.authorize_error(query)
                    if problem:
                        self._html(400, f"<p>{html.escape(problem)}</p>")
                        return
                    # The provider's own sign-in page, reduced to one button.
                    hidden = "".join(
                        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                        for k, v in query.items()
                    )
                    self._html(
                        200,
                        "<!doctype html><title>Test provider</title><h1>Test provider</h1>"
                        f'<form method="post" action="/tenant/authorize">{hidden}'
                        '<button type="submit">Continue</button></form>',
                    )
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path == "/tenant/authorize":
                    problem = provider.authorize_error(form)
                    if problem:
                        self._html(400, f"<p>{html.escape(problem)}</p>")
                        return
                    self._redirect(provider.issue_code(form))
                elif self.path == "/tenant/token":
                    provider.token_requests.append(form)
                    basic = None
                    header = self.headers.get("Authorization", "")
                    if header.startswith("Basic "):
                        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                        basic = (user, password)
                    status, body = provider.token(form, basic)
                    self._json(status, body)
                else:
                    self._json(404, {"error": "not_found"})

        return Handler

    def sign_in_at_provider(self, authorize_url: str) -> str:
        """What a browser does at the provider, over HTTP: open its page, press Continue.
        Returns where the provider sends the browser back to."""
        page = requests.get(authorize_url, timeout=10, allow_redirects=False)
        assert page.status_code == 200, page.text
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        answer = requests.post(
            f"{self.issuer}/authorize", data=query, timeout=10, allow_redirects=False
        )
        assert answer.status_code == 302, answer.text
        return str(answer.headers["Location"])


@pytest.fixture
def oidc_provider() -> Iterator[Provider]:
    provider = Provider().start()
    try:
        yield provider
    finally:
        provider.stop()
