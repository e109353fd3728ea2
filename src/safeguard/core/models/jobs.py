"""Long work started by a person: what it is doing now, and what it gave or why it failed.

The work itself is a ``django-tasks`` task run by ``safeguard worker`` (DESIGN.md section 3,
ADR 0007); django-tasks keeps whether the task ran. This table keeps what a person reads on the
progress page: the stage, the rows read, the problems found so far, and the result. It is written
outside the task's own transaction, so the page sees each step as it happens. A running job's
worker beats (``heartbeat_at``) at least every ``HEARTBEAT_SECONDS``; one silent for longer than
its lease was lost with its worker (killed, restarted, out of memory) and is failed by
``jobs_expire_lost`` with a plain reason, never left "Running" for ever.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class JobState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """One run of a background task for a person; seen by them and those entitled."""

    kind = models.CharField(max_length=100, help_text="What the job is, as a person reads it")
    task_id = models.CharField(max_length=64, blank=True, default="")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    view_capability = models.CharField(
        max_length=80,
        blank=True,
        default="",
        help_text="Besides the person who started it, who may see the job",
    )
    fingerprint = models.CharField(
        max_length=64, blank=True, default="", db_index=True, help_text="Hash of the input"
    )
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    stage = models.CharField(max_length=200, default="Waiting for a worker to start it")
    rows_read = models.PositiveIntegerField(default=0)
    problem_headings = models.JSONField(default=list)
    problems = models.JSONField(default=list, help_text="Rows of cells, one row per problem")
    problem_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True, default="")
    result = models.JSONField(default=dict)
    result_template = models.CharField(max_length=200, blank=True, default="")
    result_url = models.CharField(max_length=300, blank=True, default="")
    result_label = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    stage_started_at = models.DateTimeField(
        null=True, blank=True, help_text="When the job entered its current stage"
    )
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the worker last said it was alive; a running job silent for longer "
        "than its lease is taken as lost",
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["succeeded", "failed"], finished_at__isnull=False)
                | (~Q(state__in=["succeeded", "failed"]) & Q(finished_at__isnull=True)),
                name="job_finished_when_done",
            ),
            models.CheckConstraint(
                condition=~Q(state="failed") | ~Q(failure=""), name="job_failure_says_why"
            ),
        ]

    @property
    def done(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)

    @property
    def state_label(self) -> str:
        return JobState(self.state).label
