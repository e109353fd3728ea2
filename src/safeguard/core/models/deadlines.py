from __future__ import annotations

from django.conf import settings
from django.db import models


class Deadline(models.Model):
    """A clock of any module: one table, so one "what is due" view serves them all.

    The state (pending, met, met late, overdue) is derived from ``due_at``, ``met_at`` and the
    time of asking, never stored, so it cannot go stale. ``title`` must not name a child.
    """

    module = models.CharField(max_length=40)
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    rule = models.CharField(max_length=200, help_text="How the due moment was worked out")
    starts_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    met_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    owner_organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    group = models.ForeignKey(
        "core.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "kind", "subject_type", "subject_id"], name="deadline_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(due_at__gte=models.F("starts_at")),
                name="deadline_due_after_start",
            ),
        ]
