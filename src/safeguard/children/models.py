"""The child index: schools as the DfE register knows them, and the pupils on their rolls.

A school is a kernel ``Organisation`` of kind school, found by its URN; ``Establishment`` holds
what GIAS adds (phase, type, status, LA and establishment numbers). A ``Pupil`` row is one child
on one school's roll: a child dual-registered at two schools has two rows with the same UPN, so
a notification reaches both. Pupils are never deleted by an import: a child who leaves is
marked off roll, so an old notification still points at the record it was matched to.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

# An early years setting (a nursery, a pre-school: Operation Encompass reaches them too) is a
# school-kind organisation whose establishment record carries these.
EARLY_YEARS_PHASE = "Early years"
EARLY_YEARS_TYPE = "Early years setting"


class Establishment(models.Model):
    """The GIAS details of a school organisation (one row per URN)."""

    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.CASCADE, related_name="establishment"
    )
    # Six digits for a school (GIAS); an early years setting's Ofsted URN (EY and six digits,
    # or six or seven digits) for a setting.
    urn = models.CharField("URN", max_length=8, unique=True)
    la_code = models.CharField("LA code", max_length=3)
    la_name = models.CharField("LA name", max_length=100, blank=True, default="")
    establishment_number = models.CharField(max_length=4, blank=True, default="")
    phase = models.CharField("phase of education", max_length=100, blank=True, default="")
    type_of_establishment = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=60)
    postcode = models.CharField(max_length=8, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["urn"]
        constraints = [
            # A DfE URN (six digits) or an early years setting's Ofsted URN.
            models.CheckConstraint(
                condition=Q(urn__regex=r"^([0-9]{6,7}|EY[0-9]{6})$"),
                name="establishment_urn_or_ofsted",
            ),
        ]

    def __str__(self) -> str:
        return f"URN {self.urn}"


class ImportKind(models.TextChoices):
    GIAS = "gias", "GIAS establishments CSV"
    ROLL_CSV = "roll_csv", "School roll CSV"
    CTF = "ctf", "Common Transfer File"


class RollImport(models.Model):
    """One accepted file. Each pupil row points at the import that last wrote it."""

    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    left_roll = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]


class Gender(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "", "Not known"


class Pupil(models.Model):
    """A child on a school's roll, as the school's own system records them."""

    upn = models.CharField("UPN", max_length=13)
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    dob = models.DateField("date of birth", null=True, blank=True)
    gender = models.CharField(max_length=1, choices=Gender.choices, blank=True, default="")
    postcode = models.CharField(max_length=8, blank=True, default="")
    school = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="pupils")
    on_roll = models.BooleanField(default=True)
    roll_import = models.ForeignKey(
        RollImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["surname", "forename", "upn"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="pupil_school_upn_unique"),
            models.CheckConstraint(condition=Q(gender__in=["M", "F", ""]), name="pupil_gender"),
        ]
        indexes = [models.Index(fields=["upn"]), models.Index(fields=["dob", "surname"])]

    def __str__(self) -> str:
        return f"Pupil {self.pk}"


class MatchModelVersion(models.Model):
    """One saved version of the matching model (``linkage.MatchModel.to_dict()`` as JSON).

    Versions are history: a change or a restore adds a version, and only ``active`` ever moves
    from one row to another, so what matched a child last March can always be read back. At
    most one row is active (a partial unique constraint); with none, the code's default holds.
    """

    parameters = models.JSONField()
    note = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=False)
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For a version estimated by ``safeguard children train-model``: what the training saw and
    # changed (``training.Training.report()``): m and u per level before and after, and how
    # the training children were decided before and after. Empty for a version set by hand.
    training = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="match_model_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"Matching model version {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A stored version is never edited: only its ``active`` flag may change."""
        update_fields = kwargs.get("update_fields")
        editing = self.pk is not None and not kwargs.get("force_insert")
        if editing and (update_fields is None or set(update_fields) - {"active"}):
            raise ValueError("a matching model version is never edited, only made active")
        super().save(*args, **kwargs)
