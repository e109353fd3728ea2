"""The forms of the reviews pages. They parse; the rules and services decide.

Dates are typed as day/month/year text ("18/12/2026"): the rules check them against today, and
each error names its field so the GOV.UK error summary can link to it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safeguard.core.forms.govuk import GovukForm
from safeguard.core.models import Organisation
from safeguard.reviews import rules
from safeguard.reviews.models import (
    AbuseOrNeglect,
    Decision,
    Dissemination,
    Gender,
    Harm,
    Meeting,
    ReferrerView,
    Theme,
)

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


def _choices(choices: Any) -> list[tuple[str, str]]:
    return list(choices)


class ReferralForm(GovukForm):
    incident_date = date_field("Date of the incident")
    la_aware_on = date_field("Date the local authority became aware")
    summary = forms.CharField(
        label="What happened",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What happened, when and where, as far as it is known",
    )
    harm = forms.ChoiceField(
        label="Harm", choices=_choices(Harm.choices), required=False, widget=forms.RadioSelect
    )
    abuse_or_neglect = forms.ChoiceField(
        label="Is abuse or neglect known or suspected?",
        choices=_choices(AbuseOrNeglect.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    agencies_involved = forms.ModelMultipleChoiceField(
        label="Agencies involved with the child or family",
        queryset=Organisation.objects.filter(active=True).exclude(kind="school"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    referrer_view = forms.ChoiceField(
        label="Your view against the criteria for notification",
        choices=_choices(ReferrerView.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    referrer_reasons = forms.CharField(
        label="Reasons for your view",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def add_rule_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


class ChildForm(GovukForm):
    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    date_of_birth = date_field("Date of birth")
    gender = forms.ChoiceField(
        label="Gender",
        choices=[("", "Choose"), *_choices(Gender.choices)],
        required=False,
    )
    ethnicity = forms.CharField(label="Ethnicity", max_length=100, required=False)
    address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    identifiers = forms.CharField(
        label="Known identifiers",
        max_length=300,
        required=False,
        help_text="NHS number, UPN, police or LA reference, if known",
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(str(v or "").strip() for v in data.values())

    def details(self) -> rules.ChildDetails:
        data = self.cleaned_data
        return rules.ChildDetails(
            full_name=data.get("full_name") or "",
            date_of_birth=data.get("date_of_birth"),
            gender=data.get("gender") or "",
            ethnicity=data.get("ethnicity") or "",
            address=data.get("address") or "",
            identifiers=data.get("identifiers") or "",
        )


def child_forms(data: Any = None, initial: list[dict[str, Any]] | None = None) -> list[ChildForm]:
    initial = initial or []
    return [
        ChildForm(
            data,
            prefix=f"child_{n}",
            initial=initial[n - 1] if n - 1 < len(initial) else None,
        )
        for n in range(1, rules.MAX_CHILDREN + 1)
    ]


def place_child_errors(forms_: list[ChildForm], errors: dict[str, str]) -> dict[str, str]:
    """Put ``child_2_full_name`` style errors on the child's own field; return the rest."""
    rest = {}
    for name, message in errors.items():
        if name.startswith("child_") and name[6:7].isdigit():
            index, field = int(name[6]), name[8:]
            if 1 <= index <= len(forms_) and field in forms_[index - 1].fields:
                forms_[index - 1].add_error(field, message)
                continue
        rest[name] = message
    return rest


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=_choices(Decision.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Required either way. It is shared with all statutory partners.",
    )
    panel_notified_on = date_field(
        "Date the notification was sent to the Panel", hint="Only if you notify. " + DATE_HINT
    )
    panel_reference = forms.CharField(
        label="Panel's reference", max_length=60, required=False, help_text="Only if you notify"
    )
    looked_after = forms.ChoiceField(
        label="Was the child looked after?",
        choices=[("yes", "Yes"), ("no", "No")],
        required=False,
        widget=forms.RadioSelect,
    )
    regulated_setting = forms.ChoiceField(
        label="Was the child in a regulated setting or service?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        help_text="For example a children's home, foster care or a residential school",
        required=False,
    )
    ofsted_notified_on = date_field(
        "Date Ofsted was notified",
        hint="Required if the child was looked after or in a regulated setting. " + DATE_HINT,
    )
    secretary_of_state_notified_on = date_field(
        "Date the Secretary of State was notified",
        hint="Required if the child was looked after or in a regulated setting. " + DATE_HINT,
    )

    def add_rule_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


class ContributionForm(GovukForm):
    organisation = forms.ModelChoiceField(
        label="On behalf of", queryset=Organisation.objects.none(), required=False
    )
    information = forms.CharField(
        label="Information your agency holds",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the information your agency holds"},
    )
    opinion = forms.CharField(
        label="Professional opinion",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Does the incident meet the criteria for notification, and why?",
    )
    meeting = forms.ModelChoiceField(
        label="Attach to meeting",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="No meeting",
    )

    def __init__(self, *args: Any, organisations: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)
        meeting.queryset = meetings


class MeetingForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of meeting",
        choices=_choices(Meeting.Kind.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of meeting"},
    )
    held_on = date_field("Date of the meeting", required=True)
    starts = forms.TimeField(
        label="Start time",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p"],
        help_text="For example, 09:30 or 2:15pm. Leave blank for 10:00",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": "Start time must be a real time, like 09:30 or 2:15pm"},
    )
    invited_professionals = forms.CharField(
        label="Invited professionals",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Those invited for this case who are not members of the RAG. The RAG's"
        " members' attendance is recorded by organisation on the meeting's page",
    )
    minutes = forms.CharField(
        label="Minutes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Record the rationale for every recommendation and decision",
    )


class AgencyRequestForm(GovukForm):
    """Which agency to ask. The agencies involved with the child or family come first; a school
    is offered only when it was involved (a partnership has hundreds of schools), and an agency
    already asked is not offered again."""

    organisation = forms.ModelChoiceField(
        label="Agency",
        queryset=Organisation.objects.filter(active=True),
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency to ask",
            "invalid_choice": "Choose an agency from the list",
        },
    )
    due_on = date_field("Due date", required=True)

    def __init__(self, *args: Any, incident: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if incident is None:
            return
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        involved = list(incident.agencies_involved.filter(active=True).order_by("name"))
        asked = (
            []
            if not hasattr(incident, "rapid_review")
            else [r.organisation_id for r in incident.rapid_review.requests.all()]
        )
        others = list(
            Organisation.objects.filter(active=True)
            .exclude(kind="school")
            .exclude(pk__in=[o.pk for o in involved])
            .order_by("name")
        )
        involved = [o for o in involved if o.pk not in asked]
        others = [o for o in others if o.pk not in asked]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in involved + others])
        groups: list[Any] = [("", "Choose an agency")]
        if involved:
            groups.append(("Involved with the child or family", [(o.pk, o.name) for o in involved]))
        groups.append(("Other agencies", [(o.pk, o.name) for o in others]))
        field.choices = groups


