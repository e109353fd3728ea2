"""What the report pages post, with GOV.UK messages."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.forms.govuk import GovukForm
from safeguard.core.models import Person
from safeguard.reports import policies

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"]


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 1/4/2021",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": f"{label} must be a real date, like 1/4/2021"},
    )


class ReportForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, required=False)
    period_start = _date("First day of the period")
    period_end = _date("Last day of the period")
    threshold = forms.IntegerField(
        label="Smallest count shown in the public version",
        required=False,
        initial=5,
        help_text='Counts of people below this show as "fewer than" it. Usually 5.',
        error_messages={"invalid": "Enter the threshold as a whole number, like 5"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )


class NarrativeForm(GovukForm):
    body = forms.CharField(
        label="Text of the section",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Leave a blank line between paragraphs.",
    )
    owner = forms.ModelChoiceField(
        label="Owner (reviews the section)",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Keep the current owner",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(is_active=True).select_related("organisation")
        allowed = [p.pk for p in people if policies.may_own(p)]
        self.fields["owner"].queryset = people.filter(pk__in=allowed)  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda person: f"{person.full_name}, {person.organisation.name}"
        )


class ReviewForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your review",
        choices=[
            ("approve", "Approve the section: it goes to the statutory partners to sign off"),
            ("return", "Send it back for changes"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve the section or send it back"},
    )
    comment = forms.CharField(
        label="What needs to change (if you send it back)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
