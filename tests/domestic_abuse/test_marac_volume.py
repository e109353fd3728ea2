"""Issue 12: the MARAC's cases per 10,000 adult women (SafeLives's volume measure) on the
scorecard and the MARAC page from one count, over the women aged 16 and over the Business Unit
sets; refused when the figure cannot be one MARAC area's."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core import measures, worker
from safeguard.core.clock import LONDON
from safeguard.core.demo import clock_at
from safeguard.core.models import AuditEvent
from safeguard.domestic_abuse import rules
from safeguard.domestic_abuse.models import (
    AdultWomenPopulation,
    Incident,
    Referral,
    Source,
)
from safeguard.domestic_abuse.services.sittings import marac_meeting_on
from safeguard.performance.models import Indicator
from tests import factories
from tests.domestic_abuse import helpers

KEY = "domestic_abuse.marac_cases_per_10k_women"
URL = "/domestic-abuse/marac/adult-women/"


@given(
    figure=st.integers(min_value=-10, max_value=10_000_000),
    year=st.integers(min_value=1990, max_value=2040),
)
def test_a_figure_is_taken_exactly_when_it_is_one_marac_areas(figure: int, year: int) -> None:
    problems = rules.adult_women_problems(figure, year, 2026)
    assert ("figure" in problems) == (not 1_000 <= figure <= 5_000_000)
    assert ("year" in problems) == (not 2011 <= year <= 2026)


def test_the_bounds_and_the_blanks() -> None:
    assert rules.adult_women_problems(1_000, 2011, 2026) == {}
    assert rules.adult_women_problems(5_000_000, 2026, 2026) == {}
    assert set(rules.adult_women_problems(999, 2027, 2026)) == {"figure", "year"}
    assert set(rules.adult_women_problems(None, None, 2026)) == {"figure", "year"}
    assert rules.volume_per_10k_women(40, 10_000) == 40.0


def test_the_measure_needs_its_population_in_the_kernel() -> None:
    with pytest.raises(ValueError, match="needs its population"):
        measures.Measure(
            key="x.rate",
            name="A rate",
            definition="D",
            unit="rate_per_10000_women",
            polarity="neither",
            theme="other",
            count=lambda start, end: None,
        )


def _heard(police, held_on: date, n: int) -> None:
    meeting = marac_meeting_on(actor=None, day=held_on)
    for i in range(n):
        moment = datetime.combine(held_on - timedelta(days=10), time(21), tzinfo=LONDON)
        incident = Incident.objects.create(
            organisation=police,
            reference=f"VOL/{held_on}/{i}",
            source=Source.API,
            occurred_at=moment,
            received_at=moment,
            board_day=held_on - timedelta(days=9),
            victim_key=100 + i,
            perpetrator_key=200 + i,
        )
        Referral.objects.create(
            incident=incident,
            victim_key=100 + i,
            perpetrator_key=200 + i,
            referred_on=held_on - timedelta(days=9),
            source="dramm",
            referred_by=police,
            reason="Visible high risk",
            meeting=meeting,
            created_at=moment,
        )


@pytest.mark.django_db
def test_the_business_unit_sets_the_population_and_both_pages_show_one_figure() -> None:
    w = helpers.world()
    admin = factories.person("business_unit_admin")
    bu = factories.signed_in(Client(), admin)
    # Nobody else sets it.
    assert factories.signed_in(Client(), w.idva).get(URL).status_code == 403
    _heard(w.police, date(2025, 11, 12), 3)  # within the 12 months to 1 December 2025
    _heard(w.police, date(2025, 6, 4), 2)
    _heard(w.police, date(2024, 11, 13), 4)  # before them
    with clock_at(datetime(2025, 12, 1, 10, tzinfo=LONDON)):
        marac = factories.signed_in(Client(), w.idva).get("/domestic-abuse/marac/")
        assert "the Business Unit has not set the number of women" in marac.content.decode()
        assert measures.get(KEY).count(date(2025, 1, 1), date(2026, 1, 1)) is None  # a gap
        # Refused, with the field named: a total population typed by mistake, a future year.
        refused = bu.post(URL, {"figure": "8000000", "year": "2027", "source": " "})
        text = refused.content.decode()
        assert refused.status_code == 200 and not AdultWomenPopulation.objects.exists()
        assert "must be between 1,000 and 5,000,000" in text
        assert "between 2011 and 2025" in text and "Enter where the figure comes from" in text
        saved = bu.post(URL, {"figure": "12500", "year": "2024", "source": "ONS mid-2024"})
        assert saved.status_code == 302
        assert "12,500" in bu.get(URL).content.decode()
        marac = factories.signed_in(Client(), w.idva).get("/domestic-abuse/marac/")
    row = AdultWomenPopulation.objects.get()
    assert AuditEvent.objects.filter(
        record_type="domestic_abuse.adult_women", record_id=str(row.pk), actor_id=admin.pk
    ).exists()
    # The page: 5 cases heard in the 12 months to 1 December 2025, per 10,000 of 12,500: 4.0.
    assert "4.0, of 12,500 women aged 16 and over (ONS mid-2024, 2024)" in marac.content.decode()
    # The scorecard counts the same, by the same code.
    measure = measures.get(KEY)
    assert measure.count(date(2024, 12, 2), date(2025, 12, 2)) == Decimal("4.0")
    assert measure.count(date(2025, 10, 1), date(2026, 1, 1)) == Decimal("2.4")  # a quarter


@pytest.mark.django_db
def test_the_scorecard_counts_the_rate_and_names_its_population() -> None:
    w = helpers.world()
    admin = factories.person("business_unit_admin")
    client = factories.signed_in(Client(), admin)
    _heard(w.police, date(2025, 11, 12), 3)
    AdultWomenPopulation.objects.create(
        figure=10_000, year=2024, source="ONS mid-2024", set_at=datetime(2025, 1, 1, tzinfo=LONDON)
    )
    with clock_at(datetime(2026, 1, 10, 10, tzinfo=LONDON)):
        response = client.post(
            reverse("performance:measure_indicator_create", args=[KEY]),
            {
                "name": "MARAC cases per 10,000 adult women",
                "code": "marac-per-10k-women",
                "theme": "other",
                "definition": "SafeLives's MARAC volume",
                "numerator": "",
                "denominator": "",
                "polarity": "neither",
                "frequency": "quarterly",
                "owner_organisation": str(w.police.pk),
                "target": "",
            },
        )
        assert response.status_code == 302
        indicator = Indicator.objects.get(code="marac-per-10k-women")
        assert indicator.unit == "rate_per_10000_women" and indicator.child_population is None
        worker.run_queued_tasks(worker_id="test", limit=1)
        values = dict(indicator.observations.values_list("period_start", "value"))
        assert values[date(2025, 10, 1)] == Decimal("3.0")
        page = client.get(reverse("performance:indicator_detail", args=[indicator.pk]))
    text = page.content.decode()
    assert "Rate per 10,000 adult women" in text
    assert "of 10,000 women aged 16 and over (ONS mid-2024, 2024)" in text
