"""The demo scorecard: plausible, deterministic, and showing what the early warning does."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from safeguard.performance import demo, selectors, spc
from safeguard.performance.models import Comparator, Indicator, IndicatorException, Observation
from tests import demo_snapshot, factories

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


@pytest.fixture
def partnership():
    return {
        kind: factories.organisation(kind=kind, statutory_partner=kind == "local_authority")
        for kind in ("local_authority", "police", "secure_setting", "partnership")
    }


def test_the_demo_indicators_are_created_once_with_their_history(partnership) -> None:
    # the census-fed indicators are annual series of their own (issue 11 item 2)
    everything = len(demo.PLANS) + len(demo.CENSUS_PLANS)
    assert demo.add_demo_indicators(seed=2026, today=TODAY) == everything
    assert demo.add_demo_indicators(seed=2026, today=TODAY) == 0
    assert Indicator.objects.count() == everything
    assert {i.frequency for i in Indicator.objects.exclude(census_key="")} == {"annual"}
    icpc = Indicator.objects.get(code="icpc-timely")
    assert icpc.owner_organisation == partnership["local_authority"]
    assert icpc.observations.count() == 36
    assert icpc.observations.last().period_start == date(2026, 10, 1)
    restraints = Indicator.objects.get(code="restraints-main")
    assert restraints.owner_organisation == partnership["secure_setting"]
    assert restraints.observations.count() == 35  # the latest return is due
    assert not Observation.objects.filter(indicator__unit="percentage", value__gt=100).exists()
    assert not Observation.objects.filter(value__lt=0).exists()
    kinds = set(Comparator.objects.filter(indicator=icpc).values_list("kind", flat=True))
    assert kinds == {"england", "statistical_neighbours", "region"}
    assert all(c.source for c in Comparator.objects.all())


def test_the_demo_shows_concerns_with_open_exceptions_and_improvement(partnership) -> None:
    demo.add_demo_indicators(seed=2026, today=TODAY)
    admin = factories.person("business_unit_admin")
    readings = {row.indicator.code: row.reading for row in selectors.scorecard(actor=admin)}
    assert readings["cla-dental"].latest_variation == spc.Variation.CONCERN
    assert readings["cp-second-plans"].latest_variation == spc.Variation.CONCERN
    assert readings["re-referrals"].latest_variation == spc.Variation.IMPROVEMENT
    icpc = readings["icpc-timely"].result
    assert icpc is not None
    assert any(p.variation == spc.Variation.CONCERN for p in icpc.points)  # the 11.4% dip
    open_codes = set(
        IndicatorException.objects.filter(closed_at__isnull=True).values_list(
            "indicator__code", flat=True
        )
    )
    assert {"cla-dental", "cp-second-plans"} <= open_codes


def test_the_same_seed_gives_the_same_values() -> None:
    plan = next(p for p in demo.PLANS if p.code == "icpc-timely")
    assert demo._values(plan, 7, 36) == demo._values(plan, 7, 36)
    assert demo._values(plan, 7, 36) != demo._values(plan, 8, 36)


def test_the_demo_scorecard_page_opens(client_for, partnership) -> None:
    demo.add_demo_indicators(seed=2026, today=TODAY)
    member = factories.person("subgroup_member")
    response = client_for(member).get(reverse("performance:scorecard"))
    assert response.status_code == 200
    assert "signal" in response.content.decode()


def test_every_census_measure_has_an_annual_series_on_the_demo_scorecard(
    partnership, client_for
) -> None:
    """Issue 11 item 5: the annual report's census figures are on the demo scorecard, each an
    annual series with its values and comparators (the census import then feeds them)."""
    from safeguard.performance.census import keys

    demo.add_demo_indicators(seed=2026, today=TODAY)
    fed = {i.census_key: i for i in Indicator.objects.exclude(census_key="")}
    assert set(fed) == set(keys.KEYS)
    for key, indicator in fed.items():
        assert indicator.frequency == "annual", key
        assert indicator.unit == keys.KEYS[key][2], key
        assert indicator.observations.count() >= 10, key
        assert indicator.observations.last().period_start == date(2025, 4, 1), key  # to Mar 2026
    two_years = fed["cp_on_plan_2_years_at_end"]
    assert float(two_years.observations.last().value) == pytest.approx(1.3)
    content = (
        client_for(factories.person("subgroup_member"))
        .get(reverse("performance:scorecard"))
        .content.decode()
    )
    for indicator in fed.values():
        assert f'data-indicator="{indicator.code}"' in content


def test_the_demo_counts_its_linked_indicators_from_the_modules_demo_records() -> None:
    """ADR 0014: the demo's indicators linked to measures are counted as the demo is set up
    (the worker's replayed hourly count, after every module's records exist), so the scorecard
    shows them with their charts."""

    demo_snapshot.demo_partnership()
    counted = {i.code: i for i in Indicator.objects.exclude(measure_key="")}
    assert set(counted) == {code for code, *_ in demo.COUNTED}
    places = counted["counted-training-places"]
    assert places.observations.count() >= 12  # two years of sessions, month by month
    assert {o.source for o in places.observations.all()} == {"measure"}
    admin = factories.person("business_unit_admin")
    rows = {row.indicator.code: row for row in selectors.scorecard(actor=admin)}
    assert rows["counted-training-places"].reading.result is not None  # an XmR chart
    assert counted["counted-child-deaths"].observations.exists()
    assert counted["counted-marac-referrals"].observations.exists()


def test_the_demo_explains_in_time_what_fell_due_and_leaves_no_exception_overdue() -> None:
    """The demo keeps no PMSG dates of its own (ADR 0025): an exception whose explanation fell
    due before the demo's present was explained in time; the latest stay open, not overdue."""
    from datetime import datetime

    from safeguard.core.clock import LONDON
    from safeguard.core.models import Deadline

    now = datetime(2026, 11, 17, 10, 30, tzinfo=LONDON)
    demo_snapshot.demo_partnership(seed=2026, now=now)
    clocks = Deadline.objects.filter(module="performance", kind="exception")
    running = clocks.filter(met_at__isnull=True, cancelled_at__isnull=True)
    assert running.exists() and not running.filter(due_at__lt=now).exists()
    explained = IndicatorException.objects.filter(explained_at__isnull=False)
    assert explained.exists()
    assert all(e.opened_at < e.explained_at <= e.due_at for e in explained)
