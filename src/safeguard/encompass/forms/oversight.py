"""The form of the oversight page: the period the figures cover."""

from __future__ import annotations

from django import forms

from safeguard.core.forms.govuk import GovukForm

PERIODS = [
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("365", "Last year"),
]


class PeriodForm(GovukForm):
    days = forms.ChoiceField(label="Period", choices=PERIODS, initial="30", required=False)
