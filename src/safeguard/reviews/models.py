"""Serious incidents and what follows them: the referral, the LA's decision, the Rapid Review,
the CSPR, and the recommendations, actions and learning they yield.

Invariants that matter to the statutory process live in the database as well as in the
services: a decision always carries its rationale, an incident has at most four children, and a
partner system's reference names one incident per organisation (API writes are idempotent).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguard.core.clock import london_date
from safeguard.reviews.rules import PANEL_RESPONSE_LABELS

MAX_CHILDREN = 4


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_DECISION = "awaiting_decision", "Awaiting the LA's decision"
    NOT_NOTIFIED = "not_notified", "Not notified"
    RAPID_REVIEW = "rapid_review", "Rapid Review"
    RAPID_REVIEW_SUBMITTED = "rapid_review_submitted", "Rapid Review with the Panel"
    CSPR = "cspr", "Child Safeguarding Practice Review"
    ACTIONS = "actions", "Actions and learning"
    CLOSED = "closed", "Closed"


class Harm(models.TextChoices):
    DIED = "died", "The child has died"
    SERIOUS_HARM = "serious_harm", "The child has been seriously harmed"


class AbuseOrNeglect(models.TextChoices):
    KNOWN = "known", "Known"
    SUSPECTED = "suspected", "Suspected"
    NOT_SUSPECTED = "not_suspected", "Not known or suspected"


class ReferrerView(models.TextChoices):
    MEETS = "meets", "Meets the criteria"
    DOES_NOT_MEET = "does_not_meet", "Does not meet the criteria"
    UNSURE = "unsure", "Unsure: asks for the RAG's view"


class Decision(models.TextChoices):
    NOTIFY = "notify", "Notify the Panel"
    DO_NOT_NOTIFY = "do_not_notify", "Do not notify"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other or not known"


class Incident(models.Model):
    """One referral of a possible Serious Child Safeguarding Incident and its whole life."""

    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(
        max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referred_incidents",
    )
    referring_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="referred_incidents"
    )
    sender_reference = models.CharField(max_length=100, blank=True, default="")
    incident_date = models.DateField(null=True, blank=True)
    la_aware_on = models.DateField("Date the LA became aware", null=True, blank=True)
    summary = models.TextField("What happened", blank=True, default="")
    harm = models.CharField(max_length=16, choices=Harm.choices, blank=True, default="")
    abuse_or_neglect = models.CharField(
        max_length=16, choices=AbuseOrNeglect.choices, blank=True, default=""
    )
    agencies_involved = models.ManyToManyField(
        "core.Organisation", blank=True, related_name="incidents_involved_in"
    )
    referrer_view = models.CharField(
        max_length=16, choices=ReferrerView.choices, blank=True, default=""
    )
    referrer_reasons = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The LA's decision.
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True, default="")
    decision_rationale = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    panel_notified_on = models.DateField(null=True, blank=True)
    panel_reference = models.CharField(max_length=60, blank=True, default="")
    # Working Together 2023: whether the child was looked after or in a regulated setting or
    # service, and when the LA told Ofsted and the Secretary of State (rules.notification_errors).
    looked_after = models.BooleanField("Child was looked after", null=True, blank=True)
    regulated_setting = models.BooleanField(
        "Child was in a regulated setting or service", null=True, blank=True
    )
    ofsted_notified_on = models.DateField(null=True, blank=True)
    secretary_of_state_notified_on = models.DateField(null=True, blank=True)
    # A past case, entered with its real dates after the events (services.past_cases).
    recorded_afterwards = models.BooleanField(
        default=False, help_text="A past case entered with its real dates after the events"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referring_organisation", "sender_reference"],
                condition=~Q(sender_reference=""),
                name="incident_sender_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | ~Q(decision_rationale=""),
                name="incident_decision_has_rationale",
            ),
            models.CheckConstraint(
                condition=~Q(decision="notify") | Q(panel_notified_on__isnull=False),
                name="incident_notification_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft {self.pk}"


class Child(models.Model):
    """A child named on a referral: identifiable, so read only through the selectors."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveSmallIntegerField()
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=16, choices=Gender.choices, blank=True, default="")
    ethnicity = models.CharField(max_length=100, blank=True, default="")
    address = models.TextField(blank=True, default="")
    identifiers = models.CharField("Known identifiers", max_length=300, blank=True, default="")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "position"], name="child_position_unique"),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=MAX_CHILDREN),
                name="child_position_1_to_4",
            ),
        ]


class Meeting(models.Model):
    """An extraordinary RAG meeting or a Rapid Review meeting on a case (ADR 0025).

    The meeting itself is a governance meeting of the RAG (``sitting``): its date and time,
    attendance by organisation, papers, minutes, invitation and calendar file are governance's,
    and the case is its agenda item (kind ``reviews.cases``), whose minutes are the case's. The
    RAG keeps what is its own: the case, the kind of meeting, and the professionals invited for
    this case who are not members of the group."""

    class Kind(models.TextChoices):
        EXTRAORDINARY_RAG = "extraordinary_rag", "Extraordinary RAG meeting"
        RAPID_REVIEW = "rapid_review", "Rapid Review meeting"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    sitting = models.OneToOneField("governance.Meeting", on_delete=models.PROTECT, related_name="+")
    invited_professionals = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sitting__starts_at", "pk"]

    @property
    def agenda_key(self) -> str:
        """The case's key on the RAG's agendas (``reviews.agenda``)."""
        return f"incident:{self.incident_id}"

    @property
    def held_on(self) -> date:
        return london_date(self.sitting.starts_at)

    @property
    def minutes(self) -> str:
        """The case's minutes: its item's on the governance meeting."""
        item = self.sitting.items.filter(key=self.agenda_key).first()
        return item.discussion if item is not None else ""


