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


# --- Meetings (issue 17, part 1) -------------------------------------------------------------
# Imported here, not at the top, so this block merges beside other additions to the file.
from safeguard.core.models import Group  # noqa: E402
from safeguard.governance.models import AttendanceStatus, MeetingFormat  # noqa: E402

TIME_FORMATS = ["%H:%M", "%H.%M", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p"]


def time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=TIME_FORMATS,
        help_text="For example, 09:30 or 2:15pm",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "invalid": f"{label} must be a real time, like 09:30 or 2:15pm",
            "required": f"Enter {label[0].lower()}{label[1:]}",
        },
    )


class MeetingForm(GovukForm):
    group: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Group",
        queryset=Group.objects.none(),
        error_messages={"required": "Choose the group that meets"},
    )
    first_day = date_field("Date of the first meeting", required=True)
    starts = time_field("Start time")
    ends = time_field("End time")
    frequency = forms.ChoiceField(
        label="How often",
        widget=forms.RadioSelect,
        initial="once",
        error_messages={"required": "Choose how often the group meets"},
    )
    count = forms.IntegerField(
        label="Number of meetings",
        min_value=1,
        max_value=52,
        initial=1,
        help_text="For a recurring schedule: how many meetings to set, up to 52",
        error_messages={
            "required": "Enter the number of meetings",
            "invalid": "The number of meetings must be a whole number",
            "min_value": "The number of meetings must be 1 or more",
            "max_value": "The number of meetings must be 52 or fewer",
        },
    )
    format = forms.ChoiceField(
        label="Where the group meets",
        choices=MeetingFormat.choices,
        widget=forms.RadioSelect,
        initial="in_person",
        error_messages={"required": "Choose whether the meeting is in person or online"},
    )
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    joining_link = forms.CharField(
        label="Link to join online", max_length=500, required=False, help_text="Starting https://"
    )
    chair: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Chair (optional)",
        queryset=Person.objects.none(),
        required=False,
        empty_label="The group's chair",
    )
    papers_due_days = forms.IntegerField(
        label="Papers due (working days before the meeting)",
        min_value=0,
        max_value=20,
        initial=5,
        error_messages={
            "required": "Enter how many working days before the meeting papers are due",
            "invalid": "Enter a whole number of working days",
            "min_value": "Enter 0 or more working days",
            "max_value": "Enter 20 working days or fewer",
        },
    )

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        from safeguard.governance.scheduling import FREQUENCIES

        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["frequency"].choices = list(FREQUENCIES.items())  # type: ignore[attr-defined]
        self.fields["chair"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(is_active=True, memberships__group__in=groups)
            .distinct()
            .order_by("full_name")
        )


class AgendaItemForm(GovukForm):
    title = forms.CharField(
        label="Agenda item", max_length=300, error_messages={"required": "Enter the agenda item"}
    )
    minutes = forms.IntegerField(
        label="Time needed (minutes)",
        min_value=1,
        max_value=240,
        initial=10,
        error_messages={
            "required": "Enter how many minutes the item needs",
            "invalid": "Enter a whole number of minutes",
            "min_value": "Enter 1 minute or more",
            "max_value": "An item can take at most 240 minutes",
        },
    )
    owner_organisation = forms.ModelChoiceField(
        label="Presented by (optional)",
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="No one organisation",
    )
    paper_expected = forms.BooleanField(
        label="A paper is expected from the organisation presenting", required=False
    )


class AgendaItemEditForm(GovukForm):
    title = forms.CharField(
        label="Agenda item", max_length=300, error_messages={"required": "Enter the agenda item"}
    )
    minutes = AgendaItemForm.base_fields["minutes"]
    owner_organisation = AgendaItemForm.base_fields["owner_organisation"]


class AgendaFillForm(GovukForm):
    keys = forms.MultipleChoiceField(
        label="Items due for this meeting",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one item to add"},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keys"].choices = choices  # type: ignore[attr-defined]


class PaperForm(GovukForm):
    title = forms.CharField(
        label="Title of the paper",
        max_length=200,
        error_messages={"required": "Enter the title of the paper"},
    )
    purpose = forms.CharField(
        label="Purpose",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the paper comes to the group",
        error_messages={"required": "Enter the purpose of the paper"},
    )
    decision_needed = forms.CharField(
        label="Decision needed",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the group is asked to decide or note",
        error_messages={"required": "Enter the decision the group is asked to make"},
    )
    risks = forms.CharField(
        label="Risks (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    restricted = forms.BooleanField(
        label="Restricted: only the group's members may read this paper", required=False
    )
    file = forms.FileField(
        label="The paper (optional)",
        required=False,
        help_text="A PDF, Word, Excel or PowerPoint file of at most 20 MB",
        error_messages={"empty": "The selected file is empty"},
    )


class MinutesForm(GovukForm):
    discussion = forms.CharField(
        label="Summary of the discussion",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    decisions = forms.CharField(
        label="Decisions", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttendanceForm(GovukForm):
    """One question per organisation expected at the meeting."""

    def __init__(self, *args: Any, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not recorded"), *AttendanceStatus.choices]
        for row in rows:
            organisation = row["organisation"]
            self.fields[f"organisation_{organisation.pk}"] = forms.ChoiceField(
                label=organisation.name,
                choices=choices,
                required=False,
                initial=row["status"],
            )

    def statuses(self) -> dict[int, str]:
        return {
            int(name.removeprefix("organisation_")): value
            for name, value in self.cleaned_data.items()
        }


class AttendanceYearForm(GovukForm):
    year = forms.ChoiceField(label="Year (April to March)", required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (str(year), f"April {year} to March {year + 1}") for year in years
        ]


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
