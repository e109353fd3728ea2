"""Answers worked out once per page read (``core.context.remembered``), afresh anywhere else."""

from __future__ import annotations

import pytest
from django.db.models import Q

from safeguard.core import context
from safeguard.core.selectors import deadlines
from tests import factories


def test_outside_a_page_read_the_answer_is_worked_out_every_time() -> None:
    asked = []
    for _ in range(3):
        context.remembered(("k",), lambda: asked.append(1))
    assert len(asked) == 3


@pytest.mark.django_db
def test_a_page_asks_each_module_who_may_see_its_clocks_once(
    client_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []

    def access(actor: object) -> Q:
        asked.append(1)
        return Q(pk__in=[])

    monkeypatch.setitem(deadlines._ACCESS, "a_module_of_the_test", access)
    admin = factories.person("business_unit_admin")
    client = client_for(admin)
    for page in ("/", "/deadlines"):
        asked.clear()
        assert client.get(page).status_code == 200
        assert len(asked) == 1, page  # the home page asks three times, "what is due" twice
    # The selector asked directly (the worker, a service) works it out each time.
    asked.clear()
    deadlines.visible_deadlines(actor=admin)
    deadlines.visible_deadlines(actor=admin)
    assert len(asked) == 2
