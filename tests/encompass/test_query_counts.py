"""Operation Encompass's lists read in a fixed number of queries, however many incidents and
notifications (issue 18): the school's notifications, the police's incidents and the
coordinator's oversight, each rendered with N and 3N incidents."""

from __future__ import annotations

import itertools
import re

import pytest
from django.test import Client

from safeguard.encompass.services.incidents import incident_receive
from safeguard.encompass.services.matching import incident_match
from tests import factories, query_counts
from tests.encompass.helpers import child, incident, world

pytestmark = pytest.mark.django_db

_references = itertools.count(1)


def _links(pattern: bytes) -> object:
    return lambda html: len(set(re.findall(pattern, html)))


@pytest.mark.parametrize(
    ("who", "url", "rows"),
    [
        ("dsl", "/encompass/notifications/", rb"/encompass/notifications/\d+/"),
        ("officer", "/encompass/incidents/", rb"/encompass/incidents/\d+/"),
        ("coordinator", "/encompass/oversight/?days=365", None),
    ],
)
def test_encompass_lists_read_in_fixed_queries(who: str, url: str, rows: bytes | None) -> None:
    w = world()

    def grow(n: int) -> None:
        for _ in range(n):
            found, _ = incident_receive(
                actor=w.officer,
                force=w.force,
                data=incident(f"WM/2026/{next(_references):04d}", child()),
            )
            incident_match(incident_id=found.pk)

    client = factories.signed_in(Client(), getattr(w, who))
    query_counts.assert_flat(
        client,
        url,
        grow,
        n=3,
        rows_shown=_links(rows) if rows else None,  # type: ignore[arg-type]
    )
