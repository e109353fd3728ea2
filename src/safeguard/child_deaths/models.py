"""Child deaths: the death and its notifications, the Joint Agency Response, the agencies'
reporting forms, the review, and the deprivation lookup the analysis uses.

The tightest need to know in the platform (policies.py): nothing here is read except through
the module's selectors, which audit every read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguard.child_deaths import rules


class Status(models.TextChoices):
    NOTIFIED = "notified", "Notified"
    GATHERING = "gathering", "Gathering information"
    CDR_MEETING = "cdr_meeting", "Child death review meeting held"
    COMPLETE = "complete", "Review complete"


class Place(models.TextChoices):
    HOSPITAL = "hospital", "Hospital"
    HOME = "home", "Home"
    HOSPICE = "hospice", "Hospice"
    PUBLIC_PLACE = "public_place", "Public place"
    OTHER = "other", "Somewhere else"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other or not known"


class Ethnicity(models.TextChoices):
    """The census's five high-level groups, the granularity small numbers allow."""

    WHITE = "white", "White"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    OTHER = "other", "Other ethnic group"
    NOT_KNOWN = "not_known", "Not known"


class Death(models.Model):
    """One child's death, however many agencies notified it."""

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NOTIFIED, db_index=True
    )
    panel = models.CharField(max_length=10, choices=rules.PANELS)
    full_name = models.CharField(max_length=200)
    born_on = models.DateField()
    nhs_number = models.CharField(max_length=12, blank=True, default="")
    gender = models.CharField(max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(max_length=12, choices=Ethnicity.choices, default="not_known")
    home_postcode = models.CharField(max_length=10, blank=True, default="")
    deprivation_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    died_at = models.DateTimeField()
    place = models.CharField(max_length=16, choices=Place.choices)
    place_detail = models.CharField(max_length=200, blank=True, default="")
    expected = models.BooleanField()
    # The notification form's question since April 2021 (rules.STILLBIRTH_QUESTION): yes if any
    # agency's notification said yes (rules.combined_answer).
    suspected_home_stillbirth = models.CharField(
        max_length=10, choices=rules.ANSWERS, default=rules.NOT_KNOWN
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-died_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deprivation_decile__isnull=True)
                | Q(deprivation_decile__gte=1, deprivation_decile__lte=10),
                name="death_decile_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Notification(models.Model):
    """What one agency told the partnership. The first creates the death; later ones of the same
    death are linked to it (``rules.same_death``)."""

    death = models.ForeignKey(Death, on_delete=models.PROTECT, related_name="notifications")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="child_death_notifications"
    )
    notifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sender_reference = models.CharField(max_length=100, blank=True, default="")
    full_name = models.CharField(max_length=200)
    born_on = models.DateField()
    nhs_number = models.CharField(max_length=12, blank=True, default="")
    died_at = models.DateTimeField()
    place = models.CharField(max_length=16, choices=Place.choices)
    expected = models.BooleanField()
    suspected_home_stillbirth = models.CharField(
        max_length=10, choices=rules.ANSWERS, default=rules.NOT_KNOWN
    )
    what_is_known = models.TextField(blank=True, default="")
    received_at = models.DateTimeField()
    duplicate = models.BooleanField(default=False)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sender_reference"],
                condition=~Q(sender_reference=""),
                name="child_death_notification_sender_reference_unique",
            ),
        ]


class JointAgencyResponse(models.Model):
    """The JAR for an unexpected death: triggers, the SUDIC home visit, the family's
    information, the initial information-sharing meeting and the final case discussion."""

    death = models.OneToOneField(Death, on_delete=models.PROTECT, related_name="jar")
    triggers = models.JSONField(default=list)
    started_at = models.DateTimeField()
    home_visit_at = models.DateTimeField(null=True, blank=True)
    key_worker = models.CharField(max_length=200, blank=True, default="")
    bereavement_support = models.BooleanField(default=False)
    leaflet_language = models.CharField(max_length=60, blank=True, default="")
    family_informed_at = models.DateTimeField(null=True, blank=True)
    initial_meeting_at = models.DateTimeField(null=True, blank=True)
    final_discussion_at = models.DateTimeField(null=True, blank=True)


class ReportingForm(models.Model):
    """The reporting form asked of one agency that knew the child, and its answers."""

    death = models.ForeignKey(Death, on_delete=models.PROTECT, related_name="reporting_forms")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="child_death_forms"
    )
    requested_at = models.DateTimeField()
    due_on = models.DateField()
    returned_at = models.DateTimeField(null=True, blank=True)
    involvement = models.TextField(blank=True, default="")
    concerns = models.TextField(blank=True, default="")
    supplementary_kind = models.CharField(max_length=30, blank=True, default="")
    supplementary = models.JSONField(default=dict, blank=True)
    # The reporting form's questions since April 2021 (rules.POVERTY_QUESTION and
    # rules.BARRIERS_QUESTION): blank until the agency answers.
    poverty = models.CharField(max_length=10, blank=True, default="", choices=rules.ANSWERS)
    barriers = models.CharField(max_length=10, blank=True, default="", choices=rules.ANSWERS)
    barrier_kinds = models.JSONField(default=list, blank=True)
    barriers_detail = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["death", "organisation"], name="child_death_form_one_per_agency"
            ),
        ]


class Review(models.Model):
    """The child death review meeting and the panel's review: category, modifiable factors by
    domain, learning, and its completion."""

    death = models.OneToOneField(Death, on_delete=models.PROTECT, related_name="review")
    cdr_meeting_on = models.DateField(null=True, blank=True)
    panel_meeting_on = models.DateField(null=True, blank=True)
    category = models.CharField(max_length=40, blank=True, default="", choices=rules.CATEGORIES)
    findings = models.JSONField(default=dict, blank=True)
    conclusion = models.CharField(max_length=30, blank=True, default="", choices=rules.CONCLUSIONS)
    learning = models.TextField(blank=True, default="")
    # The panel's own answers to the reporting form's poverty and barriers questions, beside the
    # social environment and service provision domains (blank on reviews completed before them).
    poverty = models.CharField(max_length=10, blank=True, default="", choices=rules.ANSWERS)
    barriers = models.CharField(max_length=10, blank=True, default="", choices=rules.ANSWERS)
    barrier_kinds = models.JSONField(default=list, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | (~Q(category="") & ~Q(conclusion="")),
                name="child_death_review_complete_has_category_and_conclusion",
            ),
        ]


class DeprivationArea(models.Model):
    """One Lower-layer Super Output Area of the English Indices of Deprivation, as imported."""

    lsoa_code = models.CharField(max_length=9, unique=True)
    lsoa_name = models.CharField(max_length=100)
    imd_rank = models.PositiveIntegerField()
    imd_decile = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(imd_decile__gte=1, imd_decile__lte=10), name="area_decile_1_to_10"
            ),
        ]


class PostcodeArea(models.Model):
    """Which LSOA a postcode lies in (the ONS postcode lookup's ``pcds`` and ``lsoa11``)."""

    postcode = models.CharField(max_length=8, unique=True)
    lsoa_code = models.CharField(max_length=9, db_index=True)
