"""WCAG 2.2 AA, checked by axe-core in a real browser, on every page a person can reach."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from safeguard.core.models import Person
from tests import factories
from tests.browser.harness import assert_accessible, axe_violations

NAVIGATION = ["Home", "What is due", "Partnership", "Notifications", "Audit trail"]


def test_the_sign_in_page_is_accessible(page: Any, demo_partnership: Any) -> None:
    page.goto(reverse("core:sign_in"))
    assert page.locator("h1").inner_text() == "Sign in"
    assert_accessible(page)


def test_the_code_page_is_accessible(page: Any, demo_partnership: Any) -> None:
    admin = Person.objects.get(email="admin@demo.invalid")
    page.goto(reverse("core:sign_in"))
    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", demo_partnership.password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert page.url.endswith(reverse("core:second_factor"))
    assert_accessible(page)


def test_every_page_in_the_service_navigation_is_accessible(
    signed_in_page: Any, demo_partnership: Any
) -> None:
    """Follow each navigation link as a person would: a click, not a typed address. The
    administrator's entries are grouped: each group's page, and each page it lists, too."""
    admin = Person.objects.get(email="admin@demo.invalid")
    page = signed_in_page(admin)
    menu = page.get_by_role("navigation", name="Menu")
    labels = [text.strip() for text in menu.get_by_role("link").all_inner_texts()]
    reached: list[str] = []
    for label in labels:
        with page.expect_navigation():
            menu.get_by_role("link", name=label, exact=True).click()
        assert page.locator("h1").count() == 1, f"{label}: one h1 per page"
        link = menu.get_by_role("link", name=label, exact=True)
        assert link.get_attribute("aria-current") == "page", label
        assert_accessible(page)
        if "/menu/" not in page.url:
            reached.append(label)
            continue
        group_page = page.url
        inner = [t.strip() for t in page.locator("main").get_by_role("link").all_inner_texts()]
        assert inner, f"{label}: a group page lists its pages"
        for entry in inner:
            page.goto(group_page)
            with page.expect_navigation():
                page.locator("main").get_by_role("link", name=entry, exact=True).click()
            assert page.locator("h1").count() == 1, f"{entry}: one h1 per page"
            assert link.get_attribute("aria-current") in ("page", "true"), entry
            assert_accessible(page)
            reached.append(entry)
    # The administrator reaches the whole kernel navigation except what only the DPO sees.
    expected = {label for label in NAVIGATION if label != "Audit trail"}
    assert {label for label in reached if label in NAVIGATION} == expected


def test_the_audit_trail_is_accessible_to_the_data_protection_officer(
    signed_in_page: Any, demo_partnership: Any
) -> None:
    dpo = Person.objects.get(email="dpo@demo.invalid")
    page = signed_in_page(dpo)
    menu = page.get_by_role("navigation", name="Menu")
    with page.expect_navigation():
        menu.get_by_role("link", name="Audit trail", exact=True).click()
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_a_person_outside_the_demo_signs_in_with_their_own_password(
    signed_in_page: Any,
) -> None:
    someone = factories.person("practitioner")
    factories.totp_device(someone)
    page = signed_in_page(someone, password=factories.PASSWORD)
    menu = page.get_by_role("navigation", name="Menu")
    assert menu.get_by_role("link", name="Partnership", exact=True).count() == 0
    assert_accessible(page)


def test_the_skip_link_is_the_first_thing_a_keyboard_reaches(
    page: Any, demo_partnership: Any
) -> None:
    page.goto(reverse("core:sign_in"))
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.className, document.activeElement.getAttribute('href')]"
    )
    assert "govuk-skip-link" in focused[0]
    assert focused[1] == "#main-content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")


def test_the_checker_itself_catches_an_inaccessible_page(page: Any, live_server: Any) -> None:
    """A harness that never fails proves nothing: a page without lang or alt text must fail."""
    page.set_content("<html><body><img src='/x.png'><input type='text'></body></html>")
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"html-has-lang", "image-alt", "label"} <= found
