from __future__ import annotations

from django.conf import settings
from django.db import models


class ExtraHoliday(models.Model):
    """A bank holiday announced after the release's holiday data (a state funeral, say)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
