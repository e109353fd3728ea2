"""The filter on the notifications list."""

from __future__ import annotations

from django import forms

from safeguard.core.forms.govuk import GovukForm
from safeguard.core.models.outbox import OutboxState


class OutboxFilterForm(GovukForm):
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Any state"), *OutboxState.choices],
        error_messages={"invalid_choice": "Select a state from the list"},
    )
