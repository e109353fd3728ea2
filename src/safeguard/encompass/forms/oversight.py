"""The form of the oversight page: the period the figures cover, a preset or any dates."""

from __future__ import annotations

from datetime import date

from django import forms

from safeguard.core.forms.govuk import GovukForm

PERIODS = [
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("365", "Last year"),
]
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
EARLIEST = date(2000, 1, 1)


class PeriodForm(GovukForm):
    days = forms.ChoiceField(label="Period", choices=PERIODS, initial="30", required=False)
    start = forms.DateField(
        label="Or from",
        help_text="For example, 1/9/2026",
        input_formats=DATE_FORMATS,
        required=False,
        error_messages={"invalid": "Enter the first day as a date, like 1/9/2026"},
    )
    end = forms.DateField(
        label="To",
        help_text="For example, 31/12/2026 (that day included)",
        input_formats=DATE_FORMATS,
        required=False,
        error_messages={"invalid": "Enter the last day as a date, like 31/12/2026"},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) and not self.errors:
            self.add_error("start" if start is None else "end", "Enter both dates, or neither")
        if isinstance(start, date) and start < EARLIEST:
            self.add_error("start", "The first day must be in 2000 or later")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("end", "The last day must be the same as or after the first day")
        return data
