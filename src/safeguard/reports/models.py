"""The annual report for a period, its narrative sections and their sign-offs.

A report's tables are never stored: they are counted from the modules' records whenever the
report is shown or built (``core.report_tables``). What is stored is what people write (each
narrative section, its owner's review and the statutory partners' sign-offs) and, once the
report is published, the public version as it was published, so a later change to a record
does not silently rewrite a published document.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Being written"
    PUBLISHED = "published", "Published"


class Report(models.Model):
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    # Counts of people from 1 to threshold - 1 show as "fewer than N" in the public version.
    threshold = models.PositiveSmallIntegerField(default=5)
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The public version's HTML as published (its tables suppressed, no links).
    published_html = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="report_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(threshold__gte=1) & Q(threshold__lte=50),
                name="report_threshold_sensible",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="report_published_has_moment",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NarrativeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "With its owner for review"
    REVIEWED = "reviewed", "Reviewed: awaiting sign-off"
    SIGNED_OFF = "signed_off", "Signed off"


class Narrative(models.Model):
    """A written section of the report (the Chair's introduction, the summary of the system ...).

    Written by the Business Unit, reviewed by the section's owner (the Chair for the
    introduction, a subgroup chair for its part), then signed off by each statutory partner.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="narratives")
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(blank=True, default="")
    status = models.CharField(
        max_length=16, choices=NarrativeStatus.choices, default=NarrativeStatus.DRAFT
    )
    # The owner's reason when they send a section back for changes.
    review_comment = models.TextField(blank=True, default="")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["report", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="narrative_once_a_report"),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(body=""),
                name="narrative_beyond_draft_has_text",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SignOff(models.Model):
    """One statutory partner's sign-off of one narrative section, by one of its people."""

    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="sign_offs")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["narrative", "organisation"], name="report_sign_off_once_a_partner"
            )
        ]
