"""The form for a new API key. The service validates again; the form gives GOV.UK errors."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone

from safeguard.core import scope_holders
from safeguard.core.api.auth import scopes
from safeguard.core.forms.govuk import GovukForm
from safeguard.core.models import Organisation
from safeguard.core.services.apikeys import scope_misfit_message


def _scope_choices() -> list[tuple[str, str]]:
    # A callable, so scopes that modules register when their apps load are offered too.
    # What the key may do, in words; the scope's identifier is shown once the key is made.
    return [(s.name, s.description) for s in scopes()]


class ApiKeyForm(GovukForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        label="Organisation",
        help_text="The partner whose system will use the key",
        empty_label="Select an organisation",
        error_messages={
            "required": "Select an organisation",
            "invalid_choice": "Select an organisation",
        },
    )
    name = forms.CharField(
        label="Name of the key",
        help_text="Say which system uses it, for example 'Police records system'",
        max_length=200,
        error_messages={
            "required": "Enter a name for the key",
            "max_length": "Name must be 200 characters or fewer",
        },
    )
    scopes = forms.MultipleChoiceField(
        label="What the key may do",
        choices=_scope_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one thing the key may do",
            "invalid_choice": "Select only the choices shown",
        },
    )
    expires_on = forms.DateField(
        label="Expiry date (optional)",
        help_text="The key stops working at the end of this day. For example, 31/3/2027",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "invalid": "Enter the expiry date as day/month/year, for example 31/3/2027"
        },
    )

    def clean(self) -> dict[str, object] | None:
        """A scope the chosen organisation's kind may not hold is refused beside the scopes."""
        cleaned = super().clean() or {}
        organisation = cleaned.get("organisation")
        chosen = cleaned.get("scopes") or []
        if isinstance(organisation, Organisation) and chosen:
            kind = organisation.kind
            if misfit := scope_holders.misfits(scopes=chosen, kind=kind):
                self.add_error("scopes", scope_misfit_message(scopes=misfit, kind=kind))
        return cleaned

    def clean_expires_on(self) -> object:
        value = self.cleaned_data.get("expires_on")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError("The expiry date must be in the future")
        return value

    def expires_at(self) -> datetime | None:
        """The end of the chosen day in the partnership's time zone, as an aware moment."""
        value = self.cleaned_data.get("expires_on")
        if value is None:
            return None
        london = ZoneInfo(settings.TIME_ZONE)
        return datetime.combine(value + timedelta(days=1), time.min, tzinfo=london)
