"""The statutory rules of serious incident reviews, as pure functions (no Django, no I/O).

Sources: Children Act 2004 s16C (what an SCSI is, and the local authority's duty to notify the
Child Safeguarding Practice Review Panel), Working Together to Safeguard Children 2023, chapter 5
(the statutory guidance now in force, which replaced the 2018 edition) and the
partnership's notification process: the LA notifies within 5 working days of becoming aware; a
Rapid Review within 15 working days of the notification; a local CSPR published within 6 months
of its initiation, its final report sent to the Panel and the Secretary of State at least 7
working days before publication. Regulation 11 of the Child Safeguarding Practice Review and
Relevant Agency (England) Regulations 2018 (SI 2018/789) gives the criteria for a local CSPR.
The clock itself is the kernel's ``WorkingCalendar``.

What was checked against published text (see ``docs/working-together-2023.md``): the wording of
regulation 11 (a) to (d) (legislation.gov.uk) and of s16C(1); the 5 and 15 working days and the
duty to tell Ofsted and the Secretary of State of a looked-after child's death, as partnerships'
procedures quote Working Together 2023. The guidance's own paragraph numbers were not found in
the sources available: paragraph not verified.
"""

from __future__ import annotations

import calendar as month_calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

DECISION_WORKING_DAYS = 5
RAPID_REVIEW_WORKING_DAYS = 15
CSPR_PUBLICATION_MONTHS = 6
# The final report goes to the Panel and the Secretary of State at least this many working days
# before it is published (Working Together 2023, chapter 5; paragraph not verified).
REPORT_NOTICE_WORKING_DAYS = 7
MAX_CHILDREN = 4

HARMS = ("died", "serious_harm")
ABUSE_OR_NEGLECT = ("known", "suspected", "not_suspected")
REFERRER_VIEWS = ("meets", "does_not_meet", "unsure")
DECISIONS = ("notify", "do_not_notify")
GENDERS = ("female", "male", "other")

# The criteria for a local CSPR. The first four are regulation 11 (a) to (d) of SI 2018/789, in
# its words (checked against legislation.gov.uk); the last four are further matters the
# statutory guidance asks safeguarding partners to consider (Working Together 2023, chapter 5;
# paragraph not verified). Codes are stored; text shown.
REGULATION_11_CRITERIA: dict[str, str] = {
    "improvements_needed": "Regulation 11(a): highlights or may highlight improvements needed to"
    " safeguard and promote the welfare of children, including where those improvements have"
    " been previously identified",
    "recurrent_themes": "Regulation 11(b): highlights or may highlight recurrent themes in the"
    " safeguarding and promotion of the welfare of children",
    "agencies_working_together": "Regulation 11(c): highlights or may highlight concerns"
    " regarding two or more agencies working together effectively to safeguard and promote the"
    " welfare of children",
    "panel_suggests_local": "Regulation 11(d): the Child Safeguarding Practice Review Panel have"
    " considered the case and concluded a local review may be more appropriate",
    "single_agency_concern": "Cause for concern about the actions of a single agency",
    "no_agency_involvement": "No agency was involved, and this gives cause for concern",
    "several_areas": "More than one local authority, police area or health area is involved",
    "institutional_setting": "Raises issues of safeguarding children in institutional settings",
}

# What each of the module's clocks is called on a page (the ``Deadline.kind`` codes).
CLOCK_LABELS = {
    "la_decision": "LA decision",
    "rapid_review": "Rapid Review to the Panel",
    "cspr_publication": "CSPR publication",
    "cspr_report": "CSPR report to the Panel and the Secretary of State",
    "agency_information": "Agency information",
    "action": "Action",
}


def clock_label(kind: str) -> str:
    return CLOCK_LABELS.get(kind, "Deadline")


AGE_BANDS = ("under_1", "1_4", "5_11", "12_plus")
AGE_BAND_LABELS = {
    "under_1": "Under 1 year",
    "1_4": "1-4 years",
    "5_11": "5-11 years",
    "12_plus": "12 years or older",
}

# Cross-cutting themes from the annual report, seeded into the editable list.
SEED_THEMES = (
    "Professional curiosity",
    "Disguised compliance",
    "Escalation processes",
    "Death of a significant family member (bereavement)",
    "Domestic abuse",
    "Agencies' differing risk assessment processes",
    "Impact of the COVID pandemic",
    "Complex health needs",
    "Consistent application of safeguarding approaches",
)


class Calendar(Protocol):
    def add_working_days(self, start: date, n: int) -> date: ...


