"""Assurance records: concerns raised through Concerns Resolution, self-assessments against the
Section 11 / 175 / 157 standards, and secure settings' monthly returns and incident reviews.

A concern names a child (a pupil of the child index): personal data, read through selectors that
audit every read. Self-assessments and returns name no child.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguard.assurance import rules


def _choices(values: dict[str, str]) -> list[tuple[str, str]]:
    return list(values.items())


# --- Concerns Resolution ----------------------------------------------------------------------


class Escalation(models.Model):
    """A practitioner's disagreement with another agency's decision about a child."""

    reference = models.CharField(max_length=20, unique=True)
    pupil = models.ForeignKey("children.Pupil", on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    other_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    theme = models.CharField(max_length=32, choices=_choices(rules.THEMES))
    decision = models.TextField(help_text="The other agency's decision the concern is about")
    concern = models.TextField()
    raised_at = models.DateTimeField()
    stage = models.PositiveSmallIntegerField(default=1, choices=list(rules.STAGES.items()))
    status = models.CharField(
        max_length=16, choices=_choices(rules.ESCALATION_STATUSES), default=rules.OPEN
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__gte=1, stage__lte=4), name="asr_esc_stage"),
            models.CheckConstraint(
                condition=~Q(raised_by_organisation=models.F("other_organisation")),
                name="asr_esc_other_agency",
            ),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | Q(status="resolved", resolved_at__isnull=False),
                name="asr_esc_resolved_has_moment",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class EscalationStage(models.Model):
    """One stage of a concern: opened, answered by the other agency, then resolved or escalated."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField(choices=list(rules.STAGES.items()))
    opened_at = models.DateTimeField()
    due_on = models.DateField()
    response = models.TextField(blank=True, default="")
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(
        max_length=16, choices=_choices(rules.OUTCOMES), blank=True, default=""
    )
    outcome_note = models.TextField(blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["escalation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "number"], name="asr_stage_once"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="asr_stage_n"),
        ]


# --- Self-assessments -------------------------------------------------------------------------


class StandardTemplate(models.Model):
    """One version of the standards of a kind of self-assessment; a change is a new version."""

    kind = models.CharField(max_length=32, choices=_choices(rules.TEMPLATE_KINDS))
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="asr_template_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.version}"


class Standard(models.Model):
    template = models.ForeignKey(
        StandardTemplate, on_delete=models.CASCADE, related_name="standards"
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    guidance = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="asr_standard_once"),
        ]


class Round(models.Model):
    """A year's self-assessments: every organisation asked returns by one date."""

    title = models.CharField(max_length=200)
    year = models.PositiveIntegerField(unique=True)
    opened_at = models.DateTimeField()
    returns_due_on = models.DateField()

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class SelfAssessment(models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="assessments")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(StandardTemplate, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=_choices(rules.ASSESSMENT_STATUSES), default="awaiting"
    )
    voice_of_child = models.TextField(blank=True, default="")
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="asr_assessment_once"),
        ]


class Rating(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    rag = models.CharField(max_length=8, choices=_choices(rules.RAG))
    evidence = models.TextField()

    class Meta:
        ordering = ["assessment", "standard__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "standard"], name="asr_rating_once"),
            models.CheckConstraint(condition=Q(rag__in=list(rules.RAG)), name="asr_rating_rag"),
        ]


class Challenge(models.Model):
    """The Business Unit's question on one rating; the agency answers within 10 working days."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="challenges")
    question = models.TextField()
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    answer = models.TextField(blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["raised_at", "pk"]


# --- Secure settings --------------------------------------------------------------------------


class MonthlyReturn(models.Model):
    """A secure setting's figures for one month; a figure left blank does not apply to it."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(help_text="The first day of the month the figures are for")
    restraints_main_site = models.PositiveIntegerField(null=True, blank=True)
    restraints_specialist_unit = models.PositiveIntegerField(null=True, blank=True)
    force_pre_detention = models.PositiveIntegerField(null=True, blank=True)
    soft_force_pre_detention = models.PositiveIntegerField(null=True, blank=True)
    force_in_custody = models.PositiveIntegerField(null=True, blank=True)
    custody_arrests = models.PositiveIntegerField(null=True, blank=True)
    voluntary_attendances = models.PositiveIntegerField(null=True, blank=True)
    detained_over_12_hours = models.PositiveIntegerField(null=True, blank=True)
    self_harm_incidents = models.PositiveIntegerField(null=True, blank=True)
    single_separations = models.PositiveIntegerField(null=True, blank=True)
    narrative = models.TextField(blank=True, default="")
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="asr_return_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="asr_return_first_of_month"),
        ]


