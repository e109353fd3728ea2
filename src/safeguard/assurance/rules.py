"""Assurance's pure rules: no Django, no I/O, tested exhaustively (tests/assurance/test_rules.py).

- Concerns Resolution: four stages (practitioner to practitioner, managers, senior managers,
  the partnership), each with a clock of 5 working days; a concern either resolves at a stage or
  moves to the next, never past the partnership and never back.
- Self-assessments (Section 11, Section 175/157, the faith and third-sector toolkit): a red,
  amber or green rating per standard; year-on-year movement of an agency's ratings.
- Secure settings: the figures of a monthly return, and when a month's return is due.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

# --- Concerns Resolution --------------------------------------------------------------------

STAGE_WORKING_DAYS = 5
STAGES: dict[int, str] = {
    1: "Stage 1: practitioner to practitioner",
    2: "Stage 2: managers",
    3: "Stage 3: senior managers",
    4: "Stage 4: the partnership",
}
FIRST_STAGE = 1
LAST_STAGE = 4

THEMES: dict[str, str] = {
    "threshold": "Threshold for a service or intervention",
    "risk_assessment": "Differing assessments of risk",
    "case_closure": "Decision to close or step down a case",
    "information_sharing": "Information sharing",
    "referral_response": "Response to a referral",
    "plan": "Child protection or child in need plan",
    "other": "Something else",
}

OPEN = "open"
RESOLVED = "resolved"
ESCALATION_STATUSES = {OPEN: "Open", RESOLVED: "Resolved"}

OUTCOME_RESOLVED = "resolved"
OUTCOME_ESCALATED = "escalated"
OUTCOMES = {OUTCOME_RESOLVED: "Resolved at this stage", OUTCOME_ESCALATED: "Escalated"}


class Calendar(Protocol):
    def add_working_days(self, start: date, n: int) -> date: ...

    def is_working_day(self, day: date) -> bool: ...


def stage_label(stage: int) -> str:
    return STAGES[stage]


def next_stage(stage: int) -> int | None:
    """The stage a concern moves to when escalated; None from the partnership (the last)."""
    if stage not in STAGES:
        raise ValueError(f"No stage {stage}")
    return stage + 1 if stage < LAST_STAGE else None


def may_escalate(*, stage: int, status: str) -> bool:
    return status == OPEN and next_stage(stage) is not None


def may_resolve(*, status: str) -> bool:
    return status == OPEN


def stage_due(opened_on: date, calendar: Calendar) -> date:
    """A stage is answered within 5 working days of its opening (that day does not count)."""
    return calendar.add_working_days(opened_on, STAGE_WORKING_DAYS)


@dataclass(frozen=True)
class EscalationFact:
    """What the partnership's figures need of one concern: no child, no narrative."""

    theme: str
    status: str
    stage: int  # the current stage; for a resolved concern, where it resolved
    raised_on: date | None = None
    count: int = 1  # the concerns alike (the database counts them in one query)


@dataclass(frozen=True)
class EscalationFigures:
    raised: int
    open: int
    resolved_at: dict[int, int]
    themes: dict[str, int]


def escalation_figures(facts: Iterable[EscalationFact]) -> EscalationFigures:
    """How often escalation is used, at which stage it resolves, and what it is about."""
    raised = 0
    still_open = 0
    resolved_at = dict.fromkeys(STAGES, 0)
    themes: Counter[str] = Counter()
    for fact in facts:
        raised += fact.count
        themes[fact.theme] += fact.count
        if fact.status == RESOLVED:
            resolved_at[fact.stage] += fact.count
        else:
            still_open += fact.count
    ordered = {key: themes[key] for key in THEMES if themes[key]}
    return EscalationFigures(raised, still_open, resolved_at, ordered)


# --- Self-assessments -------------------------------------------------------------------------

RED, AMBER, GREEN = "red", "amber", "green"
RAG: dict[str, str] = {RED: "Red: not met", AMBER: "Amber: partly met", GREEN: "Green: met"}
RAG_SHORT: dict[str, str] = {RED: "Red", AMBER: "Amber", GREEN: "Green"}
_RAG_ORDER = {RED: 0, AMBER: 1, GREEN: 2}

TEMPLATE_KINDS: dict[str, str] = {
    "section_11": "Section 11 (Children Act 2004)",
    "section_175": "Section 175 and 157 (Education Act 2002)",
    "faith_third_sector": "Faith and third sector (shorter version)",
}
CHALLENGE_WORKING_DAYS = 10

VOICE_OF_THE_CHILD = (
    "How does your organisation hear the voice of children and families, and how does what "
    "they say change your services?"
)

ASSESSMENT_STATUSES = {
    "awaiting": "Awaiting return",
    "returned": "Returned",
}


