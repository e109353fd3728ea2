"""Every source's ``visible`` list answers as its ``may_view`` does, for every demo person.

Apart from the query-count tests: its demo is made once for the module inside one open
transaction, which every later test of the same module would otherwise run inside (a closed
DRAMM board, the demo's groups already there)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from safeguard.core.clock import LONDON
from safeguard.governance.models import Action
from tests import demo_snapshot

# The moment the other demo tests tell the story up to: one build per test process serves all.
NOW = datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)


@pytest.fixture(scope="module")
def demo_people(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[Any]]:
    """The demo partnership (every module's sources and actions), made once for the module."""
    from django.db import transaction

    from safeguard.core.models import Person

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo_snapshot.demo_partnership(seed=2026, now=NOW)
            yield list(Person.objects.filter(is_active=True).order_by("pk"))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_every_sources_visible_list_answers_as_its_may_view_does(
    demo_people: list[Any], db: None
) -> None:
    """A page may read ``visible(actor)`` once instead of asking ``may_view`` per record only if
    the two agree: for every source that gives both, every demo person, and every record with
    actions (or listed), they do."""
    from safeguard.governance import sources

    checked = 0
    for source in sources.kinds():
        if source.visible is None or source.may_view is None:
            continue
        with_actions = set(
            Action.objects.filter(source_kind=source.kind).values_list("source_id", flat=True)
        )
        for person in demo_people:
            listed = {str(source_id) for source_id in source.visible(person)}
            for source_id in with_actions | listed:
                assert (source_id in listed) == source.may_view(person, source_id), (
                    f"{source.kind} {source_id} for a {sorted(person.role_codes)}: "
                    f"visible says {source_id in listed}"
                )
                checked += 1
    assert checked > 100
