"""Django's default form messages become GOV.UK-style ones, worded from each field's label."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from safeguard.core.forms.govuk import EMAIL, GovukForm, govuk_messages
from safeguard.core.models import Organisation
from tests import factories


class Example(GovukForm):
    name = forms.CharField(label="Name", max_length=200)
    full_name = forms.CharField(label="Full name (optional)", max_length=5, required=False)
    urn = forms.CharField(label="DfE URN", min_length=6)
    email = forms.EmailField(label="Email address")
    count = forms.IntegerField(label="Number of children", min_value=0, max_value=10)
    rate = forms.DecimalField(label="Rate", max_digits=3, decimal_places=1)
    born = forms.DateField(label="Date of birth")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A")])
    agree = forms.BooleanField(label="Confirm the details are correct")
    upload = forms.FileField(label="Census file")
    kept = forms.CharField(label="Kept", error_messages={"required": "Say what was kept"})


def errors(**data: object) -> dict[str, list[str]]:
    form = Example(data=data)
    form.is_valid()
    return {name: list(problems) for name, problems in form.errors.items()}


def test_a_blank_form_names_each_field_in_the_govuk_way():
    found = errors()
    assert found == {
        "name": ["Enter the name"],
        "urn": ["Enter the DfE URN"],
        "email": ["Enter the email address"],
        "count": ["Enter the number of children"],
        "rate": ["Enter the rate"],
        "born": ["Enter the date of birth"],
        "kind": ["Select the kind"],
        "agree": ["Select 'Confirm the details are correct' to continue"],
        "upload": ["Select a file for the census file"],
        "kept": ["Say what was kept"],  # a field's own message is kept
    }


def test_bad_values_get_govuk_messages_with_their_limits():
    found = errors(
        name="x" * 500,
        full_name="Far too long",
        urn="12",
        email="not an address",
        count="11",
        rate="12.34",
        born="31/02/2026",
        kind="z",
    )
    assert found["name"] == ["Name must be 200 characters or fewer"]
    assert found["full_name"] == ["Full name must be 5 characters or fewer"]
    assert found["urn"] == ["DfE URN must be 6 characters or more"]
    assert found["email"] == [EMAIL]
    assert found["count"] == ["Number of children must be 10 or less"]
    assert found["rate"] == ["Rate must be 3 digits or fewer"]
    assert found["born"] == ["Date of birth must be a real date"]
    assert found["kind"] == ["Select the kind from the list"]
    assert errors(count="two")["count"] == ["Number of children must be a whole number"]
    assert errors(count="-1")["count"] == ["Number of children must be 0 or more"]


def test_a_form_that_cannot_subclass_can_be_rewritten_in_place():
    class Plain(forms.Form):
        title = forms.CharField(label="Title", max_length=3)

    form = govuk_messages(Plain(data={"title": "Too long"}))
    assert not form.is_valid()
    assert form.errors["title"] == ["Title must be 3 characters or fewer"]
    # Another instance of the same class is untouched: fields are copied per form.
    other = Plain(data={"title": "Too long"})
    other.is_valid()
    assert "Ensure this value has at most 3 characters" in other.errors["title"][0]


@pytest.mark.django_db
def test_a_kernel_page_shows_the_govuk_message_for_a_long_name(client_for):
    client = factories.stepped_up(client_for(factories.person("business_unit_admin")))
    response = client.post(
        reverse("core:organisation_create"), {"name": "x" * 500, "kind": "school"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Name must be 200 characters or fewer" in page
    assert "Ensure this value" not in page
    assert not Organisation.objects.filter(name="x" * 500).exists()
