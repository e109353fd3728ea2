"""The domestic abuse forms: DASH, a board decision, closing the board, a MARAC referral,
research, an outcome, and a link decision. GOV.UK messages (``GovukForm``)."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.forms.govuk import GovukForm, LongSelect
from safeguard.domestic_abuse import rules
from safeguard.domestic_abuse.models import Outcome

_ANSWERS = [(a.value, rules.ANSWER_LABELS[a]) for a in rules.Answer]
_LEVELS = [("", "No judgement: the count gives the level")] + [
    (lv.value, rules.LEVEL_LABELS[lv]) for lv in rules.Level
]


class DashForm(GovukForm):
    """The 24 questions (our wording, following the SafeLives Dash risk checklist)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, (code, question) in enumerate(rules.QUESTIONS, start=1):
            self.fields[code] = forms.ChoiceField(
                label=f"{number}. {question}",
                choices=_ANSWERS,
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer question {number}"},
            )
        self.fields["judgement"] = forms.ChoiceField(
            label="Professional judgement",
            choices=_LEVELS,
            required=False,
            widget=forms.RadioSelect,
            help_text="It can raise the level the count gives, never lower it.",
        )
        self.fields["judgement_reason"] = forms.CharField(
            label="Reason for your judgement", required=False, widget=forms.Textarea
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("judgement") and not (data.get("judgement_reason") or "").strip():
            self.add_error("judgement_reason", "Give the reason for your judgement")
        return data

    @property
    def question_fields(self) -> list[Any]:
        return [self[code] for code in rules.QUESTION_CODES]

    def answers(self) -> dict[str, str]:
        return {code: self.cleaned_data[code] for code in rules.QUESTION_CODES}


class DecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    rationale = forms.CharField(label="Rationale", widget=forms.Textarea, max_length=5000)
    agreed_by = forms.MultipleChoiceField(
        label="Agencies that agreed",
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        error_messages={"required": "Choose the agencies that agreed"},
    )

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreed_by"].choices = [(str(o.pk), o.name) for o in agencies]  # type: ignore[attr-defined]


class CloseForm(GovukForm):
    attendees = forms.MultipleChoiceField(
        label="Who attended",
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        error_messages={"required": "Choose who attended"},
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [  # type: ignore[attr-defined]
            (str(p.pk), f"{p.full_name}, {p.organisation.name}") for p in people
        ]


class ReferralForm(GovukForm):
    reason = forms.CharField(
        label="Why the victim should be heard at the MARAC",
        widget=forms.Textarea,
        max_length=5000,
        help_text="Name the criterion (visible high risk, judgement, escalation or repeat).",
    )


class ResearchForm(GovukForm):
    findings = forms.CharField(
        label="What your agency knows of the household", widget=forms.Textarea, max_length=10000
    )


class OutcomeForm(GovukForm):
    outcome = forms.CharField(label="The MARAC's outcome", widget=forms.Textarea, max_length=5000)


class LinkForm(GovukForm):
    other = forms.IntegerField(label="Other record number", min_value=1)
    same = forms.ChoiceField(
        label="Are they the same person?",
        choices=[("yes", "Yes: the same person"), ("no", "No: different people")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea, max_length=2000)


class ActionForm(GovukForm):
    title = forms.CharField(label="The action", max_length=300)
    owner = forms.ChoiceField(
        label="Agency that owns it",
        choices=(),
        error_messages={"required": "Choose the agency that owns the action"},
    )
    due_on = forms.DateField(
        label="Due date",
        help_text="For example, 27/3/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "required": "Enter the date the action is due",
            "invalid": "Enter the due date as day/month/year, for example 27/3/2026",
        },
    )

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Choose an agency")] + [  # type: ignore[attr-defined]
            (str(o.pk), o.name) for o in agencies
        ]


class HomeEducationForm(GovukForm):
    pupil = forms.ChoiceField(
        label="Pupil",
        choices=(),
        widget=LongSelect,
        error_messages={"required": "Choose the pupil"},
    )
    leaving_on = forms.DateField(
        label="Date the pupil leaves",
        help_text="For example, 27/3/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "required": "Enter the date the pupil leaves",
            "invalid": "Enter the date as day/month/year, for example 27/3/2026",
        },
    )
    aware_of_abuse = forms.ChoiceField(
        label="Are you aware of any domestic abuse incidents within the family?",
        choices=[("yes", "Yes"), ("no", "No"), ("not_known", "Not known")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you are aware of domestic abuse"},
    )
    details = forms.CharField(
        label="What you know (if yes)", widget=forms.Textarea, required=False, max_length=5000
    )

    def __init__(self, *args: Any, pupils: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].choices = [("", "Choose a pupil")] + [  # type: ignore[attr-defined]
            (str(p.pk), f"{p.forename} {p.surname}") for p in pupils
        ]


class AdultWomenForm(GovukForm):
    figure = forms.IntegerField(
        label="Women aged 16 and over in the area",
        help_text="From the ONS mid-year population estimates for the MARAC's area: females aged"
        " 16 and over, the population SafeLives divides a MARAC's cases by",
        required=False,
    )
    year = forms.IntegerField(
        label="Year of the estimate", help_text="For example, 2024", required=False
    )
    source = forms.CharField(
        label="Source",
        help_text="For example, ONS mid-2024 population estimates, local authority",
        max_length=300,
        required=False,
    )
