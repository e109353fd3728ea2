"""Operation Encompass: school calendars, police incidents, the children in them, notifications.

An incident is keyed by its force and the force's own reference, so a resend from the police
records system updates the same row. Each child of an incident is matched to a pupil (or not),
and each matched child gives one notification to their school, with a clock on it.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from safeguard.core.clock import london_date
from safeguard.encompass import rules

# --- calendars ----------------------------------------------------------------------------


class Calendar(models.Model):
    """The LA default calendar (no school) or a school's own, which overrides it.

    ``holiday_contact`` on the LA default is the LA's holiday contact; on a school's calendar it
    is the school's on-duty key adult for weekends and holidays.
    """

    school = models.OneToOneField(
        "core.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="encompass_calendar",
    )
    is_default = models.BooleanField(default=False)
    day_starts_at = models.TimeField("school day starts at", default=time(8, 45))
    holiday_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="calendar_one_default"
            ),
            models.CheckConstraint(
                condition=Q(is_default=True, school__isnull=True)
                | Q(is_default=False, school__isnull=False),
                name="calendar_default_has_no_school",
            ),
        ]

    def __str__(self) -> str:
        return "LA default calendar" if self.is_default else f"Calendar of school {self.school_id}"


class Term(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=60)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="term_ends_after_start"
            ),
        ]


class InsetDay(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="inset_days")
    date = models.DateField()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="inset_day_unique"),
        ]


# --- incidents ----------------------------------------------------------------------------


class IncidentKind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    CRIME = "crime", "Crime"


class Incident(models.Model):
    """A domestic abuse incident as the police recorded it."""

    force = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="encompass_incidents"
    )
    reference = models.CharField("incident reference", max_length=60)
    occurred_at = models.DateTimeField("date and time")
    location = models.CharField(max_length=300, blank=True, default="")
    kind = models.CharField(max_length=16, choices=IncidentKind.choices)
    # Data quality: the annual report found children present but not recorded.
    no_children_recorded = models.BooleanField(default=False)
    presence_unknown = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["force", "reference"], name="incident_force_reference"),
        ]

    def __str__(self) -> str:
        return f"Incident {self.pk}"


class AdultRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    SUSPECT = "suspect", "Suspect"


class IncidentAdult(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="adults")
    role = models.CharField(max_length=16, choices=AdultRole.choices)
    forename = models.CharField(max_length=100, blank=True, default="")
    surname = models.CharField(max_length=100, blank=True, default="")
    dob = models.DateField("date of birth", null=True, blank=True)

    class Meta:
        ordering = ["role", "pk"]


class Presence(models.TextChoices):
    PRESENT = "present", "Present"
    NOT_PRESENT = "not_present", "Not present"
    UNKNOWN = "unknown", "Not known"


class MatchState(models.TextChoices):
    PENDING = "pending", "Not yet matched"
    AUTOMATIC = "automatic", "Matched automatically"
    REVIEW = "review", "Waiting for a person to confirm"
    CONFIRMED = "confirmed", "Matched by a person"
    NONE = "none", "Not found on a roll"


class LaOutcome(models.TextChoices):
    OPEN = "", "Not yet decided"
    MISSING_EDUCATION = "missing_education", "Child missing education"
    ELECTIVE_HOME_EDUCATION = "elective_home_education", "Electively home educated"
    UNDER_SCHOOL_AGE = "under_school_age", "Under school age, in no early years setting"
    OUTSIDE_AREA = "outside_area", "At school in another area"
    FOUND_ON_ROLL = "found_on_roll", "Found on a school roll"
    OTHER = "other", "Other"


class IncidentChild(models.Model):
    """A child related to either adult, present or not, as the officer recorded them."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="children")
    ref = models.CharField("police person reference", max_length=60)
    forename = models.CharField(max_length=100, blank=True, default="")
    surname = models.CharField(max_length=100, blank=True, default="")
    dob = models.DateField("date of birth", null=True, blank=True)
    gender = models.CharField(max_length=1, blank=True, default="")
    address = models.CharField(max_length=300, blank=True, default="")
    postcode = models.CharField(max_length=8, blank=True, default="")
    # The school as the police recorded it, if they did: evidence for matching (ADR 0016), shown
    # to the reviewer beside each candidate's school. Never used to route a notification.
    school_name = models.CharField("school as recorded", max_length=200, blank=True, default="")
    school_urn = models.CharField("school URN as recorded", max_length=8, blank=True, default="")
    presence = models.CharField(max_length=16, choices=Presence.choices)
    where_they_were = models.CharField(max_length=300, blank=True, default="")
    voice_of_the_child = models.TextField("what they said or saw", blank=True, default="")
    injuries = models.TextField(blank=True, default="")
    withdrawn = models.BooleanField(default=False, help_text="Left out of the latest resend")
    # Matching to a pupil.
    match_state = models.CharField(
        max_length=16, choices=MatchState.choices, default=MatchState.PENDING
    )
    pupil = models.ForeignKey(
        "children.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    probability = models.FloatField(null=True, blank=True)
    # The pupils the matching put forward for a person to choose from (pupil ids, best first):
    # the reviewer may choose any of them, not only the best.
    candidates = models.JSONField(default=list, blank=True)
    # How probable the matching found each of them, in the same order (empty for a match
    # stored before the probabilities were kept).
    candidate_probabilities = models.JSONField(default=list, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The LA's follow-up of a child not found on any roll.
    la_outcome = models.CharField(
        max_length=32, choices=LaOutcome.choices, blank=True, default=LaOutcome.OPEN
    )
    la_outcome_at = models.DateTimeField(null=True, blank=True)
    la_outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why a person matched or re-routed the child against what the records say (for example a
    # date of birth that differs from the roll's): kept for whoever checks the decision later.
    match_reason = models.TextField("reason given", blank=True, default="")

    class Meta:
        ordering = ["incident", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "ref"], name="incident_child_ref"),
            models.CheckConstraint(
                condition=Q(school_urn="") | Q(school_urn__regex=r"^([0-9]{6,7}|EY[0-9]{6})$"),
                name="incident_child_school_urn",
            ),
            models.CheckConstraint(
                condition=Q(match_state__in=["pending", "none"]) | Q(pupil__isnull=False),
                name="incident_child_match_has_pupil",
            ),
        ]

    def __str__(self) -> str:
        return f"Incident child {self.pk}"

    @property
    def initials(self) -> str:
        return rules.initials(self.forename, self.surname)

    @property
    def age_at_incident(self) -> int | None:
        return rules.age_on(self.dob, london_date(self.incident.occurred_at))


# --- notifications ------------------------------------------------------------------------


class FirstRecipient(models.TextChoices):
    SCHOOL = "school", "The school's key adults"
    ON_DUTY_KEY_ADULT = "on_duty_key_adult", "The school's on-duty key adult"
    LA_HOLIDAY_CONTACT = "la_holiday_contact", "The LA holiday contact"


class Notification(models.Model):
    """One child's incident, told to one school. The content is read in the service only."""

    child = models.ForeignKey(IncidentChild, on_delete=models.CASCADE, related_name="notifications")
    school = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="encompass_notifications"
    )
    first_recipient = models.CharField(max_length=24, choices=FirstRecipient.choices)
    due_at = models.DateTimeField(help_text="When the first recipient must have it")
    school_due_at = models.DateTimeField(help_text="The start of the next school day")
    rule = models.CharField(max_length=200)
    out_of_school_time = models.BooleanField(default=False)
    no_key_adult = models.BooleanField(default=False)
    calendar_gap = models.BooleanField(
        default=False, help_text="The school's calendar did not reach; working days were used"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    first_viewed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    support_given = models.TextField(blank=True, default="")
    escalate_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    school_reminded_at = models.DateTimeField(null=True, blank=True)
    # When the first message to the school's key adults was delivered (the outbox's "sent"),
    # not when it was queued: "told" means told.
    told_at = models.DateTimeField(null=True, blank=True)
    # The police withdrew the child, or the LA sent the child to another school: the clocks
    # stop and the school is told it was withdrawn (no details).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The LA coordinator's action on an escalation: the call to the school, and re-sends.
    la_call_note = models.TextField("call to the school", blank=True, default="")
    la_called_at = models.DateTimeField(null=True, blank=True)
    resent_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["school_due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["child", "school"], name="notification_child_school"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | ~Q(support_given=""),
                name="notification_acknowledged_with_support",
            ),
        ]

    def __str__(self) -> str:
        return f"Notification {self.pk}"