def is_scsi(*, harm: str, abuse_or_neglect: str) -> bool:
    """Children Act 2004 s16C: abuse or neglect known or suspected, and death or serious harm."""
    return harm in HARMS and abuse_or_neglect in ("known", "suspected")


def decision_due(aware_on: date, calendar: Calendar) -> date:
    """The LA's decision is due 5 working days after it became aware (that day is day 0)."""
    return calendar.add_working_days(aware_on, DECISION_WORKING_DAYS)


def rapid_review_due(notified_on: date, calendar: Calendar) -> date:
    """A Rapid Review is due 15 working days after the notification to the Panel."""
    return calendar.add_working_days(notified_on, RAPID_REVIEW_WORKING_DAYS)


def add_months(day: date, months: int) -> date:
    """Calendar months later, clamped to the month's end (31 August + 6 months = 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = month_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def cspr_publication_due(initiated_on: date) -> date:
    """A CSPR is published within 6 calendar months of its initiation (not working days)."""
    return add_months(initiated_on, CSPR_PUBLICATION_MONTHS)


def age_in_years(date_of_birth: date, on: date) -> int:
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def age_band(date_of_birth: date | None, on: date) -> str | None:
    """The annual report's bands: under 1, 1-4, 5-11, 12 and over (age on the incident date)."""
    if date_of_birth is None or date_of_birth > on:
        return None
    years = age_in_years(date_of_birth, on)
    if years < 1:
        return "under_1"
    if years <= 4:
        return "1_4"
    if years <= 11:
        return "5_11"
    return "12_plus"


@dataclass(frozen=True)
class ChildDetails:
    full_name: str
    date_of_birth: date | None = None
    gender: str = ""
    ethnicity: str = ""
    address: str = ""
    identifiers: str = ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def draft_errors(
    *, values: Mapping[str, Any], children: Sequence[ChildDetails], today: date
) -> dict[str, str]:
    """What even a draft may not hold: more than four children, or dates in the future."""
    errors: dict[str, str] = {}
    if len(children) > MAX_CHILDREN:
        errors["children"] = f"A referral can name up to {MAX_CHILDREN} children"
    for name, label in (
        ("la_aware_on", "The date the LA became aware"),
        ("incident_date", "The date of the incident"),
    ):
        day = values.get(name)
        if isinstance(day, date) and day > today:
            errors[name] = f"{label} must be today or in the past"
    for index, child in enumerate(children[:MAX_CHILDREN], start=1):
        if child.date_of_birth is not None and child.date_of_birth > today:
            errors[f"child_{index}_date_of_birth"] = (
                f"Child {index}'s date of birth must be in the past"
            )
    for name, allowed in (
        ("harm", HARMS),
        ("abuse_or_neglect", ABUSE_OR_NEGLECT),
        ("referrer_view", REFERRER_VIEWS),
    ):
        value = values.get(name) or ""
        if value and value not in allowed:
            errors[name] = f"Choose one of: {', '.join(allowed)}"
    return errors


def submission_errors(
    *, values: Mapping[str, Any], children: Sequence[ChildDetails], today: date
) -> dict[str, str]:
    """Everything a referral needs before it goes to the Chair, the Business Unit and the RAG."""
    errors = draft_errors(values=values, children=children, today=today)
    required = {
        "incident_date": "Enter the date of the incident",
        "la_aware_on": "Enter the date the LA became aware",
        "summary": "Describe what happened",
        "harm": "Say whether the child died or was seriously harmed",
        "abuse_or_neglect": "Say whether abuse or neglect is known or suspected",
        "referrer_view": "Give your view against the criteria",
        "referrer_reasons": "Give the reasons for your view",
    }
    for name, message in required.items():
        if name not in errors and _blank(values.get(name)):
            errors[name] = message
    incident_date, aware_on = values.get("incident_date"), values.get("la_aware_on")
    if (
        isinstance(incident_date, date)
        and isinstance(aware_on, date)
        and aware_on < incident_date
        and "la_aware_on" not in errors
    ):
        errors["la_aware_on"] = "The LA cannot have become aware before the incident"
    if not children:
        errors["children"] = "Name at least one child"
    for index, child in enumerate(children[:MAX_CHILDREN], start=1):
        if _blank(child.full_name):
            errors[f"child_{index}_full_name"] = f"Enter child {index}'s name"
        if child.date_of_birth is None and f"child_{index}_date_of_birth" not in errors:
            errors[f"child_{index}_date_of_birth"] = f"Enter child {index}'s date of birth"
        if child.gender not in GENDERS:
            errors[f"child_{index}_gender"] = f"Choose child {index}'s gender"
    return errors


