from __future__ import annotations

from django.db import models


class RetentionRun(models.Model):
    """One pass of the retention schedule: what it found expired and what it did.

    ``summary`` is a list with one entry per record type: its label, retention class, action,
    how many records had expired, how many were removed or anonymised, and why any could not
    be (ids only). The data protection officer reads it at *Audit trail -> Retention*.
    """

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField(help_text="The day the schedule was applied for")
    dry_run = models.BooleanField(default=False)
    summary = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
