"""The shared action plan: actions from any source, their progress, and governance's own
sources (inspection reports, task-and-finish groups and multi-agency audits)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Complete"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Action(models.Model):
    """One thing an organisation has agreed to do, by a date, because a source asked for it.

    The source is named by kind and id (``sources.register``) rather than by a foreign key, so
    that any module can feed the plan without governance knowing it. An action is never deleted:
    one that no longer applies is withdrawn with its reason.
    """

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True, default="")
    source_kind = models.CharField(max_length=64)
    source_id = models.CharField(max_length=64)
    # The source as its module names it when the action is made ("Recommendation 2, CSPR ...").
    source_title = models.CharField(max_length=300, blank=True, default="")
    owner_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    owner_person = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    completion_evidence = models.TextField(blank=True, default="")
    evidence_of_impact = models.TextField(blank=True, default="")
    completed_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True, default="")
    withdrawn_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An action moved here from a module's own table keeps its earlier audit history:
    # "reviews.action:12" names the rows the history page also shows.
    carried_from = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["source_kind", "source_id"], name="gov_action_source"),
            models.Index(fields=["owner_organisation", "status"], name="gov_action_owner"),
            models.Index(fields=["status", "due_on"], name="gov_action_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed")
                | (~Q(completion_evidence="") & Q(completed_on__isnull=False)),
                name="gov_action_completed_has_evidence",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn")
                | (~Q(withdrawal_reason="") & Q(withdrawn_on__isnull=False)),
                name="gov_action_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActionProgress(models.Model):
    """A dated note of progress by the owner: what was done, and the status it left."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress")
    on = models.DateField()
    text = models.TextField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A partner system's own reference for this update: sending it again changes nothing.
    sender_reference = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "sender_reference"],
                condition=~Q(sender_reference=""),
                name="gov_progress_sender_reference_once",
            )
        ]


class InspectionKind(models.TextChoices):
    OFSTED_ILACS = "ofsted_ilacs", "Ofsted inspection of local authority children's services"
    OFSTED_JTAI = "ofsted_jtai", "Joint targeted area inspection (JTAI)"
    HMICFRS = "hmicfrs", "HMICFRS inspection"
    CQC = "cqc", "Care Quality Commission (CQC) inspection"


class Inspection(models.Model):
    """An inspection report whose recommendations become actions."""

    kind = models.CharField(max_length=32, choices=InspectionKind.choices)
    title = models.CharField(max_length=300)
    reported_on = models.DateField()
    link = models.URLField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-reported_on", "pk"]

    def __str__(self) -> str:
        return self.title


class GroupKind(models.TextChoices):
    TASK_AND_FINISH = "task_and_finish", "Task-and-finish group"
    AUDIT = "multi_agency_audit", "Multi-agency audit"


class NamedSource(models.Model):
    """A task-and-finish group or a multi-agency audit, by name: a simple source of actions
    until the assurance module registers its own audits."""

    kind = models.CharField(max_length=32, choices=GroupKind.choices)
    name = models.CharField(max_length=200)
    started_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "pk"]

    def __str__(self) -> str:
        return self.name


# --- Meetings (issue 17, part 1): any group's meetings, agendas, papers, attendance, minutes ---


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "In person and online"


class MinutesStatus(models.TextChoices):
    NOT_WRITTEN = "not_written", "Not written yet"
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