def decision_errors(
    *,
    decision: str,
    rationale: str,
    panel_notified_on: date | None,
    aware_on: date | None,
    today: date,
) -> dict[str, str]:
    """The LA's decision: a rationale either way; a notification needs the date it was sent."""
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors["decision"] = "Choose whether to notify the Panel"
    if _blank(rationale):
        errors["rationale"] = "Give the rationale for the decision: it is shared with all partners"
    if decision == "notify":
        if panel_notified_on is None:
            errors["panel_notified_on"] = "Enter the date the notification was sent to the Panel"
        elif panel_notified_on > today:
            errors["panel_notified_on"] = "The date sent to the Panel must be today or earlier"
        elif aware_on is not None and panel_notified_on < aware_on:
            errors["panel_notified_on"] = (
                "The date sent to the Panel cannot be before the LA became aware"
            )
    return errors


# --- past cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PastSteps:
    """What happened to a case before the partnership used Safeguard, with the real dates.

    Every step after the decision is optional: a past case may stop anywhere (not notified, a
    Rapid Review with the Panel, a CSPR still being written) and carries on from there as usual.
    """

    decision: str
    decided_on: date | None
    rationale: str
    referred_on: date | None = None
    panel_notified_on: date | None = None
    panel_reference: str = ""
    rapid_review_submitted_on: date | None = None
    cspr_recommended: bool | None = None
    panel_response: str = ""
    panel_response_on: date | None = None
    cspr_reviewer: str = ""
    cspr_commissioned_on: date | None = None
    cspr_initiated_on: date | None = None
    cspr_published_on: date | None = None


# The Child Safeguarding Practice Review Panel's response to a Rapid Review. "More information"
# leaves the review with the Panel: a later response replaces it.
PANEL_RESPONSES = ("local_cspr", "national_review", "no_review", "more_information")
PANEL_RESPONSE_LABELS = {
    "local_cspr": "Agrees a local CSPR should be carried out",
    "national_review": "The Panel will undertake a national review",
    "no_review": "No further review needed",
    "more_information": "Asks for more information",
}
FINAL_PANEL_RESPONSES = ("local_cspr", "national_review", "no_review")


def panel_agrees(*, response: str, cspr_recommended: bool | None) -> bool | None:
    """Whether the Panel's response agrees with the partnership's recommendation (the annual
    report's "Panel agreement"): a local CSPR when one was recommended, no review when none was.
    A national review, or a request for more information, neither agrees nor disagrees (None).
    """
    if response == "local_cspr":
        return cspr_recommended is True
    if response == "no_review":
        return cspr_recommended is False
    return None


def status_after_panel_response(response: str) -> str:
    """A local CSPR goes on to the CSPR; a national review or no review to actions and learning;
    a request for more information leaves the review with the Panel."""
    if response == "local_cspr":
        return "cspr"
    if response == "more_information":
        return "rapid_review_submitted"
    return "actions"


def _not_before(
    errors: dict[str, str], name: str, day: date | None, earlier: date | None, message: str
) -> None:
    if day is not None and earlier is not None and day < earlier and name not in errors:
        errors[name] = message


