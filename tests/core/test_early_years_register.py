"""Early years settings in the establishment register: an Ofsted URN (EY and 6 digits, or 6 or
7 digits) for a setting, the 6-digit DfE URN for a school, each checked with a clear message
and unique across both."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safeguard.core.models import Organisation, Person
from safeguard.core.services import partnership as services
from tests import factories
from tests.core.test_partnership_pages import recently_confirmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> Person:
    return factories.person("business_unit_admin")


def _errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, Any]:
    return excinfo.value.message_dict


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("EY123456", "EY123456"), ("ey 123 456", "EY123456"), ("2123456", "2123456"),
     ("123457", "123457")],
)  # fmt: skip
def test_an_early_years_setting_carries_its_ofsted_urn(admin, typed, stored):
    setting = services.organisation_create(
        actor=admin, name="Little Acorns", kind="school", urn=typed, early_years=True
    )
    setting.refresh_from_db()
    assert setting.urn == stored and setting.early_years


@pytest.mark.parametrize("typed", ["EY12345", "EY1234567", "12345", "12345678", "XY123456"])
def test_a_malformed_ofsted_urn_is_refused_with_its_form(admin, typed):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=admin, name="Little Acorns", kind="school", urn=typed, early_years=True
        )
    assert "EY and 6 digits" in _errors(excinfo)["urn"][0]
    assert not Organisation.objects.filter(name="Little Acorns").exists()


def test_a_school_keeps_the_six_digit_dfe_urn_and_is_told_about_early_years(admin):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=admin, name="Brook School", kind="school", urn="EY1234")
    assert _errors(excinfo)["urn"] == ["The DfE URN must be 6 digits, like 100000"]
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=admin, name="Brook School", kind="school", urn="EY123456"
        )
    assert "tick Early years setting" in _errors(excinfo)["urn"][0]


def test_only_a_school_kind_organisation_is_an_early_years_setting(admin):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=admin, name="A charity", kind="third_sector",
                                     early_years=True)  # fmt: skip
    assert "school or college" in _errors(excinfo)["early_years"][0]


def test_one_urn_names_one_organisation_whether_dfe_or_ofsted(admin):
    factories.organisation(name="Brook School", kind="school", urn="654321")
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=admin, name="Brook Nursery", kind="school", urn="654321", early_years=True
        )
    assert _errors(excinfo)["urn"] == ["Another organisation already has this URN"]
    services.organisation_create(
        actor=admin, name="Brook Nursery", kind="school", urn="EY654321", early_years=True
    )
    with pytest.raises(ValidationError):
        services.organisation_create(
            actor=admin, name="Other Nursery", kind="school", urn="ey654321", early_years=True
        )


def test_the_register_pages_take_and_show_an_ofsted_urn(client_for):
    client = recently_confirmed(client_for(factories.person("business_unit_admin")))
    form = client.get(reverse("core:organisation_create")).content.decode()
    assert 'name="early_years"' in form and "Ofsted URN" in form
    refused = client.post(
        reverse("core:organisation_create"),
        {"name": "Acorns", "kind": "school", "urn": "EY12", "early_years": "on"},
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'href="#id_urn"' in page and "EY and 6 digits" in page
    response = client.post(
        reverse("core:organisation_create"),
        {"name": "Acorns", "kind": "school", "urn": "EY123456", "early_years": "on"},
    )
    assert response.status_code == 302
    setting = Organisation.objects.get(name="Acorns")
    detail = client.get(reverse("core:organisation_detail", args=[setting.pk])).content.decode()
    assert "Ofsted URN (early years setting)" in detail and "EY123456" in detail
