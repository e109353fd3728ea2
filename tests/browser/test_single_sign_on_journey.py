"""Single sign-on in a real browser: our sign-in page, the provider's page, and back, signed in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password

from safeguard.core import sso
from tests import factories
from tests.browser.harness import assert_accessible
from tests.oidc_provider import Provider, oidc_provider  # noqa: F401  (the fixture)


def test_a_council_officer_signs_in_through_the_council(
    page: Any,
    live_server: Any,
    transactional_db: None,
    settings: Any,
    oidc_provider: Provider,  # noqa: F811
) -> None:
    oidc_provider.register(
        "safeguard", "browser-secret", [f"{live_server.url}/sign-in/organisation-callback"]
    )
    settings.SSO_PROVIDERS = {
        "council": {
            "key": "council",
            "name": "Westmere Council",
            "issuer": oidc_provider.issuer,
            "client_id": "safeguard",
            "client_secret": "browser-secret",
            "email_claim": "email",
        }
    }
    sso.forget_discovery()
    council = factories.organisation(name="Westmere Council", sign_in_provider="council")
    officer = factories.person(
        "practitioner", organisation_obj=council, email="sam.cole@westmere.example"
    )
    officer.password = make_password(None)
    officer.save(update_fields=["password"])
    oidc_provider.identity = {
        "sub": "sam",
        "email": "Sam.Cole@westmere.example",
        "amr": ["pwd", "mfa"],
    }

    page.goto("/account")
    assert "/sign-in" in page.url
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in with Westmere Council").click()
    assert page.url.startswith(oidc_provider.issuer + "/authorize")
    with page.expect_navigation(url=f"{live_server.url}/account"):
        page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    assert officer.full_name in page.content()
    sso.forget_discovery()
