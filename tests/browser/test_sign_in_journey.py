"""A first sign-in to the demo partnership, end to end, in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.urls import reverse

from safeguard.core.models import Person
from tests.browser.harness import assert_accessible, current_code, sign_in

SCREENSHOTS = Path("/tmp/safeguard-screenshots")


def _screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _styled_with_govuk_frontend(page: Any) -> bool:
    """GOV.UK Frontend's stylesheet loaded: the header is black and headings use its font."""
    header = page.evaluate(
        "() => getComputedStyle(document.querySelector('.govuk-header')).backgroundColor"
    )
    font = page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily")
    return header == "rgb(11, 12, 12)" and ("arial" in font.lower() or "GDS Transport" in font)


def test_a_new_person_signs_in_with_the_demo_code_and_finds_what_is_due(
    page: Any, demo_partnership: Any, settings: Any, live_server: Any
) -> None:
    settings.DEMO_MODE = True
    admin = next(s for s in demo_partnership.sign_ins if s.role == "business_unit_admin")

    page.goto("/")
    assert page.url.endswith(reverse("core:sign_in") + "?next=/")
    assert _styled_with_govuk_frontend(page)
    _screenshot(page, "1-sign-in")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(demo_partnership.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    # Demo mode shows the demo person the code their authenticator app would show.
    assert page.url.endswith(reverse("core:second_factor"))
    shown = page.locator("main .govuk-inset-text").inner_text()
    code = re.search(r"\b(\d{6})\b", shown)
    assert code, shown
    _screenshot(page, "2-code")
    page.locator("input[name=code]").fill(code.group(1))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").count() == 1
    assert admin.email not in page.url
    menu = page.get_by_role("navigation", name="Menu")
    _screenshot(page, "3-home")
    with page.expect_navigation():
        menu.get_by_role("link", name="What is due", exact=True).click()
    assert page.url.endswith(reverse("core:deadlines"))
    assert "What is due" in page.locator("h1").inner_text()
    _screenshot(page, "4-what-is-due")
    assert_accessible(page)


def test_the_demo_code_is_not_shown_outside_demo_mode(
    page: Any, demo_partnership: Any, settings: Any
) -> None:
    settings.DEMO_MODE = False
    page.goto(reverse("core:sign_in"))
    page.get_by_label("Email").fill("admin@demo.invalid")
    page.get_by_label("Password").fill(demo_partnership.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith(reverse("core:second_factor"))
    assert page.locator("main .govuk-inset-text").count() == 0
    admin = Person.objects.get(email="admin@demo.invalid")
    assert current_code(admin) not in page.locator("main").inner_text()


def test_the_data_protection_officer_reaches_the_audit_trail_and_sees_the_sign_in(
    page: Any, demo_partnership: Any, settings: Any
) -> None:

    settings.DEMO_MODE = True
    dpo = Person.objects.get(email="dpo@demo.invalid")
    sign_in(page, dpo)
    menu = page.get_by_role("navigation", name="Menu")
    with page.expect_navigation():
        menu.get_by_role("link", name="Audit trail", exact=True).click()
    assert page.url.endswith(reverse("core:audit"))
    assert page.locator("h1").count() == 1
    rows = page.locator("main table tbody tr").all_inner_texts()
    assert any("Signed in" in row for row in rows), rows
    assert any("Demo partnership" in row for row in rows), rows  # the label, not the code
    _screenshot(page, "5-audit-trail")
    assert_accessible(page)
