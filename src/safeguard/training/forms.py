"""The forms of the training pages. They parse; the rules and services decide."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguard.core import themes
from safeguard.core.forms.govuk import GovukForm
from safeguard.core.models import Organisation, Person
from safeguard.training.models import Course, CourseKind, DeliveryMode, Evaluation, Trainer

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%I:%M%p", "%I%p", "%I:%M %p", "%I %p"]
SCORES = [(str(n), str(n)) for n in range(1, 6)]


def _date(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text="For example, 18/12/2026",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": f"{label} must be a real date, like 18/12/2026"},
        **kwargs,
    )


def _time(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=TIME_FORMATS,
        help_text="For example, 09:30 or 2:15pm",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": f"{label} must be a real time, like 09:30 or 2:15pm"},
    )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors on the named fields, the rest at the top of the form."""
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


class CourseForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind of course", choices=CourseKind.choices)
    outcomes = forms.CharField(label="Learning outcomes", widget=forms.Textarea(attrs={"rows": 4}))
    audience = forms.CharField(label="Audience", max_length=300)
    length = forms.CharField(label="Length", max_length=100, help_text="For example, 3 hours")
    parts = forms.IntegerField(
        label="Number of parts",
        min_value=1,
        max_value=6,
        help_text="Every part must be attended to complete the course",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    delivery_modes = forms.MultipleChoiceField(
        label="How it is delivered",
        choices=DeliveryMode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    review_themes = forms.MultipleChoiceField(
        label="Themes of learning from reviews it addresses (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    last_updated_on = _date("Date last updated")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = themes.theme_names()
        self.fields["review_themes"].choices = [(n, n) for n in names]  # type: ignore[attr-defined]
        if not names:
            self.fields["review_themes"].help_text = "No themes of learning have been set up yet"

    def clean_title(self) -> str:
        title = str(self.cleaned_data["title"]).strip()
        existing = Course.objects.filter(title__iexact=title)
        if self.initial.get("pk"):
            existing = existing.exclude(pk=self.initial["pk"])
        if existing.exists():
            raise ValidationError("A course with this title already exists")
        return title


class SessionForm(GovukForm):
    part = forms.IntegerField(
        label="Part",
        min_value=1,
        max_value=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    day = _date("Date")
    starts = _time("Start time")
    ends = _time("End time")
    mode = forms.ChoiceField(
        label="How it is delivered", choices=DeliveryMode.choices, widget=forms.RadioSelect
    )
    venue = forms.CharField(
        label="Venue (if face to face or hybrid)", max_length=300, required=False
    )
    joining_link = forms.URLField(
        label="Joining link (if online or hybrid)",
        max_length=200,
        required=False,
        assume_scheme="https",
    )
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=500,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    trainers = forms.ModelMultipleChoiceField(
        label="Trainers (optional)",
        queryset=Trainer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        trainers = Trainer.objects.filter(active=True).select_related("person")
        field = self.fields["trainers"]
        field.queryset = trainers  # type: ignore[attr-defined]
        field.label_from_instance = lambda t: t.person.full_name  # type: ignore[attr-defined]
        self.fields["part"].max_value = course.parts  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        return {
            "part": data["part"],
            "starts_at": datetime.combine(data["day"], data["starts"], tzinfo=zone),
            "ends_at": datetime.combine(data["day"], data["ends"], tzinfo=zone),
            "mode": data["mode"],
            "venue": data["venue"],
            "joining_link": data["joining_link"],
            "capacity": data["capacity"],
        }


class EvaluationForm(GovukForm):
    met_expectations = forms.TypedChoiceField(
        label="Did the session meet your expectations?",
        error_messages={"required": "Select yes if the session met your expectations, or no"},
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    outcomes_learned = forms.ChoiceField(
        label="Did you learn what the course set out to teach?",
        error_messages={"required": "Select whether you learned what the course set out to teach"},
        choices=Evaluation.Learned.choices,
        widget=forms.RadioSelect,
    )
    knowledge_before = forms.TypedChoiceField(
        label="Your knowledge before the session, from 1 (little) to 5 (a lot)",
        error_messages={"required": "Select your knowledge before the session"},
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    knowledge_after = forms.TypedChoiceField(
        label="Your knowledge after the session",
        error_messages={"required": "Select your knowledge after the session"},
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    confidence_before = forms.TypedChoiceField(
        label="Your confidence before the session, from 1 (not confident) to 5 (very)",
        error_messages={"required": "Select your confidence before the session"},
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    confidence_after = forms.TypedChoiceField(
        label="Your confidence after the session",
        error_messages={"required": "Select your confidence after the session"},
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label="Anything else you want to tell us (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FollowUpForm(GovukForm):
    practice_changed = forms.TypedChoiceField(
        label="Has the training changed your practice?",
        error_messages={"required": "Select yes if the training changed your practice, or no"},
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    what_changed = forms.CharField(
        label="What changed (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RegisterForm(GovukForm):
    attended = forms.MultipleChoiceField(
        label="Who attended", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, bookings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [  # type: ignore[attr-defined]
            (str(b.pk), f"{b.person.full_name} ({b.organisation.name})") for b in bookings
        ]


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve the booking"), ("decline", "Do not approve")],
        widget=forms.RadioSelect,
    )


class TrainerForm(GovukForm):
    person = forms.ModelChoiceField(label="Person", queryset=Person.objects.none())
    courses = forms.ModelMultipleChoiceField(
        label="Courses they can deliver",
        queryset=Course.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.CharField(label="Availability (optional)", max_length=300, required=False)
    trained_on = _date("Date last trained as a trainer (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(is_active=True, trainer__isnull=True).select_related(
            "organisation"
        )
        field = self.fields["person"]
        field.queryset = people  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.full_name} ({p.organisation.name})"
        )
        self.fields["courses"].queryset = Course.objects.filter(active=True)  # type: ignore[attr-defined]


class NeedsSurveyForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, initial="Training needs analysis")
    closes_on = _date("Closing date")


class NeedsAnswerForm(GovukForm):
    courses = forms.ModelMultipleChoiceField(
        label="Courses your organisation needs (optional)",
        queryset=Course.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_needs = forms.CharField(
        label="Other training needs (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    people = forms.IntegerField(
        label="How many people need training",
        min_value=0,
        max_value=100_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    preferred_mode = forms.ChoiceField(
        label="How you prefer training to be delivered",
        choices=DeliveryMode.choices,
        widget=forms.RadioSelect,
    )
    trainers_offered = forms.IntegerField(
        label="How many trainers your organisation can offer to the pool",
        min_value=0,
        max_value=1000,
        initial=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = Course.objects.filter(active=True)  # type: ignore[attr-defined]


class ApprovalSettingForm(GovukForm):
    approval_required = forms.BooleanField(
        label="Bookings need the approver's agreement", required=False
    )
    approver = forms.ModelChoiceField(
        label="Approver (optional)", queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, is_active=True
        )


class AccountRequestForm(GovukForm):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.CharField(
        label="Work email address",
        max_length=254,
        help_text="We will send the link to set your password here if your request is approved",
    )
    job_title = forms.CharField(label="Job title", max_length=200, required=False)
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Your organisation",
        queryset=Organisation.objects.none(),
        empty_label="Select your organisation",
        help_text="If your organisation is not listed, ask the partnership's Business Unit",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(active=True).order_by("name")
        field.error_messages["required"] = "Select your organisation"
        field.error_messages["invalid_choice"] = "Select your organisation"
        self.fields["full_name"].error_messages["required"] = "Enter your full name"
        self.fields["email"].error_messages["required"] = "Enter your work email address"


class AccountRefuseForm(GovukForm):
    reason = forms.CharField(
        label="Why is the request not approved?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the request; the person is told only that it was not approved",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Say why the request is not approved"
