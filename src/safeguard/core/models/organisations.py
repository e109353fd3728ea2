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


class Organisation(models.Model):
    """An agency in the partnership. Schools carry their DfE URN, which is how GIAS knows them."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    statutory_partner = models.BooleanField(default=False)
    urn = models.CharField("DfE URN", max_length=6, blank=True, default="")
    la_code = models.CharField("LA code", max_length=3, blank=True, default="")
    email = models.EmailField("Contact e-mail", blank=True, default="")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

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
        ]

    def __str__(self) -> str:
        return self.name


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