class Contribution(models.Model):
    """A partner's information and professional opinion on a referral."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="contributions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    information = models.TextField()
    opinion = models.TextField("Professional opinion", blank=True, default="")
    sender_reference = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sender_reference"],
                condition=~Q(sender_reference=""),
                name="contribution_sender_reference_unique",
            )
        ]


class RapidReview(models.Model):
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="rapid_review")
    opened_on = models.DateField()
    due_on = models.DateField()
    immediate_actions = models.TextField(blank=True, default="")
    learning = models.TextField(blank=True, default="")
    cspr_recommended = models.BooleanField(null=True, blank=True)
    regulation_11_criteria = models.JSONField(default=list, blank=True)
    cspr_rationale = models.TextField(blank=True, default="")
    submitted_on = models.DateField(null=True, blank=True)
    # Prompts of Working Together 2023 for the findings: the child's lived experience, and how
    # race, ethnicity and culture shaped the child's and family's experience and the practice.
    lived_experience = models.TextField(blank=True, default="")
    race_ethnicity_culture = models.TextField(blank=True, default="")
    panel_response = models.CharField(
        max_length=20,
        choices=list(PANEL_RESPONSE_LABELS.items()),
        blank=True,
        default="",
    )
    panel_response_on = models.DateField(null=True, blank=True)
    panel_comments = models.TextField(blank=True, default="")


class AgencyRequest(models.Model):
    """A request to one agency for its individual agency summary and chronology."""

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="requests")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    requested_at = models.DateTimeField(auto_now_add=True)
    received_on = models.DateField(null=True, blank=True)
    summary = models.TextField("Individual agency summary", blank=True, default="")
    chronology = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rapid_review", "organisation"], name="agency_request_unique"
            )
        ]


class SignOff(models.Model):
    """One statutory partner's sign-off of the Rapid Review."""

    rapid_review = models.ForeignKey(
        RapidReview, on_delete=models.CASCADE, related_name="sign_offs"
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rapid_review", "organisation"], name="sign_off_unique")
        ]


class Cspr(models.Model):
    """A local Child Safeguarding Practice Review, published within 6 months of initiation."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="cspr")
    reviewer = models.CharField(max_length=200)
    terms_of_reference = models.TextField()
    commissioned_on = models.DateField()
    initiated_on = models.DateField(null=True, blank=True)
    publication_due_on = models.DateField(null=True, blank=True)
    joint_with = models.CharField(max_length=200, blank=True, default="")
    progress = models.TextField(blank=True, default="")
    # The final report goes to the Panel and the Secretary of State at least 7 working days
    # before publication; then it is published with its link, or not published for a reason.
    report_sent_on = models.DateField(
        "Date the final report was sent to the Panel and the Secretary of State",
        null=True,
        blank=True,
    )
    publication_decision = models.CharField(
        max_length=16,
        choices=[("publish", "Published"), ("not_publish", "Not published")],
        blank=True,
        default="",
    )
    published_on = models.DateField(null=True, blank=True)
    published_link = models.URLField(max_length=500, blank=True, default="")
    not_published_reason = models.TextField(blank=True, default="")
    decided_not_to_publish_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(publication_decision="not_publish") | ~Q(not_published_reason=""),
                name="cspr_not_published_has_reason",
            ),
        ]


class CsprReport(models.Model):
    """The CSPR's final report, a PDF kept in the database (never under a public URL) and served
    only through the case's page to those who may read the case."""

    cspr = models.OneToOneField(Cspr, on_delete=models.CASCADE, related_name="report")
    file_name = models.CharField(max_length=100)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Recommendation(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class Theme(models.Model):
    """A cross-cutting theme of learning; the list is editable and seeded from the report."""

    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LearningSheet(models.Model):
    """The one or two pages that carry a review's learning to practitioners, anonymised."""

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="learning_sheet"
    )
    title = models.CharField(max_length=200)
    what_happened = models.TextField()
    good_practice = models.TextField(blank=True, default="")
    learning = models.TextField()
    do_differently = models.TextField("What to do differently", blank=True, default="")
    themes = models.ManyToManyField(Theme, blank=True, related_name="sheets")
    published_at = models.DateTimeField(null=True, blank=True)


class Dissemination(models.Model):
    class Kind(models.TextChoices):
        GROUP = "group", "Presented to a group"
        TRAINING = "training", "Included in training"
        BRIEFING = "briefing", "Practitioner briefing"

    sheet = models.ForeignKey(
        LearningSheet, on_delete=models.CASCADE, related_name="disseminations"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    audience = models.CharField(max_length=200)
    held_on = models.DateField()
    notes = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["held_on", "pk"]


class ApiReceipt(models.Model):
    """A sender's reference, kept so that a repeated API call finds the record it first made.

    Meetings, recommendations, actions, agency requests and disseminations have no column for
    the reference; one receipt per (organisation, reference) names the record instead, written in
    the same transaction as the record.
    """

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    sender_reference = models.CharField(max_length=100)
    record_type = models.CharField(max_length=64)
    record_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sender_reference"], name="api_receipt_reference_unique"
            )
        ]
