"""What the child deaths pages post, with GOV.UK error messages."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from safeguard.child_deaths import rules
from safeguard.child_deaths.models import Ethnicity, Gender, Place
from safeguard.child_deaths.services.jar import STEPS
from safeguard.children.identifiers import is_valid_nhs_number
from safeguard.core.forms.govuk import GovukForm
from safeguard.core.models import Organisation

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"]
DATE_HINT = "For example, 18/12/2026"
TIME_HINT = "Use the 24-hour clock, for example, 14:30"
YES_NO_NOT_KNOWN = [("yes", "Yes"), ("no", "No"), ("not_known", "Not known")]


def date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": f"{label} must be a real date, like 18/12/2026",
            "required": f"Enter {label[0].lower()}{label[1:]}",
        },
    )


def time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text=TIME_HINT,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": f"{label} must be a real time, like 14:30",
            "required": f"Enter {label[0].lower()}{label[1:]}",
        },
    )


def moment(day: Any, at: time) -> datetime:
    """A London date and time as an aware moment."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


class NotifyForm(GovukForm):
    full_name = forms.CharField(label="Child's full name", max_length=200)
    born_on = date_field("Date of birth")
    nhs_number = forms.CharField(
        label="NHS number (if known)", max_length=12, required=False, help_text="10 digits"
    )
    gender = forms.ChoiceField(
        label="Sex or gender", choices=Gender.choices, widget=forms.RadioSelect
    )
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=Ethnicity.choices, initial="not_known")
    home_postcode = forms.CharField(label="Home postcode (if known)", max_length=10, required=False)
    died_on = date_field("Date of death")
    died_time = time_field("Time of death")
    place = forms.ChoiceField(
        label="Place of death", choices=Place.choices, widget=forms.RadioSelect
    )
    place_detail = forms.CharField(
        label="Name of the hospital or place (if known)", max_length=200, required=False
    )
    expected = forms.TypedChoiceField(
        label="Was the death expected?",
        choices=[
            ("yes", "Expected: anticipated as a significant possibility 24 hours before"),
            ("no", "Unexpected"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="If in doubt, choose unexpected: the Joint Agency Response starts at once",
    )
    suspected_home_stillbirth = forms.ChoiceField(
        label=rules.STILLBIRTH_QUESTION,
        choices=rules.ANSWERS,
        widget=forms.RadioSelect,
        help_text="If yes, the place of death is home and the dates of birth and death are the "
        "same day. The Joint Agency Response starts at once",
        error_messages={
            "required": "Select yes, no or not known: was this a suspected stillbirth at home?"
        },
    )
    what_is_known = forms.CharField(
        label="What is known so far",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The circumstances as you know them, and who else knew the child",
    )

    def clean_nhs_number(self) -> str:
        value = "".join(self.cleaned_data.get("nhs_number", "").split())
        if value and not is_valid_nhs_number(value):
            raise forms.ValidationError("Enter a real NHS number, 10 digits, or leave it blank")
        return value


class JarForm(GovukForm):
    triggers = forms.MultipleChoiceField(
        label="What triggered the Joint Agency Response",
        choices=rules.JAR_TRIGGERS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    step = forms.ChoiceField(
        label="Step to record (optional)",
        choices=[("", "No step: save the triggers only")]
        + [(kind, label) for kind, (_, label) in STEPS.items()],
        required=False,
    )
    on = date_field("Date of the step", required=False)
    at = forms.TimeField(
        label="Time of the step",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text=TIME_HINT,
        error_messages={"invalid": "Time of the step must be a real time, like 14:30"},
    )
    key_worker = forms.CharField(label="Family's key worker", max_length=200, required=False)
    bereavement_support = forms.BooleanField(label="Bereavement support offered", required=False)
    leaflet_language = forms.CharField(
        label="Language of the leaflets given", max_length=60, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("step"):
            if not data.get("on"):
                self.add_error("on", "Enter the date of the step")
            if not data.get("at"):
                self.add_error("at", "Enter the time of the step")
        return data


def answer_field(label: str, *, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=rules.ANSWERS,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": f"Select yes, no or not known: {label}"},
    )


def barrier_kinds_field(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=rules.BARRIER_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select every kind that applies",
    )


class FormRequestForm(GovukForm):
    organisations = forms.ModelMultipleChoiceField(
        label="Agencies that knew the child",
        queryset=Organisation.objects.filter(active=True).exclude(kind="school").order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one agency to ask"},
    )


class ReportingFormForm(GovukForm):
    involvement = forms.CharField(
        label="Your agency's involvement with the child and family",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    concerns = forms.CharField(
        label="Any concerns about the child's care or safety (if any)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    poverty = answer_field(
        rules.POVERTY_QUESTION,
        help_text="As your agency knew it: for example, low income, debt, poor or overcrowded "
        "housing, or going without food or heating",
    )
    barriers = answer_field(rules.BARRIERS_QUESTION)
    barrier_kinds = barrier_kinds_field("Which barriers did the family meet?")
    barriers_detail = forms.CharField(
        label="What happened (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, which service, and how the barrier affected the child's care",
    )
    supplementary_kind = forms.ChoiceField(
        label="Supplementary form (if one applies)",
        choices=[("", "No supplementary form"), *sorted(rules.SUPPLEMENTARY_LABELS.items())],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, (_label, questions) in rules.SUPPLEMENTARY_FORMS.items():
            for question in questions:
                name = f"q_{kind}_{question.code}"
                if question.kind == rules.YES_NO:
                    self.fields[name] = forms.ChoiceField(
                        label=question.text,
                        choices=YES_NO_NOT_KNOWN,
                        required=False,
                        widget=forms.RadioSelect,
                    )
                else:
                    self.fields[name] = forms.CharField(
                        label=question.text, max_length=300, required=False
                    )

    def supplementary_fields(self) -> list[tuple[str, str, list[Any]]]:
        return [
            (kind, label, [self[f"q_{kind}_{q.code}"] for q in questions])
            for kind, (label, questions) in rules.SUPPLEMENTARY_FORMS.items()
        ]

    def answers(self) -> dict[str, str]:
        kind = self.cleaned_data.get("supplementary_kind") or ""
        if not kind:
            return {}
        return {
            q.code: self.cleaned_data.get(f"q_{kind}_{q.code}") or ""
            for q in rules.SUPPLEMENTARY_FORMS[kind][1]
        }


class MeetingForm(GovukForm):
    held_on = date_field("Date of the child death review meeting")


class ReviewForm(GovukForm):
    panel_meeting_on = date_field("Date of the panel's review")
    categories = forms.MultipleChoiceField(
        label="Categories of death that apply",
        choices=rules.CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
        help_text="The highest in the list that applies is recorded, as the national form asks",
        error_messages={"required": "Select every category of death that applies"},
    )
    poverty = answer_field(
        rules.POVERTY_QUESTION, help_text="The panel's answer, having read the agencies' forms"
    )
    barriers = answer_field(
        rules.BARRIERS_QUESTION, help_text="The panel's answer, having read the agencies' forms"
    )
    barrier_kinds = barrier_kinds_field("Which barriers did the family meet?")
    learning = forms.CharField(
        label="Learning", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in rules.DOMAINS:
            self.fields[f"level_{code}"] = forms.ChoiceField(
                label=label,
                choices=rules.LEVELS,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select what was found for {label.lower()}"},
            )
            self.fields[f"modifiable_{code}"] = forms.BooleanField(
                label=f"{label}: modifiable", required=False
            )

    def domain_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"level_{code}"], self[f"modifiable_{code}"]) for code, _ in rules.DOMAINS]

    def findings(self) -> dict[str, rules.DomainFinding]:
        return {
            code: rules.DomainFinding(
                level=self.cleaned_data.get(f"level_{code}") or "",
                modifiable=bool(self.cleaned_data.get(f"modifiable_{code}")),
            )
            for code, _ in rules.DOMAINS
        }


class LearningActionForm(GovukForm):
    title = forms.CharField(
        label="Action",
        max_length=300,
        help_text="What will be done, in a sentence. No child's name or details: the owner "
        "agency sees this",
    )
    owner_organisation = forms.ModelChoiceField(
        label="Owner agency",
        queryset=Organisation.objects.filter(active=True).exclude(kind="school").order_by("name"),
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency that owns the action",
            "invalid_choice": "Choose an agency from the list",
        },
    )
    due_on = date_field("Due date")
    description = forms.CharField(
        label="More detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


# The official IoD File 7 is about 6 MB and a partnership's extract of the postcode lookup a
# few MB; the full national lookup (over 1 GB) is cut to the area first (docs/child-deaths.md).
DEPRIVATION_MAX_BYTES = 100 * 1024 * 1024


class DeprivationUploadForm(GovukForm):
    areas = forms.FileField(
        label="English Indices of Deprivation file (CSV)",
        required=False,
        help_text="File 7 of the Indices of Deprivation, one row per LSOA, with its official"
        " column headings",
    )
    postcodes = forms.FileField(
        label="Postcode lookup (CSV)",
        required=False,
        help_text="The ONS postcode lookup, or your area's part of it: columns pcds and lsoa11"
        " (or lsoa21)",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("areas") and not data.get("postcodes"):
            self.add_error(
                "areas", "Choose the Indices of Deprivation file, the postcode lookup, or both"
            )
        for name in ("areas", "postcodes"):
            upload = data.get(name)
            if upload is None:
                continue
            if not (upload.name or "").lower().endswith(".csv"):
                self.add_error(name, "The selected file must be a CSV")
            elif (upload.size or 0) > DEPRIVATION_MAX_BYTES:
                self.add_error(name, "The selected file must be smaller than 100 MB")
            elif not upload.size:
                self.add_error(name, "The selected file is empty")
        return data
