"""The form of the key adults page: a person of the school, deputy or not, training dates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from safeguard.core.forms.govuk import GovukForm

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class KeyAdultForm(GovukForm):
    person = forms.ChoiceField(
        label="Person",
        error_messages={
            "required": "Choose the person from the list",
            "invalid_choice": "Choose the person from the list",
        },
    )
    deputy = forms.BooleanField(label="Deputy key adult", required=False)
    trained_on = forms.DateField(
        label="Trained on",
        help_text="For example, 4/9/2026",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date of their Encompass training",
            "invalid": "Enter the training date as a date, like 4/9/2026",
        },
    )
    expires_on = forms.DateField(
        label="Training expires on",
        help_text="For example, 4/9/2027",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date the training expires",
            "invalid": "Enter the expiry as a date, like 4/9/2027",
        },
    )

    def __init__(self, *args: Any, people: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a person")] + [
            (str(p.pk), p.full_name or f"Person {p.pk}") for p in people
        ]