# --- cross-border forwarding --------------------------------------------------------------


class Neighbour(models.Model):
    """A neighbouring partnership that runs this software, and the LA codes its schools carry.

    One partnership per deployment (DESIGN.md section 3): a child at school across the border
    is forwarded to the neighbour, never kept here for them. ``api_key_sealed`` holds the key
    for THEIR API encrypted with a key derived from SECRET_KEY (see ``sealed.py``); it is never
    shown again after entry and never logged.
    """

    name = models.CharField(max_length=200, unique=True)
    la_codes = models.CharField(
        "LA codes", max_length=200, help_text="The three-digit LA codes it covers, comma separated"
    )
    api_base_url = models.URLField("API base URL", max_length=300, blank=True, default="")
    api_key_sealed = models.TextField(blank=True, default="")
    contact_email = models.EmailField("secure contact e-mail", blank=True, default="")
    # The e-mail route's access code goes here, apart from the link, so that one mailbox is not
    # enough to read a child's notification. Empty: the code goes to our LA coordinators, who
    # give it to the neighbour by telephone.
    code_email = models.EmailField("access code e-mail", blank=True, default="")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def codes(self) -> list[str]:
        return [c.strip() for c in self.la_codes.split(",") if c.strip()]

    @property
    def has_api(self) -> bool:
        return bool(self.api_base_url and self.api_key_sealed)


