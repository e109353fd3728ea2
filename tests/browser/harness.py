"""A real Chromium, driven by Playwright, against pytest-django's live server.

The fixtures are installed once for the whole suite by tests/conftest.py, so every module's
browser tests share one browser (Playwright allows one sync session per process).

The browser is Debian's ``chromium`` package, never a downloaded one. Without it the browser
tests skip with the command to install it, except where ``SAFEGUARD_REQUIRE_BROWSER=1`` (CI):
there a missing browser fails the run, so the accessibility checks cannot vanish silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import demo
from safeguard.core.models import Person
from tests import demo_snapshot

CHROMIUM = Path(os.environ.get("SAFEGUARD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_RULESETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _missing(reason: str) -> None:
    if os.environ.get("SAFEGUARD_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (SAFEGUARD_REQUIRE_BROWSER=1 forbids skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _missing("Chromium is not installed: apt-get install chromium")
    if not AXE.exists():
        _missing("axe-core is not installed: npm ci")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which trips Django's guard
    # against ORM calls inside a loop; the tests' own ORM calls are synchronous and safe, so the
    # guard is relaxed while the browser is open, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    # bypass_csp lets the test inject axe-core; the pages' own scripts still run under the CSP
    # headers in every other test of the suite.
    context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_partnership(transactional_db: None) -> demo.DemoSummary:
    return demo_snapshot.demo_partnership()


def current_code(person: Person) -> str:
    """What the person's authenticator app would show now."""
    device = TOTPDevice.objects.get(user=person, confirmed=True)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    return f"{token:0{device.digits}d}"


def sign_in_pages_exist() -> bool:
    try:
        reverse("core:sign_in")
        reverse("core:second_factor")
    except NoReverseMatch:
        return False
    return True


def sign_in(
    page: Any, person: Person, *, password: str = demo.PASSWORD, code: str | None = None
) -> Any:
    """Sign in through the real pages, as a person does: e-mail, password, then the code.

    ``password`` defaults to the demo password; pass ``tests.factories.PASSWORD`` for people
    made by the factories (give them a device with ``factories.totp_device`` first).
    """
    if not sign_in_pages_exist():
        pytest.skip("The sign-in pages (core:sign_in, core:second_factor) do not exist yet")
    page.goto(reverse("core:sign_in"))
    page.fill("input[name=email]", person.email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert page.url.endswith(reverse("core:second_factor")), page.url
    page.fill("input[name=code]", code or current_code(person))
    with page.expect_navigation():
        page.press("input[name=code]", "Enter")
    assert reverse("core:sign_in") not in page.url, f"still signing in at {page.url}"
    return page


def open_from_menu(page: Any, label: str) -> Any:
    """Open a page from the service navigation as a person does: a click on its own entry, or,
    where their entries are grouped, on the group and then on the page in the group's list."""
    menu = page.get_by_role("navigation", name="Menu")
    link = menu.get_by_role("link", name=label, exact=True)
    if link.count():
        with page.expect_navigation():
            link.click()
        return page
    groups = [a.inner_text().strip() for a in menu.locator('a[href^="/menu/"]').all()]
    for group in groups:
        with page.expect_navigation():
            page.get_by_role("navigation", name="Menu").get_by_role(
                "link", name=group, exact=True
            ).click()
        found = page.locator("main").get_by_role("link", name=label, exact=True)
        if found.count():
            with page.expect_navigation():
                found.click()
            return page
    raise AssertionError(f"{label!r} is not in the menu nor in any of its groups {groups}")


@pytest.fixture
def signed_in_page(page: Any, transactional_db: None) -> Callable[..., Any]:
    """``signed_in_page(person)``: the page, signed in with both factors as that person."""

    def for_person(person: Person, *, password: str = demo.PASSWORD) -> Any:
        return sign_in(page, person, password=password)

    return for_person


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (rulesets) => await axe.run(document, {runOnly: rulesets})", AXE_RULESETS
    )
    return list(result["violations"])


def assert_accessible(page: Any) -> None:
    """Fail, naming each WCAG 2.2 AA violation axe-core finds and where, on the current page."""
    violations = axe_violations(page)
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            lines += [f"    at {', '.join(node['target'])}" for node in v["nodes"]]
        pytest.fail("\n".join(lines))
