"""Forms for the partnership pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.forms.govuk import GovukForm
from safeguard.core.models import Organisation, Person
from safeguard.core.models.organisations import (
    AgencyType,
    GroupKind,
    MembershipRole,
    OrganisationKind,
)
from safeguard.core.roles import Role

ROLE_HINTS: dict[str, str] = {
    Role.BUSINESS_UNIT_ADMIN: "Manages organisations, groups, people and roles; full access.",
    Role.BUSINESS_UNIT_OFFICER: "Runs the partnership's business; sees it but cannot change it.",
    Role.INDEPENDENT_CHAIR: "Chairs the partnership; sees the partnership and all deadlines.",
    Role.LA_DECISION_MAKER: "Decides whether the local authority notifies a serious incident.",
    Role.STATUTORY_PARTNER_LEAD: "Leads for one of the three statutory partners.",
    Role.POLICE_OFFICER: "Sends Operation Encompass and domestic abuse notifications.",
    Role.SCHOOL_DSL: "Receives notifications about children at their school.",
    Role.SUBGROUP_MEMBER: "Takes part in the work of a subgroup.",
    Role.PRACTITIONER: "Works with children and families; sees only what their work needs.",
    Role.DATA_PROTECTION_OFFICER: "Reads the audit trail and the notifications sent.",
    Role.LA_DATA_TEAM: "Sends the local authority's performance data returns.",
    Role.LA_ENCOMPASS_COORDINATOR: "Coordinates Operation Encompass for the local authority.",
}

_ANY = [("", "Any")]
_YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]


def yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class OrganisationFilterForm(GovukForm):
    q = forms.CharField(label="Search by name, URN or LA code", required=False, max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=_ANY + OrganisationKind.choices, required=False)
    statutory_partner = forms.ChoiceField(
        label="Statutory partner", choices=_YES_NO, required=False
    )
    active = forms.ChoiceField(label="Active", choices=_YES_NO, required=False)


class OrganisationForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, required=False)
    # A plain text field with a select: the service checks the kind, so every error shows at once.
    kind = forms.CharField(
        label="Kind",
        required=False,
        widget=forms.Select(choices=[("", "Select a kind"), *OrganisationKind.choices]),
    )
    statutory_partner = forms.BooleanField(
        label="Statutory partner",
        required=False,
        help_text="The local authority, the ICB and the police force are the statutory partners.",
    )
    urn = forms.CharField(
        label="URN (optional)",
        max_length=20,
        required=False,
        help_text="Schools and colleges: the 6-digit DfE unique reference number in GIAS. Early"
        " years settings: the Ofsted URN, EY and 6 digits (like EY123456) or 6 or 7 digits.",
    )
    early_years = forms.BooleanField(
        label="Early years setting",
        required=False,
        help_text="A nursery, pre-school or other early years setting registered with Ofsted"
        " (kind: school or college). Its URN is then its Ofsted URN.",
    )
    la_code = forms.CharField(
        label="LA code (optional)", max_length=20, required=False, help_text="3 digits, like 873."
    )
    email = forms.CharField(label="Contact email (optional)", max_length=254, required=False)
    agency_type = forms.CharField(
        label="Agency type (optional)",
        required=False,
        help_text="How serious incident figures count this organisation's referrals. Leave as"
        " it is to follow the kind: police, health, children's social work or education.",
        widget=forms.Select(choices=[("", "As its kind"), *AgencyType.choices]),
    )

    @classmethod
    def for_organisation(cls, organisation: Organisation) -> OrganisationForm:
        return cls(
            initial={
                "name": organisation.name,
                "kind": organisation.kind,
                "statutory_partner": organisation.statutory_partner,
                "urn": organisation.urn,
                "early_years": organisation.early_years,
                "la_code": organisation.la_code,
                "email": organisation.email,
                "agency_type": organisation.agency_type,
            }
        )


class GroupForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, required=False)
    # A plain text field with a select: the service checks the kind, so every error shows at once.
    kind = forms.CharField(
        label="Kind",
        required=False,
        widget=forms.Select(choices=[("", "Select a kind"), *GroupKind.choices]),
    )
    purpose = forms.CharField(
        label="Purpose (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    active = forms.BooleanField(label="Active", required=False, initial=True)


class MembershipAddForm(GovukForm):
    person = forms.ModelChoiceField(
        label="Person",
        queryset=Person.objects.none(),
        empty_label="Select a person",
        error_messages={
            "required": "Select the person to add",
            "invalid_choice": "Select a person from the list",
        },
    )
    role = forms.ChoiceField(
        label="Role in the group",
        choices=MembershipRole.choices,
        initial=MembershipRole.MEMBER,
        error_messages={"invalid_choice": "Select the person's role in the group"},
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people
        field.label_from_instance = lambda p: f"{p.full_name} ({p.organisation.name})"  # type: ignore[method-assign,assignment]


class MembershipRoleForm(GovukForm):
    role = forms.ChoiceField(
        label="Role in the group",
        choices=MembershipRole.choices,
        error_messages={
            "required": "Select the person's role in the group",
            "invalid_choice": "Select the person's role in the group",
        },
    )


class PersonFilterForm(GovukForm):
    q = forms.CharField(label="Search by name, email or job title", required=False, max_length=200)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Any",
    )
    role = forms.ChoiceField(label="Role", choices=_ANY + Role.choices, required=False)
    active = forms.ChoiceField(label="Active", choices=_YES_NO, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


def _role_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. A role decides what the person can see and do.",
        error_messages={"invalid_choice": "Select roles from the list"},
    )


class PersonForm(GovukForm):
    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    email = forms.CharField(
        label="Email address",
        max_length=254,
        required=False,
        help_text="The person signs in with this.",
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Select an organisation",
        error_messages={"invalid_choice": "Select an organisation from the list"},
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class PersonCreateForm(PersonForm):
    roles = _role_field()


class PersonRolesForm(GovukForm):
    roles = _role_field()


class PersonPasswordForm(GovukForm):
    password = forms.CharField(
        label="New password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        help_text="At least 12 characters. Give it to the person by a safe route.",
    )


def role_items(form: forms.Form) -> list[dict[str, Any]]:
    """The role checkboxes with a hint under each, which the generic field tag cannot draw."""
    bound = form["roles"]
    chosen = {str(v) for v in (bound.value() or [])}
    return [
        {
            "value": value,
            "label": label,
            "hint": ROLE_HINTS.get(value, ""),
            "checked": value in chosen,
            "id": bound.auto_id if i == 0 else f"{bound.auto_id}_{i}",
        }
        for i, (value, label) in enumerate(Role.choices)
    ]


SIGN_IN_HERE = "Password and authenticator app, on this service"


class OrganisationSignInForm(GovukForm):
    provider = forms.ChoiceField(
        label="How do this organisation's people sign in?",
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", SIGN_IN_HERE),
            *((key, f"Through {name} (single sign-on)") for key, name in choices),
        ]
