from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from safeguard.core.models.people import Person


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police force"
    ICB = "icb", "Integrated Care Board"
    HEALTH_TRUST = "health_trust", "Health trust"
    SCHOOL = "school", "School or college"
    THIRD_SECTOR = "third_sector", "Third sector body"
    PROBATION = "probation", "Probation service"
    SECURE_SETTING = "secure_setting", "Secure setting"
    PARTNERSHIP = "partnership", "Partnership Business Unit"
    OTHER = "other", "Other"


class AgencyType(models.TextChoices):
    """The agency types a partnership reports by (the annual report's "Police referred 9 cases,
    CSWS 9, Health 3"): two NHS trusts are one row, "Health"."""

    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_WORK = "childrens_social_work", "Children's social work"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other"


# The agency type an organisation of each kind has unless it is set otherwise.
AGENCY_TYPE_OF_KIND: dict[str, str] = {
    "local_authority": AgencyType.CHILDRENS_SOCIAL_WORK,
    "police": AgencyType.POLICE,
    "icb": AgencyType.HEALTH,
    "health_trust": AgencyType.HEALTH,
    "school": AgencyType.EDUCATION,
}


def default_agency_type(kind: str) -> str:
    return AGENCY_TYPE_OF_KIND.get(kind, AgencyType.OTHER)


class Organisation(models.Model):
    """An agency in the partnership. Schools carry their DfE URN, which is how GIAS knows them;
    an early years setting (a nursery, a pre-school: kind school, ``early_years``) carries its
    Ofsted URN in the same field, since routing, rolls and matching look a setting up by it."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    statutory_partner = models.BooleanField(default=False)
    urn = models.CharField("URN", max_length=8, blank=True, default="")
    # An early years setting registered with Ofsted: its URN is the Ofsted number (EY and six
    # digits, or six or seven digits) rather than a six-digit DfE URN.
    early_years = models.BooleanField("Early years setting", default=False)
    la_code = models.CharField("LA code", max_length=3, blank=True, default="")
    email = models.EmailField("Contact e-mail", blank=True, default="")
    # Blank means "as its kind" (``default_agency_type``); set it when the kind misleads (a
    # local authority's education service, a third-sector health provider).
    agency_type = models.CharField(
        "Agency type", max_length=32, choices=AgencyType.choices, blank=True, default=""
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Blank: its people sign in with a password. Otherwise the key of an identity provider in
    # settings.SSO_PROVIDERS (set by environment variables, never the database: the client
    # secret stays out of it), and its people sign in there and never with a password.
    sign_in_provider = models.CharField(
        "Single sign-on provider", max_length=40, blank=True, default=""
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["urn"], condition=~models.Q(urn=""), name="organisation_urn_unique"
            ),
            models.UniqueConstraint(fields=["name", "kind"], name="organisation_name_kind_unique"),
            models.CheckConstraint(
                condition=models.Q(kind="school") | models.Q(urn=""),
                name="organisation_urn_only_for_schools",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="school") | models.Q(early_years=False),
                name="organisation_early_years_only_schools",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def reported_agency_type(self) -> str:
        """The agency type the oversight figures count this organisation under."""
        return self.agency_type or default_agency_type(self.kind)

    @property
    def reported_agency_type_label(self) -> str:
        return str(AgencyType(self.reported_agency_type).label)


class GroupKind(models.TextChoices):
    EXECUTIVE = "executive", "Executive"
    PARTNERSHIP_BOARD = "partnership_board", "Children and Young People Partnership"
    SUBGROUP = "subgroup", "Subgroup"
    REVIEW_ADVISORY_GROUP = "rag", "Review Advisory Group"
    CDOP = "cdop", "Child Death Overview Panel"
    PANEL = "panel", "Panel"
    OTHER = "other", "Other"


class Group(models.Model):
    """A group of the partnership (Executive, a subgroup, the RAG, CDOP ...)."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=GroupKind.choices)
    purpose = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True)
    members: models.ManyToManyField[Person, Membership] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="partnership_groups"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice chair"
    MEMBER = "member", "Member"
    ADVISER = "adviser", "Adviser"


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=MembershipRole.choices, default="member")
    joined_on = models.DateField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="membership_unique"),
        ]
