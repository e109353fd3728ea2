"""What the assurance pages post, with GOV.UK error messages (``GovukForm``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safeguard.assurance import rules
from safeguard.assurance.models import AuditTool, GradingScale
from safeguard.core.forms.govuk import GovukForm, govuk_messages
from safeguard.core.models import Organisation

AUDIT_AGENCY_KINDS = ("local_authority", "police", "icb", "health_trust", "probation", "other")

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"]


def date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text="For example, 18/12/2026",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": f"{label} must be a real date, like 18/12/2026"},
    )


def text(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=5000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def place_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's errors on the form's fields (the rest on top)."""
    for name, messages in error.message_dict.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def _agencies() -> Any:
    return Organisation.objects.filter(active=True).exclude(kind="partnership").order_by("name")


# --- Concerns Resolution ----------------------------------------------------------------------


class ChildSearchForm(GovukForm):
    forename = forms.CharField(label="First name", max_length=100, required=False)
    surname = forms.CharField(label="Last name", max_length=100)
    dob = date_field("Date of birth", required=False)


class EscalationForm(GovukForm):
    other_organisation = forms.ModelChoiceField(
        label="Which agency made the decision you disagree with?",
        queryset=Organisation.objects.none(),
    )
    theme = forms.ChoiceField(
        label="What is the concern about?", choices=list(rules.THEMES.items())
    )
    decision = text("The decision you disagree with")
    concern = text(
        "Why you disagree",
        help_text="What you have already done to resolve it with the practitioner",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["other_organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _agencies()


class RespondForm(GovukForm):
    response = text("Your agency's answer")


class DecideForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Is the concern resolved?",
        choices=[
            (rules.OUTCOME_RESOLVED, "Yes, it is resolved at this stage"),
            (rules.OUTCOME_ESCALATED, "No, escalate it to the next stage"),
        ],
        widget=forms.RadioSelect,
    )
    note = text("How it was resolved, or why it is not")


# --- Self-assessments -------------------------------------------------------------------------


class TemplateForm(GovukForm):
    kind = forms.ChoiceField(
        label="Which self-assessment are these standards for?",
        choices=list(rules.TEMPLATE_KINDS.items()),
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label="Title", max_length=200)
    standards = forms.CharField(
        label="Standards",
        help_text="One standard a line: its title, then | and its guidance if any",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
    )

    def clean_standards(self) -> list[tuple[str, str]]:
        try:
            return rules.parse_standards(self.cleaned_data["standards"])
        except ValueError as error:
            raise ValidationError(str(error)) from error


class RoundForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200)
    year = forms.IntegerField(label="Year", min_value=2000, max_value=2100)
    returns_due_on = date_field("Date returns are due")
    kinds = forms.MultipleChoiceField(
        label="Who assesses themselves",
        choices=[
            ("statutory", "The statutory partners and other agencies (Section 11)"),
            ("school", "Schools and colleges (Section 175 and 157)"),
            ("third_sector", "Faith and third sector bodies (shorter version)"),
        ],
        widget=forms.CheckboxSelectMultiple,
    )


def organisations_of(kinds: list[str]) -> list[Organisation]:
    found = Organisation.objects.filter(active=True).exclude(kind="partnership")
    chosen = []
    for organisation in found.order_by("name"):
        kind = rules.template_kind_for(organisation.kind)
        group = {"section_11": "statutory", "section_175": "school"}.get(kind, "third_sector")
        if group in kinds:
            chosen.append(organisation)
    return chosen


def return_form(standards: list[Any], data: Any = None) -> GovukForm:
    """One rating and one piece of evidence per standard, then the voice of the child."""
    fields: dict[str, forms.Field] = {}
    for standard in standards:
        fields[f"rag_{standard.pk}"] = forms.ChoiceField(
            label=f"Standard {standard.number}: {standard.title}",
            help_text=standard.guidance,
            choices=list(rules.RAG.items()),
            widget=forms.RadioSelect,
            error_messages={"required": f"Choose a rating for standard {standard.number}"},
        )
        fields[f"evidence_{standard.pk}"] = forms.CharField(
            label=f"Evidence for standard {standard.number}",
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": f"Enter the evidence for standard {standard.number}"},
        )
    fields["voice_of_child"] = forms.CharField(
        label=rules.VOICE_OF_THE_CHILD,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter how your organisation hears the voice of the child"},
    )
    form_class = type("ReturnForm", (GovukForm,), fields)
    return form_class(data)


class ChallengeForm(GovukForm):
    rating = forms.ChoiceField(label="Which standard do you challenge?")
    question = text("Your challenge")

    def __init__(self, *args: Any, ratings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rating"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (str(r.pk), f"Standard {r.standard.number}: {r.standard.title}") for r in ratings
        ]


class AnswerForm(GovukForm):
    answer = text("Your answer")


class ActionForm(GovukForm):
    title = forms.CharField(label="Action", max_length=300)
    due_on = date_field("Due date")
    description = text("Detail", required=False)


