"""The forms of the calendar page: the day's start and holiday contact, terms, INSET days."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from safeguard.core.forms.govuk import GovukForm

DATE_HINT = "For example, 3/9/2026"


class CalendarSettingsForm(GovukForm):
    day_starts_at = forms.TimeField(
        label="School day starts at",
        help_text="24-hour clock, for example 08:45",
        input_formats=["%H:%M"],
        error_messages={"required": "Enter the time the school day starts, like 08:45"},
    )
    holiday_contact = forms.ChoiceField(
        label="Holiday contact",
        help_text="For a school: its key adult on duty at weekends and in holidays, or the LA's "
        "holiday cover. For the LA default calendar: the LA's holiday contact.",
        required=False,
        error_messages={"invalid_choice": "Choose the holiday contact from the list"},
    )

    def __init__(self, *args: Any, contacts: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the people who may be the contact are offered: nothing else can be chosen, and
        # nothing typed here reveals whether an address has an account.
        field = self.fields["holiday_contact"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "No holiday contact")] + [
            (str(p.pk), p.full_name or f"Person {p.pk}") for p in contacts
        ]


class TermForm(GovukForm):
    name = forms.CharField(label="Term name", max_length=60, help_text="For example, Autumn 1")
    starts_on = forms.DateField(
        label="First day of term", help_text=DATE_HINT, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    ends_on = forms.DateField(
        label="Last day of term", help_text=DATE_HINT, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )


class InsetDayForm(GovukForm):
    date = forms.DateField(
        label="INSET day", help_text=DATE_HINT, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
