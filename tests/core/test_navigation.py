"""The header: the service navigation a person may open, its current section, and their account."""

from __future__ import annotations

import re

import pytest

from safeguard.core import navigation
from tests import factories

pytestmark = pytest.mark.django_db


def _menu(page: str) -> list[tuple[str, str, str]]:
    """(label, address, aria-current) of each link of the service navigation."""
    nav = page[page.index('<nav aria-label="Menu"') : page.index("</nav>")]
    found = []
    link = r'<a class="govuk-service-navigation__link" ([^>]*)>(.*?)</a>'
    for attrs, text in re.findall(link, nav):
        href = re.search(r'href="([^"]*)"', attrs).group(1)
        current = re.search(r'aria-current="([^"]*)"', attrs)
        found.append((re.sub(r"<[^>]+>", "", text), href, current.group(1) if current else ""))
    return found


def test_the_header_uses_the_service_navigation_with_a_menu_button(client_for):
    page = client_for(factories.person("practitioner")).get("/").content.decode()
    assert 'data-module="govuk-service-navigation"' in page
    assert 'class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle"' in page
    assert 'aria-controls="navigation"' in page and 'id="navigation"' in page
    assert "<script>" not in page and "<script nonce" not in page  # no inline script
    assert 'src="/static/core/js-enabled.js"' in page


def test_the_menu_shows_only_what_the_person_may_open_and_their_account(client_for):
    client = client_for(factories.person("practitioner"))
    menu = _menu(client.get("/").content.decode())
    labels = [label for label, _, _ in menu]
    assert labels[:2] == ["Home", "What is due"] and labels[-1] == "Your account"
    assert not {"Partnership", "Notifications", "Audit trail", "API keys"} & set(labels)
    for _label, href, _ in menu:
        assert client.get(href).status_code == 200, href


def test_the_current_page_and_section_are_marked(client_for):
    admin = factories.person("business_unit_admin")
    client = client_for(admin)
    home = dict((label, current) for label, _, current in _menu(client.get("/").content.decode()))
    assert home["Home"] == "page"
    assert [label for label, current in home.items() if current] == ["Home"]
    page = client.get(f"/partnership/people/{admin.pk}").content.decode()
    marked = [(label, current) for label, _, current in _menu(page) if current]
    assert marked == [("Partnership", "true")]
    assert "govuk-service-navigation__item--active" in page
    page = client.get("/account").content.decode()
    assert [(label, c) for label, _, c in _menu(page) if c] == [("Your account", "page")]
    page = client.get("/deadlines?state=overdue").content.decode()
    assert [(label, c) for label, _, c in _menu(page) if c] == [("What is due", "page")]


def test_a_signed_out_visitor_sees_no_menu(client):
    page = client.get("/sign-in").content.decode()
    assert '<nav aria-label="Menu"' not in page
    assert "Your account" not in page


def test_an_entry_whose_pages_are_not_mounted_is_not_shown(monkeypatch):
    monkeypatch.setattr(navigation, "_items", list(navigation._items))
    navigation.register(navigation.NavItem("Nowhere", "nowhere:list", "service.use"))
    someone = factories.person("practitioner")
    labels = [link.label for link in navigation.links_for(someone, "/")]
    assert "Nowhere" not in labels and "Home" in labels
