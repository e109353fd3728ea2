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
