"""The audit trail search: by record, by person, by date range or by action."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.forms.govuk import GovukForm
from safeguard.core.models.audit import AuditAction

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %m %Y"]


class AuditSearchForm(GovukForm):
    record_type = forms.CharField(
        label="Record type",
        required=False,
        max_length=100,
        help_text="For example, core.person",
    )
    record_id = forms.CharField(label="Record id", required=False, max_length=64)
    person_id = forms.IntegerField(
        label="Person id",
        required=False,
        min_value=1,
        help_text="The id of the person who viewed or changed records",
        error_messages={
            "invalid": "Person id must be a whole number, like 12",
            "min_value": "Person id must be 1 or more",
        },
    )
    date_from = forms.DateField(
        label="From date",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 27/3/2026",
        error_messages={"invalid": "From date must be a real date, like 27/3/2026"},
    )
    date_to = forms.DateField(
        label="To date",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 31/3/2026",
        error_messages={"invalid": "To date must be a real date, like 31/3/2026"},
    )
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *AuditAction.choices],
        error_messages={"invalid_choice": "Select an action from the list"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("record_id") and not data.get("record_type"):
            self.add_error("record_type", "Enter the record type to search by record id")
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "To date must be the same as or after the from date")
        return data
