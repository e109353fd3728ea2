"""The forms of the incident, matching and notification pages: each field labelled, each
error naming its field."""

from __future__ import annotations

from django import forms

from safeguard.core.forms.govuk import GovukForm
from safeguard.encompass.models import LaOutcome


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Incident CSV file",
        help_text="One row per child; the columns are listed above. At most 5 MB.",
        error_messages={"required": "Choose the CSV file of incidents to upload"},
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file must be 5 MB or smaller")
        return upload


class AcknowledgeForm(GovukForm):
    support_given = forms.CharField(
        label="What support is the school giving the child?",
        help_text="For example, a check-in with a trusted adult at the start of the day.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter the support the school is giving the child"},
    )


NONE_OF_THESE = "none"


class ReviewForm(GovukForm):
    """Any of the pupils put forward, or none of them (with a reason)."""

    decision = forms.ChoiceField(
        label="Which pupil is this child?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the pupil who is this child, or none of these"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Needed for \u201cnone of these\u201d, and when the chosen pupil's date of "
        "birth differs from the police record's.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, candidates: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["decision"].choices = [  # type: ignore[attr-defined]
            *((str(pk), label) for pk, label in candidates),
            (NONE_OF_THESE, "None of these is the child"),
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == NONE_OF_THESE and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why none of these pupils is the child")
        return data


class RollSearchForm(GovukForm):
    forename = forms.CharField(label="Forename", required=False, max_length=100)
    surname = forms.CharField(label="Surname", required=False, max_length=100)
    dob = forms.DateField(
        label="Date of birth",
        help_text="For example, 18/12/2016",
        input_formats=["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"],
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": "Date of birth must be a real date, like 18/12/2016"},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not self.errors and not ((data.get("surname") or "").strip() or data.get("dob")):
            self.add_error("surname", "Enter a surname or a date of birth to search the rolls")
        return data


class LinkForm(GovukForm):
    reason = forms.CharField(
        label="Why is this the same child?",
        help_text="Needed when the pupil's date of birth differs from the police record's.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What did the LA find?",
        choices=[(v, label) for v, label in LaOutcome.choices if v],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the LA found"},
    )
    upn = forms.CharField(
        label="UPN of the pupil (if found on a school roll)",
        help_text="You will be shown who this UPN is before anything is saved.",
        required=False,
        max_length=13,
    )
    checked_upn = forms.CharField(required=False, max_length=13, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is this the same child?",
        help_text="Needed when the pupil's date of birth differs from the police record's.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("outcome") == LaOutcome.FOUND_ON_ROLL and not data.get("upn"):
            self.add_error("upn", "Enter the UPN of the pupil the child was found as")
        return data


class RerouteForm(GovukForm):
    school_urn = forms.CharField(
        label="URN of the school the child attends",
        help_text="Six digits, from the register of schools. It must be a school of this "
        "partnership.",
        max_length=6,
        error_messages={"required": "Enter the URN of the school the child attends"},
    )
    reason = forms.CharField(
        label="Why is the child sent to this school?",
        help_text="For example, the school confirmed the child is on its roll.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Enter why the child is sent to this school"},
    )


class SchoolHelpForm(GovukForm):
    guidance = forms.CharField(
        label="The partnership's guidance for key adults",
        help_text="Shown with every notification: what to do on the day, who to call locally.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        required=False,
    )
    helpline = forms.CharField(
        label="Helpline details",
        help_text="The national Operation Encompass Teachers' Helpline, or your own.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )


class EscalationForm(GovukForm):
    action = forms.ChoiceField(
        choices=[("call", "Record the call"), ("resend", "Send again")],
        widget=forms.HiddenInput,
        error_messages={"required": "Choose what to do"},
    )
    note = forms.CharField(
        label="Who you spoke to at the school and what was agreed",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