class Meeting(models.Model):
    """One meeting of a partnership group (``core.Group``): when, where, who chairs, and the
    state of its minutes. Meetings of a recurring schedule share a ``series`` so the schedule
    can be read back; each meeting is still its own record with its own agenda."""

    group = models.ForeignKey("core.Group", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=40, blank=True, default="")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    format = models.CharField(
        max_length=16, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON
    )
    venue = models.CharField(max_length=200, blank=True, default="")
    joining_link = models.URLField(max_length=500, blank=True, default="")
    chair = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Papers are due this many working days before the meeting (a clock on "What is due").
    papers_due_days = models.PositiveSmallIntegerField(default=5)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    minutes_status = models.CharField(
        max_length=16, choices=MinutesStatus.choices, default=MinutesStatus.NOT_WRITTEN
    )
    minutes_approved_at = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invitations_sent = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["group", "starts_at"], name="gov_meeting_group")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="gov_meeting_ends_after"
            ),
            models.CheckConstraint(
                condition=~Q(minutes_status="approved") | Q(minutes_approved_at__isnull=False),
                name="gov_meeting_approved_at_a_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting {self.pk}"


class AgendaItem(models.Model):
    """An item on a meeting's agenda: in order, with its time and owner, and its minutes.

    ``kind`` and ``key`` name the item a module offered through ``governance.agenda`` (blank
    for an item a person added), so the same case or exception is not added twice."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    minutes = models.PositiveSmallIntegerField(default=10)
    owner_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_person = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paper_expected = models.BooleanField(default=False)
    kind = models.CharField(max_length=64, blank=True, default="")
    key = models.CharField(max_length=100, blank=True, default="")
    link = models.CharField(max_length=300, blank=True, default="")
    discussion = models.TextField(blank=True, default="")
    decisions = models.TextField(blank=True, default="")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "key"], condition=~Q(key=""), name="gov_agenda_item_once"
            ),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="gov_agenda_item_minutes"),
        ]

    def __str__(self) -> str:
        return self.title


class Paper(models.Model):
    """A paper for an agenda item, with its cover report (purpose, decision needed, risks).

    The file is kept in the database, never under a public address, and served only through
    the meeting's pages; a restricted paper is shown to the group's members only."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    purpose = models.TextField()
    decision_needed = models.TextField()
    risks = models.TextField(blank=True, default="")
    author_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    restricted = models.BooleanField(default=False)
    file_name = models.CharField(max_length=100, blank=True, default="")
    content_type = models.CharField(max_length=100, blank=True, default="")
    content = models.BinaryField(blank=True, default=b"")
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    DEPUTY = "deputy", "Represented by a deputy"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent without apologies"


class Attendance(models.Model):
    """Whether an organisation was at a meeting: present, by a deputy, apologies or absent."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=AttendanceStatus.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organisation"], name="gov_attendance_once")
        ]


# --- Funding and priorities (issue 17, parts 2 and 3): the annual report's funding section and
# its priority sections are built from these rows. ------------------------------------------


class FundingContribution(models.Model):
    """One partner's contribution to the partnership's budget for one financial year, and what
    it pays for (the Business Unit's staff, training, reviews ...).

    ``year_start`` is the 1 April that opens the financial year; one row per partner a year, so
    a correction changes the row (and the audit trail keeps what it was).
    """

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    year_start = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    funds = models.TextField("What it funds")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year_start", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year_start"], name="gov_funding_once_a_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="gov_funding_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year_start.year}"


class Priority(models.Model):
    """One of the partnership's priorities (set by the Executive), with its lead; the report's
    priority sections are its description, its evidence and its progress updates."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    lead_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    lead_person = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "priorities"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="gov_priority_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PriorityEvidence(models.Model):
    """What shows progress on a priority: a record of another module named by kind and id (as
    ``governance.sources`` knows it: a review, an audit ...) or an address (an indicator's page,
    a published document)."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=300)
    source_kind = models.CharField(max_length=64, blank=True, default="")
    source_id = models.CharField(max_length=64, blank=True, default="")
    url = models.CharField(max_length=500, blank=True, default="")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(source_kind="") & ~Q(source_id="")) | ~Q(url=""),
                name="gov_evidence_names_a_record_or_address",
            )
        ]


class PriorityUpdate(models.Model):
    """A dated account of progress on a priority, by its lead or the Business Unit."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField()
    text = models.TextField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        "core.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]