def template_kind_for(organisation_kind: str) -> str:
    """Schools assess against Section 175/157, faith and third-sector bodies use the shorter
    toolkit, every other agency Section 11."""
    if organisation_kind == "school":
        return "section_175"
    if organisation_kind == "third_sector":
        return "faith_third_sector"
    return "section_11"


def movement(before: str | None, after: str | None) -> str:
    """How one standard moved from one year to the next: improved, declined, same, or new."""
    if after is None:
        return "not_rated"
    if before is None:
        return "new"
    difference = _RAG_ORDER[after] - _RAG_ORDER[before]
    if difference > 0:
        return "improved"
    if difference < 0:
        return "declined"
    return "same"


MOVEMENTS = {
    "improved": "Improved",
    "declined": "Declined",
    "same": "No change",
    "new": "First rated",
    "not_rated": "Not rated",
}


def rag_counts(ratings: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(RAG, 0)
    for rating in ratings:
        counts[rating] += 1
    return counts


def parse_standards(text: str) -> list[tuple[str, str]]:
    """The Business Unit writes a template's standards one a line, "title | guidance".

    Blank lines are skipped; the guidance is optional. Raises ValueError on a line without a
    title or a title longer than 300 characters.
    """
    standards = []
    for number, line in enumerate(
        (raw for raw in text.splitlines() if raw.strip()),
        start=1,
    ):
        title, _, guidance = line.partition("|")
        title, guidance = title.strip(), guidance.strip()
        if not title:
            raise ValueError(f"Standard {number} has no title")
        if len(title) > 300:
            raise ValueError(f"Standard {number}'s title must be 300 characters or fewer")
        standards.append((title, guidance))
    return standards


# --- Secure settings --------------------------------------------------------------------------

RETURN_WORKING_DAYS = 10

# (field, label, definition): the figures the annual report names, each a scorecard measure.
FIGURES: tuple[tuple[str, str, str], ...] = (
    (
        "restraints_main_site",
        "Restraints at the main site",
        "Every restraint at the main site, from low to high level, planned and unplanned",
    ),
    (
        "restraints_specialist_unit",
        "Restraints in the specialist unit",
        "Every restraint in the specialist unit (such as the Keppel Unit), planned and unplanned",
    ),
    (
        "force_pre_detention",
        "Children with force used before detention",
        "Children who had force used on them before detention",
    ),
    (
        "soft_force_pre_detention",
        "Of whom soft physical force only",
        "Of the children with force used before detention, those with soft physical force only",
    ),
    (
        "force_in_custody",
        "Children with force used in custody",
        "Children who had physical force used after detention, within the custody area",
    ),
    ("custody_arrests", "Children arrested and brought into custody", "Arrests of children"),
    (
        "voluntary_attendances",
        "Children attending voluntarily",
        "Children processed by attending on a voluntary basis, not through the custody area",
    ),
    (
        "detained_over_12_hours",
        "Children detained for more than 12 hours",
        "Children held in custody for more than 12 hours",
    ),
    (
        "self_harm_incidents",
        "Incidents of self-harm",
        "Incidents of self-harm by children in the setting",
    ),
    (
        "single_separations",
        "Separations from other children",
        "Times a child was kept apart from other children (separation or segregation)",
    ),
)
FIGURE_FIELDS = tuple(name for name, _, _ in FIGURES)
FIGURE_LABELS = {name: label for name, label, _ in FIGURES}

MONTH_NAMES = (
    "Apr",
    "May",
    "June",
    "July",
    "Aug",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Jan",
    "Feb",
    "Mar",
)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def return_due(month: date, calendar: Calendar) -> date:
    """A month's return is due on the 10th working day of the following month."""
    last_day = next_month(month).replace(day=1)
    # Counted from the month's last day (day 0, which never counts).
    return calendar.add_working_days(last_day - timedelta(days=1), RETURN_WORKING_DAYS)


CATCH_UP_MONTHS = 24  # how far back a missing monthly-return clock is still opened


def months_owed(*, today: date, first_known: date | None) -> list[date]:
    """The months whose returns a secure setting owes by ``today``: every month that has ended,
    from the first month it is known to report for (its first return or first clock; last month
    for a setting new to the service), at most ``CATCH_UP_MONTHS`` back. A month still running
    is never owed: its clock opens when it ends."""
    last = previous_month(first_of_month(today))
    earliest = last
    for _ in range(CATCH_UP_MONTHS - 1):
        earliest = previous_month(earliest)
    start = last if first_known is None else max(first_of_month(first_known), earliest)
    return months_between(start, last)


def financial_year_months(start_year: int) -> list[date]:
    """The twelve months of a financial year, April to March, as their first days."""
    return [date(start_year + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


def months_between(first: date, last: date) -> list[date]:
    """Every month from ``first`` to ``last`` inclusive, as first days."""
    months = []
    month = first_of_month(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def total(values: Sequence[int | None]) -> int | None:
    """A sum that stays a gap when nothing was returned (a gap is not a zero)."""
    present = [value for value in values if value is not None]
    return sum(present) if present else None


LABELS: dict[str, str] = {
    "assurance": "Assurance",
    "assurance.escalation": "Concern (escalation)",
    "assurance.escalation_stage": "Stage of a concern",
    "assurance.self_assessment": "Self-assessment",
    "assurance.challenge": "Challenge to a self-assessment",
    "assurance.template": "Self-assessment standards",
    "assurance.round": "Self-assessment round",
    "assurance.monthly_return": "Secure setting's monthly return",
    "assurance.monthly_return_due": "Secure setting's monthly return",
    "assurance.incident_review": "Secure setting incident review",
    "assurance.audit_tool": "Audit tool",
    "assurance.case_audit": "Multi-agency case audit",
    "assurance.audit_case": "Case in a multi-agency audit",
    "assurance.case_answer": "Agency's answer on an audited case",
    "assurance.audit_finding": "Audit finding",
    "assurance.questionnaire": "Practitioner questionnaire answer",
    "assurance.grading_scale": "Audit grading scale",
    "escalation_stage": "Stage of a concern",
    "self_assessment_return": "Self-assessment return",
    "challenge_answer": "Answer to a challenge",
    "monthly_return": "Monthly return",
}

PAGE_LABELS: dict[str, str] = {
    "assurance:index": "Assurance",
    "assurance:escalations": "Assurance: concerns (escalations)",
    "assurance:escalation_new": "Assurance: raise a concern",
    "assurance:escalation": "Assurance: a concern",
    "assurance:escalation_figures": "Assurance: concerns resolution figures",
    "assurance:assessments": "Assurance: self-assessments",
    "assurance:template_new": "Assurance: write self-assessment standards",
    "assurance:template": "Assurance: self-assessment standards",
    "assurance:round_new": "Assurance: open a self-assessment round",
    "assurance:round": "Assurance: a self-assessment round",
    "assurance:comparison": "Assurance: self-assessments year on year",
    "assurance:assessment": "Assurance: a self-assessment",
    "assurance:assessment_action": "Assurance: an action from a self-assessment",
    "assurance:settings": "Assurance: secure settings",
    "assurance:restraints": "Assurance: restraints by month",
    "assurance:review_new": "Assurance: record an incident review",
    "assurance:review": "Assurance: an incident review",
    "assurance:setting": "Assurance: a secure setting's returns",
    "assurance:return": "Assurance: a secure setting's monthly return",
    "assurance:audits": "Assurance: multi-agency case audits",
    "assurance:audit_new": "Assurance: plan a case audit",
    "assurance:tool_new": "Assurance: write an audit tool",
    "assurance:audit": "Assurance: a case audit",
    "assurance:audit_case": "Assurance: an audited case",
    "assurance:audit_report": "Assurance: a case audit's report",
    "assurance:audit_questionnaire": "Assurance: practitioner questionnaire",
    "assurance:finding_action": "Assurance: an action from an audit finding",
    "assurance:scales": "Assurance: audit grading scales",
    "assurance:scale_new": "Assurance: write a grading scale",
}

# --- Multi-agency case audits -------------------------------------------------------------------

GRADES: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
AUDIT_STATUSES = {
    "auditing": "Agencies auditing",
    "moderated": "Moderated",
    "complete": "Findings agreed",
}
AUDIT_THEMES: dict[str, str] = {
    "child_in_need": "Children in need",
    "child_protection": "Child protection",
    "children_looked_after": "Children looked after",
    "neglect": "Neglect",
    "domestic_abuse": "Domestic abuse",
    "exploitation": "Exploitation",
    "information_sharing": "Information sharing",
    "voice_of_the_child": "The voice of the child",
    "escalation": "Escalation",
}


def grade_counts(grades: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(GRADES, 0)
    for grade in grades:
        counts[grade] += 1
    return counts


# --- Grading scales -----------------------------------------------------------------------------
# Ofsted's four grades are the default; a partnership may write its own scale: ordered grades,
# best first, each with its wording, and the lowest grade that still counts as good enough. A
# scale is versioned like a tool: an audit keeps the version its tool was written with.

OFSTED_SCALE_NAME = "Ofsted grades"
OFSTED_WORDING: dict[str, str] = {
    "outstanding": "Practice is exceptional and makes a real difference to the child",
    "good": "Practice meets the child's needs and keeps them safe",
    "requires_improvement": "Practice is not yet good; the child is not at immediate risk",
    "inadequate": "Practice leaves the child at risk or their needs unmet",
}
OFSTED_GOOD_ENOUGH = 2  # outstanding and good
MIN_GRADES = 2
MAX_GRADES = 10
MAX_LABEL = 60
MAX_KEY = 32


@dataclass(frozen=True)
class GradeDef:
    """One grade of a scale: a stable code (stored on answers and findings), what people read,
    and what it means."""

    key: str
    label: str
    wording: str = ""


@dataclass(frozen=True)
class Scale:
    """An ordered scale, best grade first; the first ``good_enough`` grades count as good enough."""

    grades: tuple[GradeDef, ...]
    good_enough: int

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(grade.key for grade in self.grades)

    @property
    def labels(self) -> dict[str, str]:
        return {grade.key: grade.label for grade in self.grades}

    def label(self, key: str) -> str:
        """The grade's label; a code the scale does not know reads as "Not graded"."""
        return self.labels.get(key, "Not graded")

    def is_good_enough(self, key: str) -> bool:
        return key in self.keys[: self.good_enough]

    def counts(self, grades: Iterable[str]) -> dict[str, int]:
        """How many of each grade, in the scale's order; codes of another scale are left out."""
        counts = dict.fromkeys(self.keys, 0)
        for grade in grades:
            if grade in counts:
                counts[grade] += 1
        return counts

    def good_enough_count(self, grades: Iterable[str]) -> int:
        return sum(1 for grade in grades if self.is_good_enough(grade))

    @property
    def lowest_good_enough(self) -> GradeDef:
        return self.grades[self.good_enough - 1]


OFSTED = Scale(
    grades=tuple(GradeDef(key, label, OFSTED_WORDING[key]) for key, label in GRADES.items()),
    good_enough=OFSTED_GOOD_ENOUGH,
)


def grade_key(label: str, taken: Iterable[str], position: int) -> str:
    """A stable code for a grade from its label ("Requires improvement" ->
    "requires_improvement"); ``grade_<position>`` when the label gives none or it is taken."""
    key = "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in label.lower())
    key = "_".join(part for part in key.split("_") if part)[:MAX_KEY].strip("_")
    if not key or key in set(taken):
        key = f"grade_{position}"
    return key


def parse_scale(text: str, lowest_good_enough: str) -> Scale:
    """The Business Unit writes a scale one grade a line, best first: "label | wording", and
    names the lowest grade that still counts as good enough.

    Raises ValueError with a message for the person: fewer than 2 or more than 10 grades, a line
    without a label, a label over 60 characters, the same label twice, or a "good enough" grade
    that is not on the scale or is the lowest grade (a scale needs a grade that falls short).
    """
    grades: list[GradeDef] = []
    seen: set[str] = set()
    for position, line in enumerate((raw for raw in text.splitlines() if raw.strip()), start=1):
        label, _, wording = line.partition("|")
        label, wording = " ".join(label.split()), wording.strip()
        if not label:
            raise ValueError(f"Grade {position} has no label")
        if len(label) > MAX_LABEL:
            raise ValueError(f"Grade {position}'s label must be {MAX_LABEL} characters or fewer")
        if label.casefold() in seen:
            raise ValueError(f"“{label}” appears twice: each grade needs its own label")
        seen.add(label.casefold())
        grades.append(GradeDef(grade_key(label, (g.key for g in grades), position), label, wording))
    if len(grades) < MIN_GRADES:
        raise ValueError(f"Enter at least {MIN_GRADES} grades, one a line, best first")
    if len(grades) > MAX_GRADES:
        raise ValueError(f"A scale can have at most {MAX_GRADES} grades")
    wanted = " ".join(lowest_good_enough.split()).casefold()
    positions = [n for n, grade in enumerate(grades, start=1) if grade.label.casefold() == wanted]
    if not positions:
        raise ValueError("The lowest grade that is good enough must be one of the grades above")
    if positions[0] == len(grades):
        raise ValueError(
            "The lowest grade cannot count as good enough: a scale needs a grade that falls short"
        )
    return Scale(grades=tuple(grades), good_enough=positions[0])


def scale_text(scale: Scale) -> str:
    """A scale as the Business Unit writes it, to start a new version from the last."""
    return "\n".join(
        f"{grade.label} | {grade.wording}" if grade.wording else grade.label
        for grade in scale.grades
    )


def parse_questions(text: str) -> list[str]:
    """An audit tool's questions, one a line; blank lines skipped."""
    questions = [line.strip() for line in text.splitlines() if line.strip()]
    for number, question in enumerate(questions, start=1):
        if len(question) > 500:
            raise ValueError(f"Question {number} must be 500 characters or fewer")
    return questions


def case_label(number: int) -> str:
    """How the report names a case: a number, never the child."""
    return f"Case {number}"
