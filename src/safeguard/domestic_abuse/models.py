"""Domestic abuse incidents, the adults in them, DASH checklists, the daily DRAMM board, its
decisions, and MARAC referrals, meetings, research and outcomes.

An incident is keyed by the sending organisation and its own reference, so a resend updates
the same row; an incident that came through Operation Encompass carries that incident's id
instead, so the police never send it twice. The adults are recorded as each incident gives
them; ``person_key`` groups the records of one person across incidents (see ``linkage``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguard.core.clock import london_date
from safeguard.domestic_abuse import rules

LONDON = ZoneInfo("Europe/London")


def midnight(day: date) -> datetime:
    """The start of a London day, as an instant."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)


def held_between(start: date, end: date, *, prefix: str = "") -> Q:
    """Meetings held on London days ``start <= day < end``: the date is the governance
    meeting's (ADR 0025), compared as instants so the start time's index serves."""
    field = f"{prefix}sitting__starts_at"
    return Q(**{f"{field}__gte": midnight(start), f"{field}__lt": midnight(end)})


def held_on_day(day: date, *, prefix: str = "") -> Q:
    return held_between(day, day + timedelta(days=1), prefix=prefix)


class AgencyKind(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    DV_SERVICE = "dv_service", "Domestic violence service"
    OTHER = "other", "Other MARAC agency"


class Agency(models.Model):
    """An organisation that sits on the DRAMM (the three agencies) or the MARAC, or both."""

    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.CASCADE, related_name="da_agency"
    )
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    on_dramm = models.BooleanField("sits on the DRAMM", default=False)
    on_marac = models.BooleanField("sits on the MARAC", default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(on_dramm=False) | ~Q(kind="other"), name="da_dramm_three_agencies"
            )
        ]


class Source(models.TextChoices):
    API = "api", "Sent through the API"
    ENCOMPASS = "encompass", "Operation Encompass"
    PAGE = "page", "Recorded on a page"


class Incident(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="da_incidents"
    )
    reference = models.CharField("incident reference", max_length=60)
    source = models.CharField(max_length=16, choices=Source.choices)
    encompass_incident_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    occurred_at = models.DateTimeField("date and time")
    received_at = models.DateTimeField()
    board_day = models.DateField(db_index=True)
    summary = models.TextField(blank=True, default="")
    children_count = models.PositiveIntegerField(default=0)
    # The linked people (``Adult.person_key``) of the incident's victim and perpetrator.
    victim_key = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    perpetrator_key = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # For an incident taken from Operation Encompass: the version of the Encompass incident it
    # follows, and when Encompass last changed it (the feed's cursor for resends).
    encompass_version = models.PositiveIntegerField(null=True, blank=True)
    encompass_updated_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="da_incident_org_reference"
            )
        ]

    def __str__(self) -> str:
        return f"Domestic abuse incident {self.pk}"


class AdultRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    PERPETRATOR = "perpetrator", "Perpetrator"


class Adult(models.Model):
    """An adult as one incident recorded them: personal data, every read audited."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="adults")
    role = models.CharField(max_length=16, choices=AdultRole.choices)
    forename = models.CharField(max_length=100, blank=True, default="")
    surname = models.CharField(max_length=100, blank=True, default="")
    dob = models.DateField("date of birth", null=True, blank=True)
    gender = models.CharField(max_length=1, blank=True, default="")
    postcode = models.CharField(max_length=8, blank=True, default="")
    person_key = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["role", "pk"]

    def __str__(self) -> str:
        return f"Adult record {self.pk}"


class AdultsChange(models.Model):
    """A resend of an incident (by the police through Operation Encompass, or through the API)
    that changed its victim or perpetrator: what the incident said before, for the incident
    page. Personal data: read only on the incident page, whose every opening is audited."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="adult_changes")
    version = models.PositiveIntegerField()  # the incident's version after the change
    encompass_version = models.PositiveIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField()
    victim_changed = models.BooleanField()
    perpetrator_changed = models.BooleanField()
    # The adults before the change: [{"role", "forename", "surname", "dob"}].
    before = models.JSONField(default=list)

    class Meta:
        ordering = ["-version", "-pk"]


class FeedCursor(models.Model):
    """How far a pull from another module's feed has read (``encompass_resends``: the last
    ``updated_at`` of the Encompass incidents read), so each pass starts where the last ended."""

    name = models.CharField(max_length=40, unique=True)
    position = models.DateTimeField(null=True, blank=True)


