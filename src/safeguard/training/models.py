"""Courses, sessions, bookings, evaluations and the trainer pool.

No child appears anywhere here: the records are about practitioners and their learning.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class DeliveryMode(models.TextChoices):
    ONLINE = "online", "Online"
    FACE_TO_FACE = "face_to_face", "Face to face"
    HYBRID = "hybrid", "Hybrid"


class CourseKind(models.TextChoices):
    CORE = "core", "Core offer"
    BRIEFING = "briefing", "Topic briefing"
    NETWORK = "network", "Network event"


class Course(models.Model):
    title = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=CourseKind.choices, default=CourseKind.CORE)
    outcomes = models.TextField("Learning outcomes")
    audience = models.CharField(max_length=300)
    length = models.CharField("Length", max_length=100, help_text="For example, 3 hours")
    parts = models.PositiveSmallIntegerField(default=1)
    delivery_modes = models.JSONField(default=list)
    # Themes of learning from reviews, by name: the reviews module owns the list, and this
    # module may not import it (DESIGN.md section 2); the kernel's theme registry names them.
    review_themes = models.JSONField(default=list, blank=True)
    last_updated_on = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parts__gte=1) & Q(parts__lte=6), name="course_parts_1_to_6"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Trainer(models.Model):
    """A trainer of the pool: a person of a partner agency (or the Business Unit)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trainer"
    )
    courses = models.ManyToManyField(Course, blank=True, related_name="trainers")
    availability = models.CharField(max_length=300, blank=True, default="")
    trained_on = models.DateField("Last trained as a trainer", null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["person__full_name"]


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    part = models.PositiveSmallIntegerField(default=1)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=16, choices=DeliveryMode.choices)
    venue = models.CharField(max_length=300, blank=True, default="")
    joining_link = models.URLField(blank=True, default="")
    capacity = models.PositiveIntegerField()
    trainers = models.ManyToManyField(Trainer, blank=True, related_name="sessions")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(condition=Q(part__gte=1), name="session_part_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course.title}, part {self.part}"


class BookingStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting your manager's approval"
    BOOKED = "booked", "Booked"
    WAITING = "waiting", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"
    DECLINED = "declined", "Not approved"


HOLDS_A_PLACE = (BookingStatus.BOOKED,)


class Booking(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_bookings"
    )
    # The agency at the time of booking: a practitioner who moves on keeps their history here.
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="training_bookings"
    )
    agency_type = models.CharField(max_length=32)
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    # When the person joined the waiting list: freed places go in this order.
    waiting_since = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["session__starts_at", "pk"]
        # Covers the figures' count per session and agency: read in order, no sort, no table.
        indexes = [
            models.Index(
                fields=["session", "agency_type", "status", "attended"], name="booking_figures"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="booking_once_a_session"),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_since__isnull=False),
                name="booking_waiting_has_since",
            ),
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(status="booked"),
                name="booking_attendance_only_when_booked",
            ),
        ]


class Evaluation(models.Model):
    class Learned(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="evaluation")
    met_expectations = models.BooleanField()
    outcomes_learned = models.CharField(max_length=8, choices=Learned.choices)
    knowledge_before = models.PositiveSmallIntegerField()
    knowledge_after = models.PositiveSmallIntegerField()
    confidence_before = models.PositiveSmallIntegerField()
    confidence_after = models.PositiveSmallIntegerField()
    comments = models.TextField(blank=True, default="")
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(knowledge_before__range=(1, 5))
                & Q(knowledge_after__range=(1, 5))
                & Q(confidence_before__range=(1, 5))
                & Q(confidence_after__range=(1, 5)),
                name="evaluation_scores_1_to_5",
            ),
        ]


class FollowUp(models.Model):
    """Three months on: what changed in practice, which is how impact starts to show."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="follow_up")
    practice_changed = models.BooleanField()
    what_changed = models.TextField(blank=True, default="")
    submitted_at = models.DateTimeField()


class OrganisationSetting(models.Model):
    """An organisation that asks for its manager's approval before its people's bookings."""

    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.CASCADE, related_name="training_setting"
    )
    approval_required = models.BooleanField(default=False)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class NeedsSurvey(models.Model):
    """The training needs analysis: a questionnaire sent to every partner organisation."""

    title = models.CharField(max_length=200)
    closes_on = models.DateField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at"]


class NeedsAnswer(models.Model):
    """One organisation's answer; answering again replaces it."""

    survey = models.ForeignKey(NeedsSurvey, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="training_needs"
    )
    courses = models.ManyToManyField(Course, blank=True, related_name="needed_by")
    other_needs = models.TextField(blank=True, default="")
    people = models.PositiveIntegerField("People to train")
    preferred_mode = models.CharField(max_length=16, choices=DeliveryMode.choices)
    trainers_offered = models.PositiveIntegerField(default=0)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "organisation"], name="needs_answer_once"),
        ]


class AccountRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Not approved"
    # Kept only to count requests for the rate limits: the address already had an account or a
    # request waiting. Never shown to approvers; no name kept.
    NOT_TAKEN = "not_taken", "Not taken"


class AccountRequest(models.Model):
    """A practitioner without an account asks for one to book training (self-registration);
    the Business Unit or their organisation's approver decides."""

    full_name = models.CharField(max_length=200, blank=True, default="")
    email = models.EmailField(db_index=True)
    job_title = models.CharField(max_length=200, blank=True, default="")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=AccountRequestStatus.choices, default=AccountRequestStatus.PENDING
    )
    # A keyed hash of where the request came from (the client's address), for the rate limit:
    # the address itself is not kept.
    source = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True, default="")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
