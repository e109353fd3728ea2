"""The retention schedule: every record type of the service, its class, and what happens to it.

One table, reviewed as one document by the partnership's data protection officer, as
``urls.py`` is the one table of the service's addresses (ADR 0019). It names record types by
label and fields by name only: the kernel's machinery (``safeguard.core.retention``) reads it
through the setting ``RETENTION_SCHEDULE`` and imports no module. ``docs/retention.md`` is this
table in words, with the legal and guidance basis of each class; a test holds every record type
to having a rule here and the document to naming every class.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import Max, Q, QuerySet

from safeguard.core.retention import Action, RetentionClass, Rule, Schedule
from safeguard.core.retention_rules import latest_expired_anchor

CLASSES = {
    c.code: c
    for c in [
        RetentionClass(
            "child_25",
            "Child safeguarding record",
            "Until the child's 25th birthday, then deleted",
            "IRMS Information Management Toolkit for Schools (child protection files: date of"
            " birth of the child + 25 years); DfE Data Protection Toolkit for Schools",
        ),
        RetentionClass(
            "child_identity_25",
            "Child's identity in a review",
            "Until the child's 25th birthday (or would-have-been), then the identity is"
            " anonymised and the review kept",
            "As for a child safeguarding record (the 25th birthday) for the identity; the"
            " review's learning is kept (Working Together"
            " 2023, chapter 5: reviews exist to learn from); Child Death Review Statutory and"
            " Operational Guidance (England) sets no local period",
        ),
        RetentionClass(
            "review",
            "Partnership review",
            "Kept permanently (the child's identity removed at the child's 25th birthday)",
            "Working Together to Safeguard Children 2023 (chapter 5: rapid reviews and child"
            " safeguarding practice reviews); local authority schedules keep review reports"
            " permanently",
        ),
        RetentionClass(
            "domestic_abuse_6",
            "Domestic abuse triage and MARAC",
            "6 years after the incident was received, then deleted",
            "Limitation Act 1980 (6 years); SafeLives MARAC guidance asks each MARAC's"
            " information sharing protocol to set its retention",
        ),
        RetentionClass(
            "training_6",
            "Training attendance",
            "6 years after the session ended, then deleted",
            "Limitation Act 1980 (6 years); IRMS toolkit: staff training records",
        ),
        RetentionClass(
            "account_6",
            "Account of a person who has left",
            "6 years after a deactivated account was last used, then anonymised (the audit"
            " trail keeps the person's id)",
            "Limitation Act 1980 (6 years); UK GDPR Article 5(1)(e) storage limitation",
        ),
        RetentionClass(
            "operational_1",
            "Operational record",
            "1 year, then deleted",
            "UK GDPR Article 5(1)(e): kept only while needed to show a message was sent or a"
            " job ran",
        ),
        RetentionClass(
            "audit_permanent",
            "Audit trail",
            "Kept permanently; never changed (a deletion is itself a new row)",
            "DESIGN.md section 3 and ADR 0003: who saw or changed what; Data Protection Act"
            " 2018 section 62 (logging) as good practice",
        ),
        RetentionClass(
            "partnership_business",
            "Partnership business record",
            "Reviewed by the data protection officer 6 years after closure",
            "Limitation Act 1980 (6 years); the partnership's own records management policy",
        ),
        RetentionClass(
            "reference",
            "Reference data",
            "Kept while in use (no personal data beyond names of organisations and staff)",
            "Needed to run the service; removed by administrators when no longer used",
        ),
    ]
}

CHILD_YEARS = 25


def _before(years: int, field: str) -> Any:
    """Records whose ``field`` (a date or date-time) is at least ``years`` years before today."""

    def expired(found: QuerySet[Any], today: date) -> QuerySet[Any]:
        cutoff = latest_expired_anchor(today, years)
        sample = found.model._meta.get_field(field.split("__")[0])
        is_datetime = sample.get_internal_type() == "DateTimeField"
        return found.filter(**{f"{field}__date__lte" if is_datetime else f"{field}__lte": cutoff})

    return expired


def _child_turned_25(dob: str, fallback: str) -> Any:
    """The youngest child of the record has turned 25; with no birth date known, 25 years after
    ``fallback`` (a child at the time is then past 25 for certain)."""

    def expired(found: QuerySet[Any], today: date) -> QuerySet[Any]:
        cutoff = latest_expired_anchor(today, CHILD_YEARS)
        return found.annotate(_youngest=Max(dob)).filter(
            Q(_youngest__lte=cutoff)
            | Q(_youngest__isnull=True, **{f"{fallback}__date__lte": cutoff})
        )

    return expired


def _not_yet_anonymised(expiry: Any, marker: dict[str, Any]) -> Any:
    def expired(found: QuerySet[Any], today: date) -> QuerySet[Any]:
        return expiry(found, today).exclude(**marker)

    return expired


REMOVED = "Removed under the retention schedule"


def _person_expired(found: QuerySet[Any], today: date) -> QuerySet[Any]:
    cutoff = latest_expired_anchor(today, 6)
    used = Q(last_login__date__lte=cutoff) | Q(
        last_login__isnull=True, created_at__date__lte=cutoff
    )
    return found.filter(used, is_active=False).exclude(full_name=REMOVED)


def _rules() -> list[Rule]:
    rules = [
        # The kernel -----------------------------------------------------------------------------
        Rule("core.AuditEvent", "audit_permanent", Action.KEEP),
        Rule("core.AuditChainHead", "audit_permanent", Action.KEEP),
        Rule(
            "core.Person",
            "account_6",
            Action.ANONYMISE,
            expired=_person_expired,
            anonymise={
                "full_name": REMOVED,
                "email": lambda p: f"removed-{p.pk}@removed.invalid",
                "job_title": "",
                "password": lambda p: make_password(None),
            },
        ),
        Rule("core.RoleAssignment", "reference", Action.KEEP),
        Rule("core.Organisation", "reference", Action.KEEP),
        Rule("core.Group", "reference", Action.KEEP),
        Rule("core.Membership", "reference", Action.KEEP),
        Rule("core.ApiKey", "reference", Action.KEEP),
        Rule("core.ExtraHoliday", "reference", Action.KEEP),
        Rule("core.ProviderSecondFactor", "reference", Action.KEEP),
        Rule("core.Deadline", "partnership_business", Action.REVIEW),
        Rule(
            "core.OutboxMessage",
            "operational_1",
            Action.DELETE,
            expired=lambda found, today: _before(1, "created_at")(
                found.filter(state__in=["sent", "failed"]), today
            ),
        ),
        Rule(
            "core.OutboxAttempt", "operational_1", Action.WITH_PARENT, parent="core.OutboxMessage"
        ),
        Rule(
            "core.Job",
            "operational_1",
            Action.DELETE,
            expired=lambda found, today: _before(1, "finished_at")(found, today),
        ),
        Rule("core.RetentionRun", "audit_permanent", Action.KEEP),
        # The child index --------------------------------------------------------------------
        Rule("children.Establishment", "reference", Action.KEEP),
        Rule(
            "children.RollImport", "operational_1", Action.DELETE, expired=_before(1, "imported_at")
        ),
        Rule(
            "children.Pupil",
            "child_25",
            Action.DELETE,
            expired=lambda found, today: _before(CHILD_YEARS, "dob")(
                found.filter(on_roll=False), today
            ),
            note="a pupil still on a roll is kept; one still named by an incident waits for it",
        ),
        Rule("children.MatchModelVersion", "reference", Action.KEEP),
        # Serious incidents and reviews ------------------------------------------------------------
        Rule("reviews.Incident", "review", Action.KEEP),
        Rule(
            "reviews.Child",
            "child_identity_25",
            Action.ANONYMISE,
            expired=_not_yet_anonymised(
                _before(CHILD_YEARS, "date_of_birth"), {"full_name": REMOVED}
            ),
            anonymise={
                "full_name": REMOVED,
                "address": "",
                "identifiers": "",
            },
            note="a child with no birth date recorded is reviewed by the data protection officer",
        ),
        *(
            Rule(f"reviews.{name}", "review", Action.KEEP)
            for name in (
                "Meeting",
                "Contribution",
                "RapidReview",
                "AgencyRequest",
                "SignOff",
                "Cspr",
                "CsprReport",
                "Recommendation",
                "LearningSheet",
                "Dissemination",
            )
        ),
        Rule("reviews.Theme", "reference", Action.KEEP),
        Rule(
            "reviews.ApiReceipt", "operational_1", Action.DELETE, expired=_before(1, "created_at")
        ),
        # Operation Encompass -------------------------------------------------------------------
        Rule(
            "encompass.Incident",
            "child_25",
            Action.DELETE,
            expired=_child_turned_25("children__dob", "occurred_at"),
            note="the whole incident goes when its youngest child turns 25",
        ),
        Rule(
            "encompass.IncidentAdult", "child_25", Action.WITH_PARENT, parent="encompass.Incident"
        ),
        Rule(
            "encompass.IncidentChild", "child_25", Action.WITH_PARENT, parent="encompass.Incident"
        ),
        Rule(
            "encompass.Notification",
            "child_25",
            Action.WITH_PARENT,
            parent="encompass.IncidentChild",
        ),
        Rule("encompass.Forward", "child_25", Action.WITH_PARENT, parent="encompass.IncidentChild"),
        Rule(
            "encompass.ForwardAttempt", "child_25", Action.WITH_PARENT, parent="encompass.Forward"
        ),
        *(
            Rule(f"encompass.{name}", "reference", Action.KEEP)
            for name in ("Calendar", "Term", "InsetDay", "Neighbour", "SchoolHelp", "KeyAdult")
        ),
        # Domestic abuse triage and MARAC ---------------------------------------------------------
        Rule(
            "domestic_abuse.Incident",
            "domestic_abuse_6",
            Action.DELETE,
            expired=lambda found, today: _before(6, "received_at")(found, today).exclude(
                referrals__referred_on__gt=latest_expired_anchor(today, 6)
            ),
            remove_first=("decision", "referrals"),
            note="kept while a MARAC referral from it is less than 6 years old",
        ),
        Rule(
            "domestic_abuse.Adult",
            "domestic_abuse_6",
            Action.WITH_PARENT,
            parent="domestic_abuse.Incident",
        ),
        Rule(
            "domestic_abuse.LinkDecision",
            "domestic_abuse_6",
            Action.WITH_PARENT,
            parent="domestic_abuse.Adult",
        ),
        Rule(
            "domestic_abuse.Dash",
            "domestic_abuse_6",
            Action.WITH_PARENT,
            parent="domestic_abuse.Incident",
        ),
        Rule(
            "domestic_abuse.Decision",
            "domestic_abuse_6",
            Action.REVIEW,
            note="removed with its incident",
        ),
        Rule(
            "domestic_abuse.Referral",
            "domestic_abuse_6",
            Action.REVIEW,
            note="removed with its incident",
        ),
        Rule(
            "domestic_abuse.Research",
            "domestic_abuse_6",
            Action.WITH_PARENT,
            parent="domestic_abuse.Referral",
        ),
        Rule("domestic_abuse.Board", "partnership_business", Action.REVIEW),
        Rule("domestic_abuse.MaracMeeting", "partnership_business", Action.REVIEW),
        Rule("domestic_abuse.Agency", "reference", Action.KEEP),
        Rule("domestic_abuse.AdultWomenPopulation", "reference", Action.KEEP),
        Rule(
            "domestic_abuse.HomeEducationNotice",
            "child_25",
            Action.REVIEW,
            note="follows the pupil's record",
        ),
        # Child deaths ---------------------------------------------------------------------------
        Rule(
            "child_deaths.Death",
            "child_identity_25",
            Action.ANONYMISE,
            expired=_not_yet_anonymised(_before(CHILD_YEARS, "born_on"), {"full_name": REMOVED}),
            anonymise={
                "full_name": REMOVED,
                "nhs_number": "",
                "home_postcode": "",
                "place_detail": "",
            },
            note="the review and the panel's findings are kept for the partnership's analysis",
        ),
        *(
            Rule(f"child_deaths.{name}", "review", Action.KEEP)
            for name in ("Notification", "JointAgencyResponse", "ReportingForm", "Review")
        ),
        Rule("child_deaths.DeprivationArea", "reference", Action.KEEP),
        Rule("child_deaths.PostcodeArea", "reference", Action.KEEP),
        # Training --------------------------------------------------------------------------------
        Rule(
            "training.Booking",
            "training_6",
            Action.DELETE,
            expired=lambda found, today: found.filter(
                session__ends_at__date__lte=latest_expired_anchor(today, 6)
            ),
        ),
        Rule("training.Evaluation", "training_6", Action.WITH_PARENT, parent="training.Booking"),
        Rule("training.FollowUp", "training_6", Action.WITH_PARENT, parent="training.Booking"),
        Rule("training.Session", "partnership_business", Action.REVIEW),
        Rule("training.NeedsSurvey", "partnership_business", Action.REVIEW),
        Rule(
            "training.NeedsAnswer",
            "partnership_business",
            Action.WITH_PARENT,
            parent="training.NeedsSurvey",
        ),
        *(
            Rule(f"training.{name}", "reference", Action.KEEP)
            for name in ("Course", "Trainer", "OrganisationSetting")
        ),
        # Performance and governance ------------------------------------------------------------
        *(
            Rule(f"performance.{name}", "partnership_business", Action.REVIEW)
            for name in ("Observation", "IndicatorException", "RecordImport")
        ),
        Rule("performance.Indicator", "reference", Action.KEEP),
        Rule("performance.Comparator", "reference", Action.KEEP),
        *(
            Rule(f"governance.{name}", "partnership_business", Action.REVIEW)
            for name in ("Action", "Inspection", "NamedSource")
        ),
        Rule(
            "governance.ActionProgress",
            "partnership_business",
            Action.WITH_PARENT,
            parent="governance.Action",
        ),
        # Meetings, funding and priorities: the partnership's business, kept for review.
        *(
            Rule(f"governance.{name}", "partnership_business", Action.REVIEW)
            for name in ("Meeting", "FundingContribution", "Priority")
        ),
        *(
            Rule(f"governance.{name}", "partnership_business", Action.WITH_PARENT, parent=parent)
            for name, parent in (
                ("AgendaItem", "governance.Meeting"),
                ("Attendance", "governance.Meeting"),
                ("Paper", "governance.AgendaItem"),
                ("PriorityEvidence", "governance.Priority"),
                ("PriorityUpdate", "governance.Priority"),
            )
        ),
        # Later additions to domestic abuse and training ------------------------------------------
        Rule(
            "domestic_abuse.AdultsChange",
            "domestic_abuse_6",
            Action.WITH_PARENT,
            parent="domestic_abuse.Incident",
        ),
        Rule(
            "domestic_abuse.ModelLink",
            "domestic_abuse_6",
            Action.WITH_PARENT,
            parent="domestic_abuse.Adult",
        ),
        Rule("domestic_abuse.FeedCursor", "reference", Action.KEEP),
        Rule(
            "training.AccountRequest",
            "operational_1",
            Action.DELETE,
            expired=lambda found, today: _before(1, "decided_at")(
                found.exclude(decided_at=None), today
            ),
            note="a request not yet decided is kept until it is",
        ),
        # Child exploitation: a child's MACE record is a safeguarding record (child_25); until
        # its deletion is written with the module's owners, the officer reviews it.
        *(
            Rule(f"exploitation.{name}", "child_25", Action.REVIEW)
            for name in ("Child", "Referral", "PersonOfConcern", "Context", "Link", "Disruption")
        ),
        Rule(
            "exploitation.ReferralIndicator",
            "child_25",
            Action.WITH_PARENT,
            parent="exploitation.Referral",
        ),
        Rule(
            "exploitation.ContextAssessment",
            "child_25",
            Action.WITH_PARENT,
            parent="exploitation.Context",
        ),
        *(
            Rule(f"exploitation.{name}", "reference", Action.KEEP)
            for name in ("Tier", "Indicator", "RiskWording")
        ),
        # Assurance ------------------------------------------------------------------------------
        Rule("assurance.Escalation", "child_25", Action.REVIEW),
        Rule(
            "assurance.EscalationStage",
            "child_25",
            Action.WITH_PARENT,
            parent="assurance.Escalation",
        ),
        Rule("assurance.CaseAudit", "child_25", Action.REVIEW),
        *(
            Rule(f"assurance.{name}", "child_25", Action.WITH_PARENT, parent=parent)
            for name, parent in (
                ("AuditCase", "assurance.CaseAudit"),
                ("CaseAnswer", "assurance.AuditCase"),
                ("Finding", "assurance.CaseAudit"),
                ("QuestionnaireAnswer", "assurance.CaseAudit"),
            )
        ),
        *(
            Rule(f"assurance.{name}", "partnership_business", Action.REVIEW)
            for name in ("Round", "SelfAssessment", "MonthlyReturn", "IncidentReview")
        ),
        Rule(
            "assurance.Rating",
            "partnership_business",
            Action.WITH_PARENT,
            parent="assurance.SelfAssessment",
        ),
        Rule(
            "assurance.Challenge",
            "partnership_business",
            Action.WITH_PARENT,
            parent="assurance.Rating",
        ),
        *(
            Rule(f"assurance.{name}", "reference", Action.KEEP)
            for name in ("StandardTemplate", "AuditTool")
        ),
        Rule(
            "assurance.Standard",
            "reference",
            Action.WITH_PARENT,
            parent="assurance.StandardTemplate",
        ),
        # Audit grading scales are reference data, kept like the tools graded on them.
        Rule("assurance.GradingScale", "reference", Action.KEEP),
        # The annual report: published reports are the partnership's public record.
        Rule("reports.Report", "review", Action.KEEP),
        Rule("reports.Narrative", "review", Action.WITH_PARENT, parent="reports.Report"),
        Rule("reports.SignOff", "review", Action.WITH_PARENT, parent="reports.Narrative"),
    ]
    return rules


SCHEDULE = Schedule(
    classes=CLASSES,
    rules=_rules(),
    apps=(
        "core",
        "children",
        "reviews",
        "encompass",
        "domestic_abuse",
        "child_deaths",
        "training",
        "performance",
        "governance",
        "exploitation",
        "assurance",
        "reports",
    ),
)