def past_case_errors(*, steps: PastSteps, aware_on: date | None, today: date) -> dict[str, str]:
    """The dates of a past case must be real (none in the future) and in the order of the
    process: aware, referred, decided and notified, Rapid Review submitted, the Panel's
    response, the CSPR commissioned, initiated and published.
    """
    errors: dict[str, str] = {}
    labels = {
        "referred_on": "The date referred",
        "decided_on": "The date of the decision",
        "panel_notified_on": "The date the Panel was notified",
        "rapid_review_submitted_on": "The date the Rapid Review was submitted",
        "panel_response_on": "The date of the Panel's response",
        "cspr_commissioned_on": "The date the CSPR was commissioned",
        "cspr_initiated_on": "The date the CSPR was initiated",
        "cspr_published_on": "The date the CSPR was published",
    }
    for name, label in labels.items():
        day = getattr(steps, name)
        if isinstance(day, date) and day > today:
            errors[name] = f"{label} must be today or in the past"
    if steps.decision not in DECISIONS:
        errors["decision"] = "Choose whether the LA notified the Panel"
    if steps.decided_on is None:
        errors["decided_on"] = "Enter the date of the decision"
    if _blank(steps.rationale):
        errors["rationale"] = "Give the rationale for the decision"
    for name in ("referred_on", "decided_on", "panel_notified_on"):
        _not_before(
            errors,
            name,
            getattr(steps, name),
            aware_on,
            f"{labels[name]} cannot be before the LA became aware",
        )
    notified = steps.decision == "notify"
    later = (
        "rapid_review_submitted_on",
        "panel_response_on",
        "cspr_commissioned_on",
        "cspr_initiated_on",
        "cspr_published_on",
    )
    if not notified:
        for name in ("panel_notified_on", *later):
            if getattr(steps, name) is not None and name not in errors:
                errors[name] = f"{labels[name]} applies only when the Panel was notified"
        return errors
    if steps.panel_notified_on is None and "panel_notified_on" not in errors:
        errors["panel_notified_on"] = "Enter the date the Panel was notified"
    order = (
        ("rapid_review_submitted_on", "panel_notified_on"),
        ("panel_response_on", "rapid_review_submitted_on"),
        ("cspr_commissioned_on", "panel_response_on"),
        ("cspr_initiated_on", "cspr_commissioned_on"),
        ("cspr_published_on", "cspr_initiated_on"),
    )
    for name, needs in order:
        day, before = getattr(steps, name), getattr(steps, needs)
        if day is None or name in errors:
            continue
        if before is None:
            errors[name] = f"Enter {labels[needs][0].lower()}{labels[needs][1:]} first"
        elif day < before:
            errors[name] = (
                f"{labels[name]} cannot be before {labels[needs][0].lower()}" + (labels[needs][1:])
            )
    if steps.panel_response_on is not None and steps.panel_response not in PANEL_RESPONSES:
        errors["panel_response"] = "Choose the Panel's response"
    if steps.panel_response and steps.panel_response_on is None:
        errors.setdefault("panel_response_on", "Enter the date of the Panel's response")
    if steps.rapid_review_submitted_on is not None and steps.cspr_recommended is None:
        errors["cspr_recommended"] = "Say whether the Rapid Review recommended a CSPR"
    if steps.cspr_commissioned_on is not None:
        if steps.cspr_recommended is not True:
            errors.setdefault(
                "cspr_commissioned_on", "A CSPR follows a Rapid Review that recommended one"
            )
        elif steps.panel_response and steps.panel_response != "local_cspr":
            errors.setdefault(
                "cspr_commissioned_on",
                "A local CSPR follows the Panel's agreement that one should be carried out",
            )
        if _blank(steps.cspr_reviewer):
            errors["cspr_reviewer"] = "Enter the reviewer"
    return errors


def past_case_status(steps: PastSteps) -> str:
    """Where a past case stands after its recorded steps (a ``Status`` code)."""
    if steps.decision != "notify":
        return "not_notified"
    if steps.rapid_review_submitted_on is None:
        return "rapid_review"
    if steps.panel_response_on is None:
        return "rapid_review_submitted"
    after = status_after_panel_response(steps.panel_response)
    if after == "cspr" and steps.cspr_published_on is not None:
        return "actions"
    return after


# --- Working Together 2023: looked-after children, regulated settings, publication ---------------


def notification_errors(
    *,
    looked_after: bool | None,
    regulated_setting: bool | None,
    ofsted_notified_on: date | None,
    secretary_of_state_notified_on: date | None,
    aware_on: date | None,
    today: date,
) -> dict[str, str]:
    """Where the child was looked after or in a regulated setting, the LA also tells Ofsted and
    the Secretary of State (Working Together 2023, chapter 5; paragraph not verified): the dates
    are recorded, real and not before the LA became aware. Both questions must be answered.
    """
    errors: dict[str, str] = {}
    if looked_after is None:
        errors["looked_after"] = "Say whether the child was looked after"
    if regulated_setting is None:
        errors["regulated_setting"] = "Say whether the child was in a regulated setting or service"
    needed = bool(looked_after) or bool(regulated_setting)
    for name, day, whom in (
        ("ofsted_notified_on", ofsted_notified_on, "Ofsted"),
        (
            "secretary_of_state_notified_on",
            secretary_of_state_notified_on,
            "the Secretary of State",
        ),
    ):
        if day is None:
            if needed:
                errors[name] = (
                    f"Enter the date {whom} was notified: required where the child was looked"
                    " after or in a regulated setting"
                )
        elif day > today:
            errors[name] = f"The date {whom} was notified must be today or earlier"
        elif aware_on is not None and day < aware_on:
            errors[name] = f"The date {whom} was notified cannot be before the LA became aware"
    return errors


