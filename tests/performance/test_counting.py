"""Indicators counted from Safeguard's records (ADR 0014): the periods, the count, one source
per series, the audit, and the pages the Business Unit uses to create, link and count."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.core import measures, worker
from safeguard.core.clock import london_date
from safeguard.core.models import AuditEvent, Deadline, Job
from safeguard.performance import periods, selectors
from safeguard.performance.models import Indicator, Observation, ObservationSource
from safeguard.performance.services import catalogue, counting, returns
from tests import factories
from tests.performance import helpers

FIRST = date(2026, 1, 1)
# What the made-up measure counts, by period start: a test changes it as records would change.
VALUES: dict[date, Decimal | None] = {}


def _days(start: date, end: date) -> Decimal | None:
    if start in VALUES:
        return VALUES[start]
    return Decimal(start.month * 10)


@pytest.fixture(autouse=True)
def _made_up_measure() -> object:
    """A measure of a made-up module, registered for the test; the real ones put back after."""
    saved = dict(measures._measures)
    VALUES.clear()
    measures.register(
        measures.Measure(
            key="testmodule.referrals",
            name="Referrals to the test service",
            definition="Referrals counted from the test module's records",
            unit="count",
            polarity="down",
            theme="other",
            count=_days,
            frequencies=("monthly", "quarterly"),
            first_day=lambda: FIRST,
        )
    )
    yield
    measures._measures.clear()
    measures._measures.update(saved)


def _months_so_far() -> int:
    return len(periods.complete_from(FIRST, london_date(timezone.now()), "monthly"))


# --- periods -------------------------------------------------------------------------------


def test_the_periods_run_from_the_first_record_to_the_last_complete_one() -> None:
    assert periods.complete_from(date(2026, 1, 15), date(2026, 4, 1), "monthly") == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert periods.complete_from(date(2026, 3, 31), date(2026, 4, 1), "quarterly") == [
        date(2026, 1, 1)
    ]
    assert periods.complete_from(date(2026, 4, 1), date(2026, 4, 30), "monthly") == []
    assert periods.complete_from(date(2025, 3, 31), date(2026, 4, 1), "annual") == [
        date(2024, 4, 1),
        date(2025, 4, 1),
    ]


# The machine is shared: a slow draw is the load's, not the strategy's.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=2000),
    st.sampled_from(["monthly", "quarterly", "annual"]),
)
def test_every_counted_period_has_ended_and_none_is_missed(
    first: date, days_on: int, frequency: str
) -> None:
    today = first + timedelta(days=days_on)
    found = periods.complete_from(first, today, frequency)
    assert all(periods.period_end(start, frequency) < today for start in found)
    assert all(periods.is_period_start(start, frequency) for start in found)
    assert periods.missing(found, frequency) == []
    if found:
        assert found[0] == periods.containing(first, frequency)
        assert found[-1] == periods.latest_ended(today, frequency)
    else:
        assert periods.latest_ended(today, frequency) < periods.containing(first, frequency)


# --- the count -----------------------------------------------------------------------------


@pytest.fixture
def admin(db):
    return factories.person("business_unit_admin")


@pytest.fixture
def linked(admin):
    return helpers.indicator(
        admin.organisation, unit="count", polarity="down", measure_key="testmodule.referrals"
    )


def test_counting_fills_every_complete_period_and_again_changes_nothing(admin, linked) -> None:
    counted = counting.indicator_count(actor=admin, indicator=linked)
    months = _months_so_far()
    assert (counted.created, counted.periods, counted.problem) == (months, months, "")
    values = {o.period_start: o.value for o in linked.observations.all()}
    assert values[FIRST] == Decimal(10) and values[date(2026, 3, 1)] == Decimal(30)
    assert {o.source for o in linked.observations.all()} == {ObservationSource.MEASURE}
    event = AuditEvent.objects.get(record_type="performance.indicator", action="update")
    assert event.changes["counted"]["created"] == months  # counts only, no values
    assert set(event.changes["counted"]) == {
        "periods",
        "created",
        "updated",
        "removed",
        "kept",
        "gaps",
    }
    again = counting.indicator_count(actor=admin, indicator=linked)
    assert (again.changed, again.unchanged) == (0, months)
    assert AuditEvent.objects.filter(record_type="performance.indicator").count() == 1
    # A counted series is read like any other: 10, 20, ... 110 rising month on month, where
    # fewer is better, is a special cause concern, and its exception is open for the owner.
    assert selectors.reading_for(linked).latest_variation == "concern"
    assert linked.exceptions.filter(closed_at__isnull=True).count() == 1


def test_a_recount_replaces_its_own_values_and_leaves_gaps(admin, linked) -> None:
    counting.indicator_count(actor=admin, indicator=linked)
    VALUES[date(2026, 2, 1)] = Decimal(99)
    VALUES[date(2026, 3, 1)] = None  # the records cannot say now: a gap
    counted = counting.indicator_count(actor=None, indicator=linked)  # the worker
    assert (counted.updated, counted.removed, counted.gaps) == (1, 1, 1)
    assert linked.observations.get(period_start=date(2026, 2, 1)).value == Decimal(99)
    assert not linked.observations.filter(period_start=date(2026, 3, 1)).exists()
    assert selectors.reading_for(linked).gaps == (date(2026, 3, 1),)  # a gap on the chart


def test_another_source_value_is_never_replaced(admin, linked) -> None:
    helpers.series(linked, [7], start=date(2026, 2, 1))  # a value given before the link
    counted = counting.indicator_count(actor=admin, indicator=linked)
    assert counted.kept == 1
    kept = linked.observations.get(period_start=date(2026, 2, 1))
    assert (kept.value, kept.source) == (Decimal(7), "demo")


def test_the_first_periods_without_data_are_not_counted_as_gaps(admin, linked) -> None:
    VALUES[date(2026, 1, 1)] = None
    VALUES[date(2026, 2, 1)] = None
    counted = counting.indicator_count(actor=admin, indicator=linked)
    assert counted.first == date(2026, 3, 1)
    assert counted.gaps == 0


def test_a_value_the_unit_forbids_refuses_the_whole_count(admin, linked) -> None:
    VALUES[date(2026, 2, 1)] = Decimal("2.5")  # not a whole number, for a count
    counted = counting.indicator_count(actor=admin, indicator=linked)
    assert "February 2026" in counted.problem and "whole number" in counted.problem
    assert not linked.observations.exists()


def test_only_the_business_unit_counts(linked) -> None:
    with pytest.raises(PermissionDenied):
        counting.indicator_count(actor=factories.person("subgroup_member"), indicator=linked)


def test_counting_meets_a_return_clock_opened_before_the_link(admin) -> None:
    indicator = helpers.indicator(admin.organisation, unit="count", polarity="down")
    returns.returns_open_due(now=timezone.now())
    clock = Deadline.objects.get(module="performance", kind="return")
    indicator = catalogue.indicator_update(
        actor=admin, indicator=indicator, measure_key="testmodule.referrals"
    )
    assert counting.indicator_count(actor=admin, indicator=indicator).problem == ""
    clock.refresh_from_db()
    assert clock.met_at is not None


# --- one source per series -----------------------------------------------------------------


def test_a_linked_indicator_refuses_returns_by_form_file_and_api(admin, linked) -> None:
    lead = factories.person("statutory_partner_lead", organisation_obj=admin.organisation)
    with pytest.raises(ValidationError) as refused:
        returns.observation_submit(
            actor=lead,
            indicator=linked,
            period_start=date(2026, 1, 1),
            value=Decimal(3),
            narrative="By hand",
        )
    assert refused.value.message_dict["indicator"] == [returns.COUNTED_FROM_SAFEGUARD]
    row = returns.ReturnRow(1, linked.code, "2026-01", "3", "By hand")
    with pytest.raises(returns.ImportRefused) as file_refused:
        returns.observations_import(actor=lead, rows=[row])
    assert file_refused.value.errors[0].reason == returns.COUNTED_FROM_SAFEGUARD
    assert linked not in selectors.submittable_indicators(actor=lead)
    assert linked not in selectors.submittable_indicators(actor=admin)
    returns.returns_open_due(now=timezone.now())
    assert not Deadline.objects.filter(module="performance", kind="return").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"unit": "percentage"}, "another unit: count"),
        ({"frequency": "annual"}, "counted monthly or quarterly"),
        ({"frequency": "annual", "census_key": "cla_at_end"}, "has one source"),
        ({"measure_key": "nomodule.nothing"}, "Choose one of the measures"),
    ],
)
def test_a_link_the_measure_cannot_feed_is_refused(admin, fields, message) -> None:
    values = {
        "code": "refused-link",
        "name": "Refused",
        "unit": "count",
        "polarity": "down",
        "frequency": "monthly",
        "owner_organisation": admin.organisation,
        "measure_key": "testmodule.referrals",
        **fields,
    }
    with pytest.raises(ValidationError) as refused:
        catalogue.indicator_create(actor=admin, **values)
    assert message in " ".join(refused.value.message_dict["measure_key"])
    assert not Indicator.objects.filter(code="refused-link").exists()


# --- the pages -----------------------------------------------------------------------------


def test_the_business_unit_creates_an_indicator_from_a_measure_and_it_is_counted(
    client_for, admin
) -> None:
    client = client_for(admin)
    page = client.get(reverse("performance:measures"))
    assert page.status_code == 200
    assert "Referrals to the test service" in page.content.decode()
    form_url = reverse("performance:measure_indicator_create", args=["testmodule.referrals"])
    prefilled = client.get(form_url).content.decode()
    assert "Referrals counted from the test module&#x27;s records" in prefilled
    assert 'value="annual"' not in prefilled  # only the measure's frequencies are offered
    response = client.post(
        form_url,
        {
            "name": "Referrals to the test service",
            "code": "test-referrals",
            "theme": "other",
            "definition": "Referrals counted from the test module's records",
            "numerator": "",
            "denominator": "",
            "polarity": "down",
            "frequency": "quarterly",
            "owner_organisation": str(admin.organisation_id),
            "target": "",
        },
    )
    job = Job.objects.get(kind=counting.COUNT_JOB)
    assert response["Location"] == reverse("core:job", kwargs={"pk": job.pk})
    indicator = Indicator.objects.get(code="test-referrals")
    assert (indicator.unit, indicator.measure_key) == ("count", "testmodule.referrals")
    assert worker.run_queued_tasks(worker_id="test", limit=1) == 1
    job.refresh_from_db()
    assert job.state == "succeeded"
    quarters = len(periods.complete_from(FIRST, london_date(timezone.now()), "quarterly"))
    assert indicator.observations.count() == quarters
    done = client.get(reverse("core:job", kwargs={"pk": job.pk})).content.decode()
    assert 'id="counted"' in done
    detail = client.get(reverse("performance:indicator_detail", args=[indicator.pk]))
    text = detail.content.decode()
    assert "Count now" in text and "Submit a value" not in text
    assert "XmR chart of" in text


def test_a_bad_frequency_on_the_form_is_refused_with_the_field_named(client_for, admin) -> None:
    response = client_for(admin).post(
        reverse("performance:measure_indicator_create", args=["testmodule.referrals"]),
        {"name": "X", "code": "x", "theme": "other", "definition": "D", "polarity": "down"},
    )
    assert response.status_code == 200
    assert "Select" in response.content.decode()
    assert not Indicator.objects.filter(code="x").exists()


def test_the_business_unit_links_an_existing_indicator_and_counts_it_now(client_for, admin) -> None:
    existing = helpers.indicator(admin.organisation, unit="count", polarity="down")
    other_unit = helpers.indicator(admin.organisation, unit="percentage")
    client = client_for(admin)
    link_url = reverse("performance:measure_link", args=["testmodule.referrals"])
    page = client.get(link_url).content.decode()
    assert existing.name in page and other_unit.name not in page
    response = client.post(link_url, {"indicator": str(existing.pk)})
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.measure_key == "testmodule.referrals"
    assert worker.run_queued_tasks(worker_id="test", limit=1) == 1
    assert existing.observations.count() == _months_so_far()
    Observation.objects.filter(indicator=existing).delete()
    response = client.post(reverse("performance:indicator_count", args=[existing.pk]))
    assert response.status_code == 302
    assert worker.run_queued_tasks(worker_id="test", limit=1) == 1
    assert existing.observations.count() == _months_so_far()
    response = client.post(reverse("performance:measures_count"))
    assert response.status_code == 302


def test_the_measure_pages_are_the_business_units_alone(client_for, admin, linked) -> None:
    member = client_for(factories.person("statutory_partner_lead"))
    for url in (
        reverse("performance:measures"),
        reverse("performance:measure_indicator_create", args=["testmodule.referrals"]),
        reverse("performance:measure_link", args=["testmodule.referrals"]),
    ):
        assert member.get(url).status_code == 403
    assert member.post(reverse("performance:indicator_count", args=[linked.pk])).status_code == 403
    assert member.post(reverse("performance:measures_count")).status_code == 403
    assert not Job.objects.exists()
    unknown = reverse("performance:measure_indicator_create", args=["nomodule.nothing"])
    assert client_for(admin).get(unknown).status_code == 404
    unlinked = helpers.indicator(admin.organisation)
    count_url = reverse("performance:indicator_count", args=[unlinked.pk])
    assert client_for(admin).post(count_url).status_code == 404


def test_the_worker_counts_every_linked_indicator(admin, linked) -> None:
    run = counting.measures_count_all()
    assert [c.indicator for c in run.counted] == [linked]
    assert linked.observations.count() == _months_so_far()