class AgencyAnswerForm(GovukForm):
    summary = forms.CharField(
        label="Individual agency summary", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    chronology = forms.CharField(
        label="Chronology", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    received_on = date_field("Date received", hint="Leave empty for today. " + DATE_HINT)


class FindingsForm(GovukForm):
    immediate_actions = forms.CharField(
        label="Immediate actions to keep children safe",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    learning = forms.CharField(
        label="Learning identified", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    cspr_recommended = forms.ChoiceField(
        label="Is a local Child Safeguarding Practice Review needed?",
        choices=[("yes", "Yes"), ("no", "No")],
        required=False,
        widget=forms.RadioSelect,
    )
    regulation_11_criteria = forms.MultipleChoiceField(
        label="Criteria that apply",
        choices=list(rules.REGULATION_11_CRITERIA.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cspr_rationale = forms.CharField(
        label="Rationale for the decision on a CSPR",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    lived_experience = forms.CharField(
        label="The child's lived experience",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What was daily life like for the child? What did they say, show or feel, and"
        " did the practitioners around them see and hear it?",
    )
    race_ethnicity_culture = forms.CharField(
        label="Race, ethnicity and culture",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="How did the child's and family's race, ethnicity, culture, faith or language"
        " shape their experience and the help offered? Were assumptions or bias at work?",
    )


class SubmitForm(GovukForm):
    submitted_on = date_field("Date submitted to the Panel", required=True)


class PanelResponseForm(GovukForm):
    response = forms.ChoiceField(
        label="The Panel's response",
        choices=list(rules.PANEL_RESPONSE_LABELS.items()),
        widget=forms.RadioSelect,
        help_text="If the Panel asks for more information, record its later response when it"
        " comes: it replaces this one.",
        error_messages={"required": "Choose the Panel's response"},
    )
    responded_on = date_field("Date of the response", required=True)
    comments = forms.CharField(
        label="The Panel's comments", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors on the named fields, the rest at the top of the form."""
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


class CsprForm(GovukForm):
    reviewer = forms.CharField(label="Reviewer", max_length=200, required=False)
    terms_of_reference = forms.CharField(
        label="Terms of reference", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    commissioned_on = date_field("Date commissioned", required=True)
    initiated_on = date_field(
        "Date initiated", hint="Publication is due 6 months after. " + DATE_HINT
    )
    joint_with = forms.CharField(
        label="Joint review with",
        max_length=200,
        required=False,
        help_text="An adult safeguarding board or community safety partnership, if joint",
    )
    progress = forms.CharField(
        label="Progress", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class PublishForm(GovukForm):
    decision = forms.ChoiceField(
        label="Is the report published?",
        choices=[
            ("publish", "Yes, it is published"),
            ("not_publish", "No, the partners decided not to publish it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the report is published"},
    )
    published_on = date_field(
        "Date published",
        hint="At least 7 working days after the report went to the Panel and the Secretary of"
        " State. " + DATE_HINT,
    )
    link = forms.CharField(
        label="Link to the published report",
        max_length=500,
        required=False,
        help_text="The full web address, starting https://",
    )
    reason = forms.CharField(
        label="Reason for not publishing",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only if the report is not published",
    )


class ReportForm(GovukForm):
    report = forms.FileField(
        label="Final report",
        help_text="A PDF of at most 20 MB",
        error_messages={
            "required": "Select the final report",
            "empty": "The selected file is empty",
        },
    )


class ReportSentForm(GovukForm):
    sent_on = date_field(
        "Date sent to the Panel and the Secretary of State",
        required=True,
        hint="Publication can follow 7 working days later. " + DATE_HINT,
    )


class RecommendationForm(GovukForm):
    text = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the recommendation"},
    )


class ActionForm(GovukForm):
    description = forms.CharField(
        label="Action", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner_organisation = forms.ModelChoiceField(
        label="Owner organisation",
        queryset=Organisation.objects.filter(active=True),
        required=False,
    )
    due_on = date_field("Due date")


class ActionUpdateForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=[
            ("not_started", "Not started"),
            ("in_progress", "In progress"),
            ("completed", "Completed"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status of the action"},
    )
    evidence_of_completion = forms.CharField(
        label="Evidence of completion", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence_of_impact = forms.CharField(
        label="Evidence of impact", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class LearningSheetForm(GovukForm):
    title = forms.CharField(
        label="Title", max_length=200, required=False, help_text="Anonymised, e.g. Baby A"
    )
    what_happened = forms.CharField(
        label="What happened (anonymised)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="No names, dates of birth, addresses or identifiers",
    )
    good_practice = forms.CharField(
        label="Good practice", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    learning = forms.CharField(
        label="Learning", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    do_differently = forms.CharField(
        label="What to do differently", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DisseminationForm(GovukForm):
    kind = forms.ChoiceField(
        label="How was the learning shared?",
        choices=list(Dissemination.Kind.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the learning was shared"},
    )
    audience = forms.CharField(
        label="Group, course or audience",
        max_length=200,
        error_messages={"required": "Enter the group, course or audience"},
    )
    held_on = date_field("Date", required=True)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ThemeForm(GovukForm):
    name = forms.CharField(
        label="New theme", max_length=100, error_messages={"required": "Enter the theme"}
    )


class PastCaseForm(ReferralForm):
    """A past case: the referral's fields, who referred it, and the real date of every step."""

    sender_reference = forms.CharField(
        label="Your reference for this case",
        max_length=100,
        required=False,
        help_text="The reference in your old records. Entering the same case twice with the"
        " same reference records it once.",
    )
    referring_organisation = forms.ModelChoiceField(
        label="Organisation that referred the case",
        queryset=Organisation.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="Choose",
        error_messages={"invalid_choice": "Choose the organisation that referred the case"},
    )
    referred_on = date_field(
        "Date referred to the RAG", hint="If different from the date the LA became aware"
    )
    decision = forms.ChoiceField(
        label="The LA's decision",
        choices=_choices(Decision.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    decided_on = date_field("Date of the decision")
    rationale = forms.CharField(
        label="Rationale for the decision",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    panel_notified_on = date_field("Date the Panel was notified", hint="Only if notified")
    panel_reference = forms.CharField(label="Panel's reference", max_length=60, required=False)
    rapid_review_submitted_on = date_field(
        "Date the Rapid Review was submitted to the Panel", hint="Leave empty if not yet"
    )
    cspr_recommended = forms.TypedChoiceField(
        label="Did the Rapid Review recommend a local CSPR?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    panel_response = forms.ChoiceField(
        label="The Panel's response",
        choices=list(rules.PANEL_RESPONSE_LABELS.items()),
        required=False,
        widget=forms.RadioSelect,
    )
    panel_response_on = date_field("Date of the Panel's response", hint="Leave empty if not yet")
    cspr_reviewer = forms.CharField(label="CSPR reviewer", max_length=200, required=False)
    cspr_commissioned_on = date_field("Date the CSPR was commissioned")
    cspr_initiated_on = date_field("Date the CSPR was initiated")
    cspr_published_on = date_field("Date the CSPR was published")

    STEP_FIELDS = (
        "referred_on",
        "decision",
        "decided_on",
        "rationale",
        "panel_notified_on",
        "panel_reference",
        "rapid_review_submitted_on",
        "cspr_recommended",
        "panel_response",
        "panel_response_on",
        "cspr_reviewer",
        "cspr_commissioned_on",
        "cspr_initiated_on",
        "cspr_published_on",
    )

    def referral_values(self) -> dict[str, Any]:
        own = {"agencies_involved", "sender_reference", "referring_organisation"}
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in own and name not in self.STEP_FIELDS
        }

    def steps(self) -> rules.PastSteps:
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: data.get(name) if data.get(name) is not None else _STEP_EMPTY.get(name)
            for name in self.STEP_FIELDS
        }
        return rules.PastSteps(**values)


_STEP_EMPTY: dict[str, Any] = {
    "decision": "",
    "rationale": "",
    "panel_reference": "",
    "panel_response": "",
    "cspr_reviewer": "",
}


class ActionWithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is the action being withdrawn?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason for withdrawing the action"},
    )