def earliest_publication(sent_on: date, calendar: Calendar) -> date:
    """The first day a CSPR may be published: 7 working days after its final report went to the
    Panel and the Secretary of State (the day it was sent is day 0)."""
    return calendar.add_working_days(sent_on, REPORT_NOTICE_WORKING_DAYS)


def report_due(publication_due: date, calendar: Calendar) -> date:
    """The last day the final report can go to the Panel and the Secretary of State for the
    review still to be published by ``publication_due``: the latest day whose earliest
    publication is on or before it."""
    day = publication_due
    while earliest_publication(day, calendar) > publication_due:
        day = day.fromordinal(day.toordinal() - 1)
    return day


PUBLICATION_DECISIONS = ("publish", "not_publish")


def publication_errors(
    *,
    decision: str,
    published_on: date | None,
    link: str,
    reason: str,
    sent_on: date | None,
    initiated_on: date | None,
    today: date,
    calendar: Calendar,
) -> dict[str, str]:
    """Publication needs the report sent at least 7 working days before, the date and the link;
    a decision not to publish needs its reason. Either way the report must have been sent."""
    errors: dict[str, str] = {}
    if decision not in PUBLICATION_DECISIONS:
        errors["decision"] = "Choose whether the report is published"
        return errors
    if sent_on is None:
        errors["decision"] = "Send the final report to the Panel and the Secretary of State first"
    if decision == "not_publish":
        if _blank(reason):
            errors["reason"] = "Give the reason the report is not published"
        return errors
    if published_on is None:
        errors["published_on"] = "Enter the date published"
    elif published_on > today:
        errors["published_on"] = "The date published must be today or earlier"
    elif initiated_on is not None and published_on < initiated_on:
        errors["published_on"] = "The review cannot be published before it was initiated"
    elif sent_on is not None and published_on < earliest_publication(sent_on, calendar):
        first = earliest_publication(sent_on, calendar)
        errors["published_on"] = (
            f"The report can be published from {first.day} {first:%B %Y}: at least"
            f" {REPORT_NOTICE_WORKING_DAYS} working days after it was sent to the Panel and the"
            " Secretary of State"
        )
    if _blank(link):
        errors["link"] = "Enter the link to the published report"
    elif not re.fullmatch(r"https://[^\s]+", link.strip()):
        errors["link"] = "Enter the link as a full web address starting https://"
    return errors


# The final report: a PDF, checked by its first bytes as well as its name.
REPORT_MAX_BYTES = 20 * 1024 * 1024


def report_file_errors(*, name: str, size: int, head: bytes) -> dict[str, str]:
    """A final report is a PDF of at most 20 MB: its name ends .pdf and its bytes start %PDF-."""
    if size == 0:
        return {"report": "The selected file is empty"}
    if size > REPORT_MAX_BYTES:
        return {"report": "The selected file must be smaller than 20 MB"}
    if not name.lower().endswith(".pdf") or not head.startswith(b"%PDF-"):
        return {"report": "The selected file must be a PDF"}
    return {}


def safe_file_name(name: str) -> str:
    """A file name fit for a download header: letters, digits, dots, dashes and underscores."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip(".-")
    return (cleaned or "report.pdf")[:100]


def case_reference(*, aware_on: date | None, created_on: date, number: int) -> str:
    """SCSI-<year>-<number>: the year the LA became aware (the year the annual report counts
    the case in), or the year the draft was started while that date is not yet known."""
    year = aware_on.year if aware_on is not None else created_on.year
    return f"SCSI-{year}-{number:04d}"


# --- oversight figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """How many of a number met a standard: "7 of 8 (88%)", or "None due" for none."""

    met: int
    total: int

    @property
    def percent(self) -> int | None:
        return None if self.total == 0 else round(100 * self.met / self.total)

    def __str__(self) -> str:
        if self.total == 0:
            return "None in the period"
        return f"{self.met} of {self.total} ({self.percent}%)"


def report_years(start: date, end: date) -> list[tuple[date, date]]:
    """The partnership's reporting years (1 April to 31 March) that touch ``start``..``end``,
    each cut to the range: the annual report's year-on-year columns."""
    first = start.year if start.month >= 4 else start.year - 1
    years = []
    year = first
    while date(year, 4, 1) <= end:
        years.append((max(start, date(year, 4, 1)), min(end, date(year + 1, 3, 31))))
        year += 1
    return years