class IncidentReview(models.Model):
    """A review of an incident in a secure setting (a Youth Custody Service review, say)."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    reviewed_on = models.DateField()
    reviewed_by = models.CharField(max_length=200, default="Youth Custody Service")
    summary = models.TextField()
    learning = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on", "-pk"]


# --- Multi-agency case audits -------------------------------------------------------------------


class GradingScale(models.Model):
    """One version of a grading scale: ordered grades (best first) with their wording, and how
    many of them, from the top, count as good enough. A change is a new version, so an audit
    keeps the scale its tool was written with. Ofsted's four grades are seeded as the default."""

    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    grades = models.JSONField(default=list, help_text="[{key, label, wording}], best first")
    good_enough = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="asr_scale_version"),
            models.CheckConstraint(condition=Q(good_enough__gte=1), name="asr_scale_good_enough"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version}"

    def rule(self) -> rules.Scale:
        """The scale as the pure rules read it."""
        return rules.Scale(
            grades=tuple(
                rules.GradeDef(g["key"], g["label"], g.get("wording", "")) for g in self.grades
            ),
            good_enough=self.good_enough,
        )


class AuditTool(models.Model):
    """One version of an audit tool: graded questions on one grading scale; a change is a new
    version."""

    title = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    questions = models.JSONField(default=list)
    scale = models.ForeignKey(GradingScale, on_delete=models.PROTECT, related_name="tools")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["title", "version"], name="asr_tool_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.version}"


class CaseAudit(models.Model):
    """One audit of the year's programme: a theme, a tool, agencies, a sample of cases."""

    title = models.CharField(max_length=200)
    theme = models.CharField(max_length=32, choices=_choices(rules.AUDIT_THEMES))
    year = models.PositiveIntegerField()
    criteria = models.TextField(help_text="How the sample of cases was chosen")
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="+")
    agencies = models.ManyToManyField("core.Organisation", related_name="+")
    status = models.CharField(
        max_length=16, choices=_choices(rules.AUDIT_STATUSES), default="auditing"
    )
    moderation = models.TextField(blank=True, default="")
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class AuditCase(models.Model):
    """A child in the sample. The report names the case by number only."""

    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="cases")
    number = models.PositiveSmallIntegerField()
    pupil = models.ForeignKey("children.Pupil", on_delete=models.PROTECT, related_name="+")
    # A code of the audit's scale (its tool's); blank until moderation.
    agreed_grade = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["audit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="asr_case_number"),
            models.UniqueConstraint(fields=["audit", "pupil"], name="asr_case_child_once"),
        ]


class CaseAnswer(models.Model):
    """One agency's grade and comment on one question for one case."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    question = models.PositiveSmallIntegerField()
    grade = models.CharField(max_length=32, help_text="A code of the audit's grading scale")
    comment = models.TextField(blank=True, default="")
    answered_at = models.DateTimeField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["case", "organisation", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation", "question"], name="asr_answer_once"
            ),
        ]


class Finding(models.Model):
    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="findings")
    grade = models.CharField(max_length=32, help_text="A code of the audit's grading scale")
    theme = models.CharField(max_length=32, choices=_choices(rules.AUDIT_THEMES))
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["audit", "pk"]


class QuestionnaireAnswer(models.Model):
    """A practitioner's answer to the audit's questionnaire: no child named."""

    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="questionnaire")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    confident = models.BooleanField(help_text="Confident of their role in the plan")
    helped = models.TextField(blank=True, default="")
    hindered = models.TextField(blank=True, default="")
    answered_at = models.DateTimeField()