class ForwardState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RETRYING = "retrying", "Waiting to retry"
    SENT = "sent", "Sent, waiting for the neighbour"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the neighbour"
    FAILED = "failed", "Failed"
    WITHDRAWN = "withdrawn", "Withdrawn: sent to a school here instead"


class ForwardReason(models.TextChoices):
    ROLL = "roll", "On the roll of a school in their area"
    LA = "la", "Recorded by the LA as at school in their area"


class Forward(models.Model):
    """One child forwarded to one neighbouring partnership, with a clock and retries.

    The worker claims a row with a conditional update of the lease (as the outbox does), so two
    workers never send it at once. The e-mail route's link is bound to ``link_nonce``: a new
    link replaces it, revoking clears it.
    """

    child = models.ForeignKey(IncidentChild, on_delete=models.CASCADE, related_name="forwards")
    neighbour = models.ForeignKey(Neighbour, on_delete=models.PROTECT, related_name="forwards")
    reason = models.CharField(max_length=8, choices=ForwardReason.choices)
    school_urn = models.CharField(max_length=6, blank=True, default="")
    la_code = models.CharField(max_length=3, blank=True, default="")
    state = models.CharField(
        max_length=16, choices=ForwardState.choices, default=ForwardState.QUEUED, db_index=True
    )
    route = models.CharField(max_length=8, blank=True, default="", help_text="api or email")
    due_at = models.DateTimeField(help_text="The start of the next school day, by our calendar")
    rule = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=6)
    next_attempt_at = models.DateTimeField(db_index=True)
    locked_by = models.CharField(max_length=100, blank=True, default="")
    locked_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by_name = models.CharField(max_length=200, blank=True, default="")
    last_error = models.CharField(max_length=500, blank=True, default="")
    last_status = models.PositiveIntegerField(null=True, blank=True)
    response = models.JSONField(default=dict, blank=True)
    link_nonce = models.CharField(max_length=64, blank=True, default="")
    link_expires_at = models.DateTimeField(null=True, blank=True)
    link_revoked_at = models.DateTimeField(null=True, blank=True)
    # The access code sent apart from the link (a keyed hash of it) and the wrong tries so far.
    link_code_hash = models.CharField(max_length=128, blank=True, default="")
    link_code_tries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["child", "neighbour"], name="forward_child_neighbour"),
        ]

    def __str__(self) -> str:
        return f"Forward {self.pk}"


class ForwardAttempt(models.Model):
    forward = models.ForeignKey(Forward, on_delete=models.CASCADE, related_name="tries")
    attempted_at = models.DateTimeField()
    route = models.CharField(max_length=8)
    worker = models.CharField(max_length=100, blank=True, default="")
    succeeded = models.BooleanField()
    status = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["attempted_at", "pk"]


# --- help for schools ---------------------------------------------------------------------

# The number and hours as published for the helpline by the educational psychologists who
# answer it for Operation Encompass (edpsy.org.uk, "Operation Encompass and the National
# Teachers' Helpline", 2020). The LA should check them against operationencompass.org and
# reword them on the help page if they have changed.
HELPLINE_DEFAULT = (
    "Operation Encompass Teachers' National Helpline: 0204 513 9990, Monday to Friday, "
    "8am to 11am. Free, confidential advice from educational psychologists on supporting a "
    "child affected by domestic abuse."
)


class SchoolHelp(models.Model):
    """The help shown with every notification: the partnership's guidance for key adults and
    the national Teachers' Helpline, as the LA words them. One row (the LA's)."""

    guidance = models.TextField("the partnership's guidance for key adults", blank=True, default="")
    helpline = models.TextField("helpline details", blank=True, default=HELPLINE_DEFAULT)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return "Help for schools"


# --- key adults ---------------------------------------------------------------------------


class KeyAdult(models.Model):
    """A person a school names as its Key Adult (or deputy) for Encompass, with their training.

    Notifications go to the school's current key adults (trained, not expired, account active,
    still of the school); a school that has named none falls back to its DSLs, and the LA sees
    every school without a current key adult.
    """

    school = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="encompass_key_adults"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="encompass_key_adult"
    )
    deputy = models.BooleanField(default=False)
    trained_on = models.DateField("trained on")
    expires_on = models.DateField("training expires on")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deputy", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "person"], name="key_adult_school_person"),
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("trained_on")), name="key_adult_expires_after_training"
            ),
        ]

    def __str__(self) -> str:
        return f"Key adult {self.pk}"
