"""The header: the service navigation a person may open, its current section, and their account."""

from __future__ import annotations

import re

import pytest

from safeguard.core import navigation
from safeguard.core.roles import Role
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
    assert marked == [("Partnership and meetings", "true")]  # the group holding "Partnership"
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


# Grouping: a long list becomes a few groups, each with a page of its links --------------------


def _group_pages(client, menu):
    """(label, address) of each link on each group page the menu links to."""
    found = []
    for _label, href, _ in menu:
        if href.startswith("/menu/"):
            page = client.get(href).content.decode()
            main = page[page.index('<main class="govuk-main-wrapper"') : page.index("</main>")]
            found += re.findall(r'<a class="govuk-link[^"]*" href="([^"]*)">([^<]*)</a>', main)
    return [(label, href) for href, label in found]


def test_a_person_with_few_entries_sees_them_side_by_side():
    dpo = factories.person("data_protection_officer")
    links = navigation.links_for(dpo, "/")
    assert len(links) <= navigation.MAX_SIDE_BY_SIDE
    assert not [link for link in links if link.url.startswith("/menu/")]
    assert "Audit trail" in [link.label for link in links]


@pytest.mark.parametrize("role", Role.values)
def test_every_entry_is_reached_from_the_menu_or_its_group_page_and_opens(client_for, role):
    person = factories.person(role)
    client = client_for(person)
    menu = _menu(client.get("/").content.decode())
    reached = {(label, href) for label, href, _ in menu if not href.startswith("/menu/")}
    reached |= set(_group_pages(client, menu))
    permitted = {(item.label, url) for item, url in navigation._permitted(person)}
    assert reached == permitted  # nothing lost, nothing added
    for _label, href in reached:
        assert client.get(href).status_code == 200, href


def test_the_administrators_long_list_becomes_groups_and_a_group_page_is_marked(client_for):
    client = client_for(factories.person("business_unit_admin"))
    labels = [label for label, _, _ in _menu(client.get("/").content.decode())]
    assert labels[:2] == ["Home", "What is due"] and labels[-1] == "Your account"
    assert {"Cases and reviews", "Schools and Encompass", "Administration"} <= set(labels)
    assert len(labels) <= navigation.MAX_SIDE_BY_SIDE
    page = client.get("/menu/administration").content.decode()
    assert [(label, c) for label, _, c in _menu(page) if c] == [("Administration", "page")]
    assert '<h1 class="govuk-heading-xl">Administration</h1>' in page
    assert 'href="/api-keys"' in page and 'href="/holidays"' in page
    page = client.get("/holidays").content.decode()
    assert [(label, c) for label, _, c in _menu(page) if c] == [("Administration", "true")]


def test_a_group_page_shows_only_what_the_person_may_open(client_for):
    client = client_for(factories.person("practitioner"))
    page = client.get("/menu/administration").content.decode()
    assert "You have no pages in this section" in page
    assert 'href="/api-keys"' not in page and 'href="/audit"' not in page
    assert client.get("/menu/nowhere").status_code == 404
