"""The form to add a one-off bank holiday: a GOV.UK date input (day, month, year) and a name."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from safeguard.core.forms.govuk import GovukForm


class HolidayForm(GovukForm):
    day = forms.CharField(label="Day", max_length=2, required=False)
    month = forms.CharField(label="Month", max_length=2, required=False)
    year = forms.CharField(label="Year", max_length=4, required=False)
    name = forms.CharField(
        label="Name of the holiday",
        max_length=200,
        required=False,
        help_text="For example, Bank Holiday for the State Funeral of Queen Elizabeth II",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not str(data.get("name", "")).strip():
            self.add_error("name", "Enter the name of the holiday")
        parts = [str(data.get(part, "")).strip() for part in ("day", "month", "year")]
        if not all(parts):
            self.add_error("day", "Enter the date of the holiday, with a day, month and year")
            return data
        try:
            data["date"] = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            self.add_error("day", "The date of the holiday must be a real date")
            return data
        if len(parts[2]) != 4:
            self.add_error("day", "The year of the holiday must have 4 numbers")
        return data
