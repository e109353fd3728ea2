"""At 375 px (a small phone) the header folds into a Menu button and no kernel page is wider
than the screen: wide tables scroll inside their own box instead."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from safeguard.core.models import Person
from tests.browser.harness import assert_accessible

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}

KERNEL_PAGES = [
    "/",
    "/deadlines",
    "/deadlines?show_met=on",
    "/partnership/organisations",
    "/partnership/people",
    "/partnership/groups",
    "/notifications",
    "/holidays",
    "/api-keys",
    "/api-keys/new",
    "/account",
]

# Where to keep screenshots of the home page, for a person to look at (not checked by the test).
SCREENSHOTS = os.environ.get("SAFEGUARD_SCREENSHOTS", "")


def _page_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def _shoot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=True)


def test_the_header_folds_into_a_menu_button_on_a_phone(
    signed_in_page: Any, demo_partnership: Any
) -> None:
    admin = Person.objects.get(email="admin@demo.invalid")
    page = signed_in_page(admin)
    page.set_viewport_size(PHONE)
    page.goto("/")
    menu_button = page.get_by_role("button", name="Menu")
    assert menu_button.is_visible()
    assert menu_button.get_attribute("aria-expanded") == "false"
    your_account = page.get_by_role("link", name="Your account")
    assert not your_account.is_visible()
    menu_button.click()
    assert menu_button.get_attribute("aria-expanded") == "true"
    assert your_account.is_visible()
    _shoot(page, "home-375-menu-open.png")


def test_no_kernel_page_is_wider_than_a_phone(signed_in_page: Any, demo_partnership: Any) -> None:
    admin = Person.objects.get(email="admin@demo.invalid")
    page = signed_in_page(admin)
    page.set_viewport_size(PHONE)
    too_wide = {}
    for address in KERNEL_PAGES:
        page.goto(address)
        _shoot(page, "375" + address.replace("/", "-").replace("?", "-") + ".png")
        if _page_width(page) > PHONE["width"]:
            too_wide[address] = _page_width(page)
    assert too_wide == {}


def test_the_audit_trail_fits_a_phone(signed_in_page: Any, demo_partnership: Any) -> None:
    dpo = Person.objects.get(email="dpo@demo.invalid")
    page = signed_in_page(dpo)
    page.set_viewport_size(PHONE)
    for address in ("/audit", "/notifications"):
        page.goto(address)
        assert _page_width(page) <= PHONE["width"], address


def test_a_wide_table_scrolls_in_a_box_a_keyboard_can_reach(
    signed_in_page: Any, demo_partnership: Any
) -> None:
    admin = Person.objects.get(email="admin@demo.invalid")
    page = signed_in_page(admin)
    page.set_viewport_size(PHONE)
    page.goto("/partnership/people")
    box = page.get_by_role("region", name="People")
    assert box.get_attribute("tabindex") == "0"
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the table is wider: it scrolls
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.sg-table-scroll').scrollLeft > 0")


def test_the_home_page_is_accessible_on_a_desktop_and_a_phone(
    signed_in_page: Any, demo_partnership: Any
) -> None:
    admin = Person.objects.get(email="admin@demo.invalid")
    page = signed_in_page(admin)
    for name, size in (("desktop", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(size)
        page.goto("/")
        assert page.locator("h1").inner_text() == "Your work"
        _shoot(page, f"home-{name}.png")
        assert_accessible(page)