class ModelLink(models.Model):
    """A pair of adult records the Splink model scored as one person (``linkage.model_pairs``),
    kept between its runs (a background job) so that every regrouping, including the one a
    person's confirmation or split makes at once, counts them without running the model."""

    left = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    found_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="da_model_link_pair"),
            models.CheckConstraint(
                condition=Q(left__lt=models.F("right")), name="da_model_link_order"
            ),
        ]


class LinkDecision(models.Model):
    """A person's confirmation (``same``) or split of two adult records."""

    left = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="+")
    same = models.BooleanField()
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()


class Dash(models.Model):
    """One version of the DASH risk identification checklist for an incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="dashes")
    version = models.PositiveIntegerField()
    answers = models.JSONField()
    yes_count = models.PositiveSmallIntegerField()
    level = models.CharField(
        max_length=16, choices=[(lv.value, rules.LEVEL_LABELS[lv]) for lv in rules.Level]
    )
    judgement = models.CharField(
        "professional judgement",
        max_length=16,
        blank=True,
        default="",
        choices=[(lv.value, rules.LEVEL_LABELS[lv]) for lv in rules.Level],
    )
    judgement_reason = models.TextField(blank=True, default="")
    completed_by_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField()

    class Meta:
        ordering = ["incident", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "version"], name="da_dash_version"),
            models.CheckConstraint(condition=Q(yes_count__lte=24), name="da_dash_count_24"),
        ]


class Board(models.Model):
    """A working day's DRAMM: closed when the three agencies have decided every case."""

    day = models.DateField(unique=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    # The DRAMM group's governance meeting for this day, made only when attendance is recorded
    # (ADR 0025): attendance by organisation is governance's; the decisions stay here.
    sitting = models.OneToOneField(
        "governance.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class Outcome(models.TextChoices):
    MARAC = "marac", "Refer to MARAC"
    FRONT_DOOR = "front_door", "Refer to the Front Door"
    OTHER = "other", "Another action"
    NONE = "none", "No further action"


class Decision(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="decisions")
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    rationale = models.TextField()
    agreed_by = models.ManyToManyField("core.Organisation", related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()


class MaracMeeting(models.Model):
    """A MARAC meeting: a governance meeting of the MARAC group (``sitting``, ADR 0025), whose
    date, attendance, papers, minutes and invitation are governance's. Domestic abuse keeps
    the meeting's case list (its referrals) and their research and outcomes: nobody reads them
    through governance, whose agenda names a case by its referral number only."""

    sitting = models.OneToOneField("governance.Meeting", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["sitting__starts_at", "pk"]

    @property
    def held_on(self) -> date:
        return london_date(self.sitting.starts_at)


class ReferralSource(models.TextChoices):
    DRAMM = "dramm", "The DRAMM"
    AGENCY = "agency", "An agency directly"


class Referral(models.Model):
    """A MARAC referral of a victim (with the incident and perpetrator that brought it)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="referrals")
    victim_key = models.PositiveIntegerField(db_index=True)
    perpetrator_key = models.PositiveIntegerField(null=True, blank=True)
    referred_on = models.DateField()
    source = models.CharField(max_length=16, choices=ReferralSource.choices)
    referred_by = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    repeat = models.BooleanField(default=False)
    meeting = models.ForeignKey(MaracMeeting, on_delete=models.PROTECT, related_name="referrals")
    outcome = models.TextField(blank=True, default="")
    outcome_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting__sitting__starts_at", "pk"]


class Research(models.Model):
    """One agency's research for a MARAC referral: what it knows of the household."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="research")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "organisation"], name="da_research_once")
        ]


class Awareness(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class HomeEducationNotice(models.Model):
    """A school tells the LA a pupil is leaving for elective home education, answering "are you
    aware of any domestic abuse incidents within the family" (asked since 2022)."""

    school = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("children.Pupil", on_delete=models.PROTECT, related_name="+")
    leaving_on = models.DateField()
    aware_of_abuse = models.CharField(max_length=16, choices=Awareness.choices)
    details = models.TextField(blank=True, default="")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-pk"]


class AdultWomenPopulation(models.Model):
    """The area's women aged 16 and over, as the Business Unit sets it from the ONS mid-year
    estimates: the population SafeLives divides a MARAC's cases by ("cases per 10,000 adult
    females"). Each setting is kept; the latest stands (earlier rates were counted with theirs)."""

    figure = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField(help_text="The year of the mid-year estimate")
    source = models.CharField(max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(figure__gt=0), name="da_adult_women_positive"),
        ]

    @property
    def figure_text(self) -> str:
        return f"{self.figure:,}"
