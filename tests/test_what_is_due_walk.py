"""The permission walk's links: on a realistic partnership, every link a person is shown opens.

The demo partnership (``core.demo.create_demo_partnership``) holds every module's records. For
each role, its demo person signs in and every link on "what is due" (every page, met deadlines
shown) and on the home page is opened as that person: each must answer 200. A deadline a
person is shown but cannot open, or a home-page count that leads to a refusal, fails here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from safeguard.core.http import STEP_UP_SESSION_KEY
from safeguard.core.roles import Role
from tests import demo_snapshot, factories

_HREF = re.compile(r'href="([^"]+)"')
# Links that are not pages of records: files, the sign-out form, the demo's own sign-in help.
_SKIP_PREFIXES = ("/static/", "/sign-out", "/sign-in")


@pytest.fixture(scope="module")
def demo_people(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo partnership, made once for the module and rolled back at its end."""
    from django.db import transaction

    from safeguard.core import demo
    from safeguard.core.models import Person

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo_snapshot.demo_partnership()
            found = {}
            for sign_in in demo.sign_ins():
                found.setdefault(sign_in.role, Person.objects.get(email=sign_in.email))
            yield found
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _links(html: str) -> list[str]:
    found = []
    for href in _HREF.findall(html):
        href = href.replace("&amp;", "&")
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        if href.startswith(_SKIP_PREFIXES):
            continue
        found.append(href.split("#", 1)[0])
    return found


def _client(person: Any) -> Client:
    client = factories.signed_in(Client(), person)
    session = client.session
    session[STEP_UP_SESSION_KEY] = time.time()
    session.save()
    return client


def _deadline_links(client: Client) -> tuple[list[str], int]:
    """Every link of every page of "what is due" with met deadlines shown, and the row count."""
    start = f"{reverse('core:deadlines')}?show_met=on"
    pages, seen, links = [start], set(), []
    while pages:
        url = pages.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, f"GET {url}: {response.status_code}"
        for link in _links(response.content.decode()):
            if link.startswith(reverse("core:deadlines")):
                if "page=" in link:
                    pages.append(link)
                continue
            links.append(link)
    return links, len(seen)


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_link_shown_opens_for_the_person_shown_it(
    role: str, demo_people: dict[str, Any], db: None
) -> None:
    person = demo_people[role]
    client = _client(person)
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    deadline_links, _ = _deadline_links(client)
    links = sorted(set(_links(home.content.decode())) | set(deadline_links))
    assert links, "the walk found no link to open"
    failures = []
    for link in links:
        status = client.get(link).status_code
        if status != 200:
            source = "what is due" if link in deadline_links else "home"
            failures.append(f"{status} {link} (from {source})")
    assert not failures, f"{role} is shown {len(failures)} of {len(links)} links that do not " + (
        "open:\n" + "\n".join(failures)
    )
