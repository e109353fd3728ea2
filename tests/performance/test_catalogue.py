"""The indicator catalogue: adding and changing indicators, comparators and meeting dates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from safeguard.core.models import AuditEvent
from safeguard.performance.models import Comparator, Indicator
from safeguard.performance.services import catalogue
from tests import factories
from tests.performance import helpers

pytestmark = pytest.mark.django_db


def _form(owner_pk: int, **changes: str) -> dict[str, str]:
    data = {
        "code": "cp-rate",
        "name": "Children on a child protection plan, rate per 10,000",
        "theme": "child_protection",
        "definition": "Children subject to a plan at the end of the month",
        "numerator": "Children on a plan",
        "denominator": "Child population aged 0 to 17",
        "unit": "rate_per_10000",
        "child_population": "166000",
        "polarity": "neither",
        "frequency": "monthly",
        "owner_organisation": str(owner_pk),
        "target": "",
        "limits_from": "",
        "active": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin():
    return factories.person("business_unit_admin")


def test_the_business_unit_adds_an_indicator_and_it_is_audited(client_for, admin) -> None:
    client = client_for(admin)
    response = client.post(reverse("performance:indicator_create"), _form(admin.organisation_id))
    indicator = Indicator.objects.get(code="cp-rate")
    assert response.status_code == 302
    assert response["Location"] == reverse("performance:indicator_detail", args=[indicator.pk])
    assert indicator.child_population == 166000
    event = AuditEvent.objects.get(record_type="performance.indicator", action="create")
    assert event.actor_id == admin.pk
    assert event.changes["unit"] == [None, "rate_per_10000"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"child_population": ""}, "child_population", "Enter the child population"),
        (
            {"unit": "percentage", "child_population": "", "target": "101"},
            "target",
            "more than 100",
        ),
        ({"unit": "count", "child_population": "", "target": "2.5"}, "target", "whole number"),
        ({"limits_from": "2023-13"}, "limits_from", "real month"),
        ({"frequency": "quarterly", "limits_from": "2023-05"}, "limits_from", "January, April"),
        ({"code": "Not a slug!"}, "code", "letters, numbers"),
    ],
)
def test_a_bad_indicator_is_refused_naming_the_field(
    client_for, admin, changes, field, message
) -> None:
    response = client_for(admin).post(
        reverse("performance:indicator_create"), _form(admin.organisation_id, **changes)
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert f'href="#id_{field}"' in content
    assert message in content
    assert not Indicator.objects.exists()


def test_a_second_indicator_with_the_same_code_is_refused(client_for, admin) -> None:
    helpers.indicator(admin.organisation, code="cp-rate")
    response = client_for(admin).post(
        reverse("performance:indicator_create"), _form(admin.organisation_id)
    )
    assert "An indicator with this code already exists" in response.content.decode()
    assert Indicator.objects.count() == 1


def test_changing_an_indicator_records_before_and_after(client_for, admin) -> None:
    indicator = helpers.indicator(admin.organisation, code="icpc", unit="percentage")
    client = client_for(admin)
    page = client.get(reverse("performance:indicator_edit", args=[indicator.pk]))
    assert 'value="icpc"' in page.content.decode()
    response = client.post(
        reverse("performance:indicator_edit", args=[indicator.pk]),
        _form(
            admin.organisation_id,
            code="icpc",
            unit="percentage",
            child_population="",
            target="85",
            limits_from="2024-04",
        ),
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target == Decimal("85")
    assert str(indicator.limits_from) == "2024-04-01"
    event = AuditEvent.objects.get(record_type="performance.indicator", action="update")
    assert event.changes["target"] == [None, "85"]
    assert event.changes["limits_from"] == [None, "2024-04-01"]


def test_a_comparator_is_saved_and_a_second_for_the_year_replaces_it(client_for, admin) -> None:
    indicator = helpers.indicator(admin.organisation, unit="percentage")
    client = client_for(admin)
    url = reverse("performance:comparator_add", args=[indicator.pk])
    data = {"kind": "england", "year": "2022", "value": "41", "source": "DfE CIN 2023"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "value": "41.5"}).status_code == 302
    comparator = Comparator.objects.get()
    assert comparator.value == Decimal("41.5")
    actions = list(
        AuditEvent.objects.filter(record_type="performance.comparator").values_list(
            "action", flat=True
        )
    )
    assert actions == ["create", "update"]


def test_a_comparator_its_unit_forbids_is_refused(client_for, admin) -> None:
    indicator = helpers.indicator(admin.organisation, unit="percentage")
    response = client_for(admin).post(
        reverse("performance:comparator_add", args=[indicator.pk]),
        {"kind": "region", "year": "2022", "value": "140", "source": "ONS"},
    )
    assert "A percentage cannot be more than 100" in response.content.decode()
    assert not Comparator.objects.exists()


def test_the_catalogue_lists_the_pmsg_meetings_scheduled_in_governance(client_for, admin) -> None:
    """The scorecard keeps no dates of its own (ADR 0025): the catalogue shows the PMSG's
    coming meetings from governance and links its list of meetings; the old page is gone."""
    from datetime import timedelta

    from django.utils import timezone

    coming = timezone.localdate() + timedelta(days=30)
    meeting = helpers.pmsg_meeting(coming)
    client = client_for(admin)
    page = client.get(reverse("performance:indicators")).content.decode()
    assert f"{coming.day} {coming:%B %Y}" in page
    assert f"/governance/meetings?group={meeting.group_id}" in page
    assert client.get("/performance/meetings/add").status_code == 404
    assert client.post("/performance/meetings/add", {"held_on": "2026-12-15"}).status_code == 404


def test_only_the_business_unit_may_change_the_catalogue() -> None:
    lead = factories.person("statutory_partner_lead")
    with pytest.raises(PermissionDenied):
        catalogue.indicator_create(
            actor=lead,
            code="x",
            name="X",
            unit="count",
            polarity="up",
            frequency="monthly",
            owner_organisation=lead.organisation,
        )
    assert not Indicator.objects.exists()


def test_the_database_refuses_a_rate_without_its_population() -> None:
    owner = factories.organisation()
    with pytest.raises(IntegrityError):
        helpers.indicator(owner, unit="rate_per_10000")


def test_the_service_refuses_a_rate_without_its_population() -> None:
    admin = factories.person("business_unit_admin")
    with pytest.raises(ValidationError) as error:
        catalogue.indicator_create(
            actor=admin,
            code="r",
            name="R",
            unit="rate_per_10000",
            polarity="up",
            frequency="monthly",
            owner_organisation=admin.organisation,
        )
    assert "child_population" in error.value.message_dict