class ReviewActionForm(ActionForm):
    owner = forms.ModelChoiceField(label="Owner organisation", queryset=Organisation.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _agencies()


# --- Secure settings --------------------------------------------------------------------------


class ReturnForm(GovukForm):
    narrative = text("What lies behind the figures", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, definition in reversed(rules.FIGURES):
            self.fields = {
                name: forms.IntegerField(
                    label=label,
                    help_text=f"{definition}. Leave blank if it does not apply.",
                    required=False,
                    min_value=0,
                    max_value=100000,
                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                ),
                **self.fields,
            }
        govuk_messages(self)


class IncidentReviewForm(GovukForm):
    organisation = forms.ModelChoiceField(
        label="Secure setting", queryset=Organisation.objects.filter(kind="secure_setting")
    )
    title = forms.CharField(label="Title", max_length=200)
    reviewed_on = date_field("Date of the review")
    reviewed_by = forms.CharField(
        label="Reviewed by", max_length=200, initial="Youth Custody Service"
    )
    summary = text("What happened")
    learning = text("Learning")


# --- Multi-agency case audits -------------------------------------------------------------------


class ScaleForm(GovukForm):
    name = forms.CharField(
        label="Name of the scale",
        max_length=200,
        help_text="The same name again saves a new version: audits already planned keep theirs",
    )
    grades = forms.CharField(
        label="Grades",
        help_text="One grade a line, best first: its label, then | and what it means. "
        f"Between {rules.MIN_GRADES} and {rules.MAX_GRADES} grades.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
    )
    lowest_good_enough = forms.CharField(
        label="The lowest grade that is good enough",
        help_text="Type its label as above. It and every grade above it count as good enough; "
        "the grades below it fall short",
        max_length=rules.MAX_LABEL,
    )


class ScaleChoiceField(forms.ModelChoiceField):
    """A scale offered with its grades, so the choice is made knowing what it means."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({', '.join(g['label'] for g in obj.grades)})"


class ToolForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200)
    questions = forms.CharField(
        label="Questions",
        help_text="One question a line; each is graded on the scale you choose below",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
    )
    scale = ScaleChoiceField(
        label="Grading scale",
        queryset=GradingScale.objects.none(),
        empty_label=None,
        help_text="Ofsted's four grades, or a scale the Business Unit has written",
    )

    def __init__(self, *args: Any, scales: list[GradingScale], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scale"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = GradingScale.objects.filter(pk__in=[s.pk for s in scales])
        if scales and not self.is_bound:
            self.initial.setdefault("scale", scales[0].pk)

    def clean_questions(self) -> list[str]:
        try:
            return rules.parse_questions(self.cleaned_data["questions"])
        except ValueError as error:
            raise ValidationError(str(error)) from error


class AuditForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200)
    theme = forms.ChoiceField(label="Theme", choices=list(rules.AUDIT_THEMES.items()))
    year = forms.IntegerField(label="Year of the programme", min_value=2000, max_value=2100)
    criteria = text(
        "How the cases are chosen",
        help_text="For example, 10 children made subject to a child protection plan between "
        "September and November",
    )
    tool = forms.ModelChoiceField(label="Audit tool", queryset=AuditTool.objects.none())
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies taking part",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tool = self.fields["tool"]
        agencies = self.fields["agencies"]
        assert isinstance(tool, forms.ModelChoiceField)
        assert isinstance(agencies, forms.ModelMultipleChoiceField)
        tool.queryset = AuditTool.objects.all()
        agencies.queryset = Organisation.objects.filter(
            active=True, kind__in=list(AUDIT_AGENCY_KINDS)
        ).order_by("name")


def _grade_choices(scale: rules.Scale) -> list[tuple[str, str]]:
    return list(scale.labels.items())


def case_answer_form(
    questions: list[str], scale: rules.Scale, data: Any = None, initial: Any = None
) -> GovukForm:
    fields: dict[str, forms.Field] = {}
    for n, question in enumerate(questions, start=1):
        fields[f"grade_{n}"] = forms.ChoiceField(
            label=f"{n}. {question}",
            choices=_grade_choices(scale),
            widget=forms.RadioSelect,
            error_messages={"required": f"Choose a grade for question {n}"},
        )
        fields[f"comment_{n}"] = forms.CharField(
            label=f"Comment on question {n}",
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
    form_class = type("CaseAnswerForm", (GovukForm,), fields)
    return form_class(data, initial=initial)


def moderation_form(cases: list[Any], scale: rules.Scale, data: Any = None) -> GovukForm:
    fields: dict[str, forms.Field] = {}
    for case in cases:
        fields[f"agreed_{case.pk}"] = forms.ChoiceField(
            label=f"Agreed grade for {rules.case_label(case.number)}",
            choices=_grade_choices(scale),
            error_messages={"required": f"Choose the agreed grade for case {case.number}"},
        )
    fields["notes"] = text("Notes of the moderation")
    form_class = type("ModerationForm", (GovukForm,), fields)
    return form_class(data)


class FindingForm(GovukForm):
    grade = forms.ChoiceField(label="Grade")
    theme = forms.ChoiceField(label="Theme", choices=list(rules.AUDIT_THEMES.items()))
    text = text("Finding")

    def __init__(self, *args: Any, scale: rules.Scale, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["grade"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _grade_choices(scale)


class QuestionnaireForm(GovukForm):
    confident = forms.TypedChoiceField(
        label="Were you confident about your role in the child's plan?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    helped = text("What helped you share information?", required=False)
    hindered = text("What got in the way?", required=False)