def report_year_label(start: date) -> str:
    """ "2021 to 2022" for the year starting 1 April 2021 (GOV.UK style for year ranges)."""
    first = start.year if start.month >= 4 else start.year - 1
    return f"{first} to {first + 1}"


# --- actions ---------------------------------------------------------------------------------

OPEN_ACTION_STATUSES = ("not_started", "in_progress")
# The kind of source by which the shared action plan (safeguard.governance) knows a review's
# actions; the source id is the recommendation's.
ACTION_SOURCE = "reviews.recommendation"


def action_is_overdue(*, status: str, due_on: date, today: date) -> bool:
    """An action still open after its due date (a completed or withdrawn one never is)."""
    return status in OPEN_ACTION_STATUSES and due_on < today


# --- learning sheets -------------------------------------------------------------------------

_CASE_REFERENCE = re.compile(r"\bSCSI[-\s]?\d{4}[-\s]?\d+\b", re.IGNORECASE)


def names_a_case(text: str, *, reference: str | None = None) -> bool:
    """Whether text carries a case reference (this case's, or any in the SCSI-2026-0042 form).

    A learning sheet is read by every practitioner, school staff included, and never
    identifies a case: the reference leads back to the child for anyone who has seen the case.
    """
    if reference and reference.lower() in text.lower():
        return True
    return bool(_CASE_REFERENCE.search(text))


# --- who has viewed a case -------------------------------------------------------------------

# The page a view of a case was recorded from, by route name, as the case page names it.
PAGE_LABELS = {
    "reviews:case": "The case",
    "reviews:decide": "The LA's decision",
    "reviews:contribute": "Adding an agency's view",
    "reviews:meeting_add": "Meetings",
    "reviews:meeting_edit": "Meetings",
    "reviews:rapid_review": "The Rapid Review",
    "reviews:cspr": "The CSPR",
    "reviews:cspr_edit": "The CSPR",
    "reviews:cspr_publish": "The CSPR",
    "reviews:cspr_report": "The CSPR's final report",
    "reviews:cspr_report_download": "The CSPR's final report",
    "reviews:cspr_report_sent": "The CSPR's final report",
    "reviews:actions": "The action plan",
    "reviews:recommendation_add": "The action plan",
    "reviews:action_add": "The action plan",
    "reviews:action_update": "The action plan",
    "reviews:action_edit": "The action plan",
    "reviews:action_withdraw": "The action plan",
    "reviews:case_close": "Closing the case",
    "reviews:learning_sheet_edit": "The learning sheet",
}
_PAGE_PREFIXES = (
    ("reviews:rr_", "The Rapid Review"),
    ("api:", "A partner system"),
    ("api", "A partner system"),
)


def page_label(route: str) -> str:
    """Where a view came from, in words (never a route name)."""
    if not route:
        return "Not recorded"
    if route in PAGE_LABELS:
        return PAGE_LABELS[route]
    for prefix, label in _PAGE_PREFIXES:
        if route.startswith(prefix):
            return label
    return "Another page of the service"


# What the kernel's pages (audit trail, outbox, what is due) call this module's codes.
RECORD_LABELS = {
    "reviews.incident": "Serious incident case",
    "reviews.rapid_review": "Rapid Review",
    "reviews.agency_request": "Agency information request",
    "reviews.contribution": "Agency's view on a referral",
    "reviews.meeting": "RAG meeting",
    "reviews.sign_off": "Rapid Review sign-off",
    "reviews.cspr": "Child Safeguarding Practice Review",
    "reviews.cspr_report": "CSPR final report",
    "reviews.recommendation": "Review recommendation",
    "reviews.action": "Review action",
    "reviews.learning_sheet": "Learning sheet",
    "reviews.dissemination": "Learning dissemination",
    "reviews.theme": "Learning theme",
}
REASON_LABELS = {
    "reviews.referral_submitted": "Serious incident referral submitted",
    "reviews.contribution_invited": "Agency's view invited on a referral",
    "reviews.decision_recorded": "LA decision recorded",
    "reviews.meeting_called": "RAG meeting called",
    "reviews.agency_information_requested": "Rapid Review information requested",
    "reviews.due_soon_reminder": "Rapid Review information due soon",
    "reviews.overdue_chased": "Overdue review work chased",
    "reviews.rapid_review_submitted": "Rapid Review submitted to the Panel",
    "reviews.cspr_commissioned": "CSPR commissioned",
    "reviews.action_assigned": "Review action assigned",
}
