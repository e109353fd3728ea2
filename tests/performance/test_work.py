"""The scorecard on "What is due" and on the home page: every clock and count opens."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from safeguard.core import work
from safeguard.core.selectors import deadlines
from safeguard.performance import selectors
from safeguard.performance.services import exceptions, returns
from tests import factories
from tests.performance import helpers

pytestmark = pytest.mark.django_db

STEADY = [80, 82, 79, 81, 80, 82, 78, 81, 80, 79, 81, 80]
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def clocks():
    """Two organisations, each with an overdue-ish return clock and an exception clock."""
    mine = factories.organisation(name="Owner council")
    theirs = factories.organisation(name="Other police")
    for owner in (mine, theirs):
        indicator = helpers.indicator(owner, polarity="up")
        helpers.series(indicator, [*STEADY, 50])
        assert exceptions.exceptions_scan(indicator=indicator, now=NOW) is not None
    returns.returns_open_due(now=NOW)
    return mine, theirs


def _visible(person) -> list:
    return list(deadlines.visible_deadlines(actor=person).filter(module="performance"))


def test_a_person_sees_only_the_scorecard_clocks_they_can_open(clocks) -> None:
    mine, _ = clocks
    lead = factories.person("statutory_partner_lead", organisation_obj=mine)
    chair = factories.person("independent_chair")
    member = factories.person("subgroup_member", organisation_obj=mine)
    admin = factories.person("business_unit_admin")
    seen = {
        "lead": _visible(lead),
        "chair": _visible(chair),
        "member": _visible(member),
        "admin": _visible(admin),
    }
    assert seen["lead"] and {d.owner_organisation_id for d in seen["lead"]} == {mine.pk}
    assert seen["chair"] and {d.kind for d in seen["chair"]} == {"exception"}
    assert seen["member"] == []  # may view the scorecard, answers nothing
    assert len(seen["admin"]) == 4
    for label, person in (("lead", lead), ("chair", chair), ("admin", admin)):
        client = factories.signed_in(Client(), person)
        for deadline in seen[label]:
            response = client.get(deadline.link)
            assert response.status_code == 200, (label, deadline.kind, deadline.link)


def test_the_home_page_counts_the_concerns_to_explain_and_links_to_them(clocks) -> None:
    mine, _ = clocks
    lead = factories.person("statutory_partner_lead", organisation_obj=mine)
    (item,) = selectors.performance_work(lead)
    assert item.count == 1
    client = factories.signed_in(Client(), lead)
    listed = client.get(item.url).content.decode()
    assert listed.count('href="/performance/exceptions/') == item.count
    assert "Other police" not in listed
    assert "Show every exception" in listed
    home = client.get("/").content.decode()
    assert "for your organisation to explain" in home
    assert selectors.performance_work(factories.person("subgroup_member")) == []
    assert any(name == "performance" for name, _, _ in work._sources)


def test_wide_tables_scroll_and_no_page_shows_a_code_or_none(clocks) -> None:
    """Issue 8 item 3 on the scorecard's pages: tables in scrolling boxes, words not codes."""
    import re

    from safeguard.performance.models import Comparator, Indicator

    mine, _ = clocks
    indicator = Indicator.objects.filter(owner_organisation=mine).first()
    Comparator.objects.create(
        indicator=indicator, kind="statistical_neighbours", year=2024, value=52, source="DfE"
    )
    admin = factories.person("business_unit_admin")
    client = factories.signed_in(Client(), admin)
    for url in (
        "/performance/",
        f"/performance/indicators/{indicator.pk}",
        "/performance/exceptions",
        "/performance/indicators",
        "/performance/returns",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        tables = len(re.findall(r"<table", content))
        wrapped = len(re.findall(r'<div class="sg-table-scroll"[^>]*>\s*<table', content))
        assert tables == wrapped, url
        text = re.sub(r"<[^>]+>", " ", content)
        assert not re.search(r"\bNone\b", text), url
        assert "statistical_neighbours" not in text, url
