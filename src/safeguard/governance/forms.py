"""What the action plan's pages post, with GOV.UK messages."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.forms.govuk import GovukForm
from safeguard.core.models import Organisation, Person
from safeguard.governance import sources
from safeguard.governance.models import GroupKind, InspectionKind

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"]
DATE_HINT = "For example, 18/12/2026"


def date_field(label: str, *, required: bool = False, hint: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=hint,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": f"{label} must be a real date, like 18/12/2026",
            "required": f"Enter {label[0].lower()}{label[1:]}",
        },
    )


def add_service_errors(form: forms.Form, error: Any) -> None:
    """Put a service's errors on the named fields, the rest at the top of the form."""
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


STATUS_FILTERS = [
    ("", "Any status"),
    ("open", "Open (not started or in progress)"),
    ("not_started", "Not started"),
    ("in_progress", "In progress"),
    ("completed", "Complete"),
    ("withdrawn", "Withdrawn"),
]


class PlanFilterForm(GovukForm):
    source = forms.ChoiceField(label="Source", required=False)
    owner = forms.ModelChoiceField(
        label="Owner organisation",
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="Any organisation",
    )
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTERS, required=False)
    overdue = forms.ChoiceField(
        label="Overdue",
        choices=[("", "Overdue or not"), ("yes", "Overdue only")],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "Any source")] + [  # type: ignore[attr-defined]
            (source.kind, source.label) for source in sources.kinds()
        ]


class ActionForm(GovukForm):
    title = forms.CharField(
        label="Action",
        max_length=300,
        error_messages={"required": "Enter what the action is"},
    )
    description = forms.CharField(
        label="More detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner_organisation = forms.ModelChoiceField(
        label="Owner organisation",
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        error_messages={"required": "Choose the organisation that owns the action"},
    )
    owner_person = forms.ModelChoiceField(
        label="Owner (optional)",
        queryset=Person.objects.filter(is_active=True).select_related("organisation"),
        required=False,
        help_text="Someone in the owner organisation",
    )
    due_on = date_field("Due date", required=True)


class ProgressForm(GovukForm):
    text = forms.CharField(
        label="Progress made", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[("not_started", "Not started"), ("in_progress", "In progress")],
        widget=forms.RadioSelect,
        initial="in_progress",
        error_messages={"required": "Choose whether the action is not started or in progress"},
    )
    on = date_field("Date of the progress (optional)", hint="Today if left blank. " + DATE_HINT)


class CompleteForm(GovukForm):
    evidence = forms.CharField(
        label="Evidence that the action is complete",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence_of_impact = forms.CharField(
        label="Evidence of impact (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    completed_on = date_field("Date completed (optional)", hint="Today if left blank. " + DATE_HINT)


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is the action withdrawn?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InspectionForm(GovukForm):
    kind = forms.ChoiceField(
        label="Inspection",
        choices=InspectionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of inspection"},
    )
    title = forms.CharField(label="Title of the report", max_length=300, required=False)
    reported_on = date_field("Date of the report")
    link = forms.URLField(
        label="Link to the published report (optional)", required=False, assume_scheme="https"
    )


class GroupForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind",
        choices=GroupKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is a group or an audit"},
    )
    name = forms.CharField(label="Name", max_length=200, required=False)
    started_on = date_field("Date it started")


# --- Funding and priorities --------------------------------------------------------------------


def _iso_date(value: str) -> Any:
    from datetime import date

    return date.fromisoformat(value)


def _year_choices() -> list[tuple[str, str]]:
    from datetime import date

    from safeguard.governance.financial_years import financial_year_label

    this = date.today().year
    return [("", "Choose a year")] + [
        (f"{y}-04-01", financial_year_label(date(y, 4, 1))) for y in range(this + 1, this - 8, -1)
    ]


class FundingForm(GovukForm):
    organisation = forms.ModelChoiceField(
        label="Partner",
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="Choose a partner",
    )
    year_start = forms.TypedChoiceField(
        label="Financial year",
        choices=_year_choices,
        required=False,
        coerce=_iso_date,
        empty_value=None,
    )
    amount = forms.DecimalField(
        label="Amount in pounds",
        required=False,
        max_digits=12,
        decimal_places=2,
        error_messages={"invalid": "Enter the amount as a number, like 26102 or 26102.50"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
    )
    funds = forms.CharField(
        label="What it funds",
        required=False,
        help_text="For example, the Business Unit's staff, multi-agency training",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PriorityForm(GovukForm):
    title = forms.CharField(label="Priority", max_length=200, required=False)
    description = forms.CharField(
        label="What the priority means (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation",
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="Choose an organisation",
    )
    lead_person = forms.ModelChoiceField(
        label="Lead (optional)",
        queryset=Person.objects.filter(is_active=True).select_related("organisation"),
        required=False,
        help_text="Someone in the lead organisation: they record its progress",
    )
    starts_on = date_field("Date the priority was set")
    ends_on = date_field("Date it ends (optional)")


class EvidenceForm(GovukForm):
    title = forms.CharField(label="What the evidence is", max_length=300, required=False)
    source_kind = forms.ChoiceField(label="Kind of record (optional)", required=False)
    source_id = forms.CharField(
        label="Record number (optional)",
        max_length=64,
        required=False,
        help_text="The number of the review, audit or other record in Safeguard",
    )
    url = forms.CharField(
        label="Address (optional)",
        max_length=500,
        required=False,
        help_text="A page of Safeguard such as an indicator (/performance/indicators/3) or a "
        "published document (https://...)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_kind"].choices = [("", "No record: an address")] + [  # type: ignore[attr-defined]
            (source.kind, source.label) for source in sources.kinds()
        ]


class PriorityProgressForm(GovukForm):
    on = date_field("Date of the update")
    text = forms.CharField(
        label="Progress made", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
