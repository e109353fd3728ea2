"""Domestic abuse triage rules: DASH scoring, the four DRAMM/MARAC criteria, the 12-month
windows, the board day and the fortnightly MARAC dates. Pure of Django.

Sources, and how each rule reads them:

- DASH: the SafeLives Dash risk checklist (2009, revised for Quick Start guidance): 24
  questions answered yes, no or not known. Only "yes" counts. SafeLives' MARAC referral
  criteria: 14 or more "yes" is *visible high risk*; the partnership's own levels are standard
  (fewer than 10), medium (10 to 13) and high (14 or more) (annual report, DRAMM section).
- Professional judgement: a practitioner's level may raise the level given by the count and
  never lower it (``final_level`` is the higher of the two).
- Potential escalation: 3 or more incidents involving the same victim in 12 months, from any
  agency (the incident itself counts as one of the three).
- MARAC repeat: an incident between the same victim and perpetrator within 12 months of the
  victim's last MARAC referral, where that referral named the same perpetrator.

"Within 12 months" has one definition here, used by both windows: ``later`` lies on or after
``earlier`` and on or before the same date twelve calendar months on (29 February steps to 28
February). An incident on the anniversary itself is still within the window; the day after is
not.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"


ANSWER_LABELS = {Answer.YES: "Yes", Answer.NO: "No", Answer.NOT_KNOWN: "Not known"}

# Our own short wording of the 24 questions of the SafeLives Dash risk checklist, in its order
# (https://safelives.org.uk/resources-library/dash-risk-checklist/). Codes are stable.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("q01_injured", "Has the current incident resulted in injury?"),
    ("q02_frightened", "Is the victim very frightened?"),
    ("q03_afraid_of", "Is the victim afraid of what the abuser might do, including to others?"),
    ("q04_isolated", "Does the victim feel isolated from family or friends?"),
    ("q05_depressed", "Is the victim feeling depressed or having suicidal thoughts?"),
    ("q06_separation", "Has the victim separated or tried to separate in the past year?"),
    ("q07_child_contact", "Is there conflict over contact with the children?"),
    ("q08_stalking", "Does the abuser text, call, follow, stalk or harass the victim?"),
    ("q09_pregnant", "Is the victim pregnant or has had a baby in the last 18 months?"),
    ("q10_children_not_abusers", "Are there children in the household not the abuser's?"),
    ("q11_hurt_children", "Has the abuser ever hurt the children or dependants?"),
    ("q12_threatened_children", "Has the abuser ever threatened to hurt or kill the children?"),
    ("q13_more_often", "Is the abuse happening more often?"),
    ("q14_getting_worse", "Is the abuse getting worse?"),
    ("q15_controlling", "Does the abuser try to control everything and is excessively jealous?"),
    ("q16_weapons", "Has the abuser ever used weapons or objects to hurt the victim?"),
    ("q17_threatened_to_kill", "Has the abuser ever threatened to kill the victim or others?"),
    ("q18_strangled", "Has the abuser ever attempted to strangle, choke or suffocate the victim?"),
    ("q19_sexual", "Does the abuser do or say sexual things that frighten or hurt the victim?"),
    ("q20_others_threatened", "Is there another person who has threatened or frightened?"),
    ("q21_hurt_others", "Does the victim know if the abuser has hurt anyone else?"),
    ("q22_animals", "Has the abuser ever mistreated an animal or the family pet?"),
    ("q23_money", "Are there financial issues, or is the victim dependent on the abuser?"),
    (
        "q24_drugs_alcohol_mental",
        "Has the abuser had problems with drugs, alcohol or mental health?",
    ),
)
QUESTION_CODES: tuple[str, ...] = tuple(code for code, _ in QUESTIONS)
# Problems with the law, breaching bail or orders (SafeLives asks it as part of q24's group in
# later versions); we keep the original 24 as the count's denominator.
HIGH_RISK_COUNT = 14
MEDIUM_RISK_COUNT = 10


class Level(StrEnum):
    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"


LEVEL_LABELS = {Level.STANDARD: "Standard", Level.MEDIUM: "Medium", Level.HIGH: "High"}
_ORDER = {Level.STANDARD: 0, Level.MEDIUM: 1, Level.HIGH: 2}


class IncompleteChecklist(ValueError):
    """A DASH without an answer to each of its 24 questions, or with an answer it does not know."""


def yes_count(answers: Mapping[str, str]) -> int:
    """The number of "yes" answers; every one of the 24 questions must be answered."""
    missing = [code for code in QUESTION_CODES if code not in answers]
    unknown = sorted(set(answers) - set(QUESTION_CODES))
    if missing or unknown:
        raise IncompleteChecklist(f"missing {missing}, unknown {unknown}")
    bad = [code for code in QUESTION_CODES if answers[code] not in set(Answer)]
    if bad:
        raise IncompleteChecklist(f"answers not yes, no or not known: {bad}")
    return sum(1 for code in QUESTION_CODES if answers[code] == Answer.YES)


def level_for_count(count: int) -> Level:
    if not 0 <= count <= len(QUESTIONS):
        raise ValueError(f"a DASH count lies between 0 and {len(QUESTIONS)}")
    if count >= HIGH_RISK_COUNT:
        return Level.HIGH
    if count >= MEDIUM_RISK_COUNT:
        return Level.MEDIUM
    return Level.STANDARD


def final_level(count: int, judgement: Level | str | None) -> Level:
    """The level after professional judgement: the higher of the count's and the judgement's."""
    counted = level_for_count(count)
    if not judgement:
        return counted
    judged = Level(judgement)
    return judged if _ORDER[judged] > _ORDER[counted] else counted


def judgement_raised(count: int, judgement: Level | str | None) -> bool:
    return final_level(count, judgement) != level_for_count(count)


# --- 12 months ---------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months on, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def within_twelve_months(earlier: date, later: date) -> bool:
    """``later`` is on or after ``earlier`` and no more than twelve calendar months after it."""
    return earlier <= later <= add_months(earlier, 12)


# --- criteria ----------------------------------------------------------------------------------


class Criterion(StrEnum):
    VISIBLE_HIGH_RISK = "visible_high_risk"
    PROFESSIONAL_JUDGEMENT = "professional_judgement"
    POTENTIAL_ESCALATION = "potential_escalation"
    MARAC_REPEAT = "marac_repeat"


CRITERION_LABELS = {
    Criterion.VISIBLE_HIGH_RISK: "Visible high risk",
    Criterion.PROFESSIONAL_JUDGEMENT: "Professional judgement",
    Criterion.POTENTIAL_ESCALATION: "Potential escalation",
    Criterion.MARAC_REPEAT: "MARAC repeat",
}
ESCALATION_INCIDENTS = 3


@dataclass(frozen=True)
class IncidentFacts:
    """What the criteria need of one incident. ``victim`` and ``perpetrator`` are the linked
    people (clusters), not the names as recorded."""

    id: int
    occurred_on: date
    victim: int | None
    perpetrator: int | None
    dash_count: int | None = None
    judgement: str | None = None


@dataclass(frozen=True)
class ReferralFacts:
    id: int
    referred_on: date
    victim: int
    perpetrator: int | None
    incident: int | None = None


@dataclass(frozen=True)
class Finding:
    criterion: Criterion
    reason: str

    @property
    def label(self) -> str:
        return CRITERION_LABELS[self.criterion]


class _History(Protocol):
    def incidents_of_victim(self, victim: int) -> Sequence[IncidentFacts]: ...
    def referrals_of_victim(self, victim: int) -> Sequence[ReferralFacts]: ...


def incidents_in_window(incident: IncidentFacts, others: Iterable[IncidentFacts]) -> int:
    """Incidents of the same victim within the 12 months up to this one, this one included."""
    if incident.victim is None:
        return 1
    seen = {incident.id}
    for other in others:
        if (
            other.id not in seen
            and other.victim == incident.victim
            and within_twelve_months(other.occurred_on, incident.occurred_on)
        ):
            seen.add(other.id)
    return len(seen)


def last_referral(
    incident: IncidentFacts, referrals: Iterable[ReferralFacts]
) -> ReferralFacts | None:
    """The victim's last MARAC referral on or before the incident, other than one made for it."""
    found: ReferralFacts | None = None
    for referral in referrals:
        if referral.victim != incident.victim or referral.incident == incident.id:
            continue
        if referral.referred_on > incident.occurred_on:
            continue
        if found is None or (referral.referred_on, referral.id) > (found.referred_on, found.id):
            found = referral
    return found


def is_marac_repeat(incident: IncidentFacts, referrals: Iterable[ReferralFacts]) -> bool:
    if incident.victim is None or incident.perpetrator is None:
        return False
    last = last_referral(incident, referrals)
    return (
        last is not None
        and last.perpetrator == incident.perpetrator
        and within_twelve_months(last.referred_on, incident.occurred_on)
    )


def criteria(
    incident: IncidentFacts,
    *,
    victim_incidents: Iterable[IncidentFacts],
    victim_referrals: Iterable[ReferralFacts],
) -> list[Finding]:
    """Every criterion the incident meets, each with its reason in words, in the order above."""
    found: list[Finding] = []
    if incident.dash_count is not None:
        if incident.dash_count >= HIGH_RISK_COUNT:
            found.append(
                Finding(
                    Criterion.VISIBLE_HIGH_RISK,
                    f'DASH: {incident.dash_count} of 24 answered "yes" (14 or more)',
                )
            )
        elif judgement_raised(incident.dash_count, incident.judgement) and (
            final_level(incident.dash_count, incident.judgement) == Level.HIGH
        ):
            found.append(
                Finding(
                    Criterion.PROFESSIONAL_JUDGEMENT,
                    f"A practitioner judged the risk high (DASH count {incident.dash_count})",
                )
            )
    count = incidents_in_window(incident, victim_incidents)
    if count >= ESCALATION_INCIDENTS:
        found.append(
            Finding(
                Criterion.POTENTIAL_ESCALATION,
                f"{count} incidents involving the victim in the last 12 months",
            )
        )
    referrals = list(victim_referrals)
    if is_marac_repeat(incident, referrals):
        last = last_referral(incident, referrals)
        assert last is not None
        found.append(
            Finding(
                Criterion.MARAC_REPEAT,
                "Same victim and perpetrator within 12 months of the MARAC referral of "
                f"{last.referred_on.day} {last.referred_on:%B %Y}",
            )
        )
    return found


# --- the board day and MARAC dates ------------------------------------------------------------


class WorkingDays(Protocol):
    def is_working_day(self, day: date) -> bool: ...
    def next_working_day(self, day: date) -> date: ...


def board_day(received_on: date, days: WorkingDays) -> date:
    """The DRAMM that triages an incident received on ``received_on``: the next working day's.

    The board meets each working morning on what arrived since the last meeting, so Friday's,
    Saturday's and Sunday's incidents are Monday's (or Tuesday's after a bank holiday Monday).
    """
    return days.next_working_day(received_on)


def received_days(board: date, days: WorkingDays) -> tuple[date, date]:
    """The first and last receipt dates whose incidents are on ``board``'s board (inclusive)."""
    last = board - timedelta(days=1)
    first = last
    while not days.is_working_day(first):
        first -= timedelta(days=1)
    return first, last


MARAC_EVERY = timedelta(days=14)
# A referral needs a few working days of research by every agency before its meeting.
MARAC_RESEARCH_WORKING_DAYS = 5


def marac_dates(anchor: date, start: date, end: date, days: WorkingDays) -> list[date]:
    """The fortnightly meeting dates from ``start`` to ``end`` (inclusive): every 14 days from
    ``anchor``, a date that is not a working day moved to the next working day."""
    if end < start:
        return []
    # One step early: a nominal date before ``start`` may roll into the range.
    nominal = anchor + MARAC_EVERY * ((start - anchor).days // 14 - 1)
    found = []
    while nominal <= end:
        actual = nominal if days.is_working_day(nominal) else days.next_working_day(nominal)
        if start <= actual <= end:
            found.append(actual)
        nominal += MARAC_EVERY
    return found


def meeting_for_referral(referred_on: date, anchor: date, days: WorkingDays) -> date:
    """The first meeting at least ``MARAC_RESEARCH_WORKING_DAYS`` working days after referral."""
    ready = referred_on
    for _ in range(MARAC_RESEARCH_WORKING_DAYS):
        ready = days.next_working_day(ready)
    return marac_dates(anchor, ready, ready + MARAC_EVERY * 2, days)[0]


# --- scorecard measures (SafeLives MARAC data) --------------------------------------------------


def repeat_rate(repeats: int, cases: int) -> float | None:
    """Repeat cases as a percentage of all cases heard (SafeLives: 28% to 40% expected)."""
    return None if cases == 0 else round(100 * repeats / cases, 1)


def volume_per_10k_women(cases: int, adult_women: int) -> float | None:
    """Cases heard per 10,000 adult women (SafeLives recommends 40 a year)."""
    return None if adult_women <= 0 else round(10_000 * cases / adult_women, 1)


# The population SafeLives divides a MARAC's cases by: women aged 16 and over in the MARAC's
# area (SafeLives, "Marac cases: five year trend analysis": "cases per 10,000 adult (16+)
# females", cases including repeats; its national figures used the 2011 census). A MARAC covers
# one local authority or police force area: from a small district (a few thousand women) to
# the largest force area (under 4 million), so a figure outside these bounds is a slip (a
# total population, a missing digit).
ADULT_WOMEN_MIN = 1_000
ADULT_WOMEN_MAX = 5_000_000
FIRST_ESTIMATE_YEAR = 2011  # the census SafeLives's published rates used


def adult_women_problems(figure: int | None, year: int | None, this_year: int) -> dict[str, str]:
    """Why a setting of the area's adult women cannot be taken, by field (none: it can)."""
    problems = {}
    if figure is None:
        problems["figure"] = "Enter the number of women aged 16 and over in the area"
    elif not ADULT_WOMEN_MIN <= figure <= ADULT_WOMEN_MAX:
        problems["figure"] = (
            f"The number of women aged 16 and over must be between {ADULT_WOMEN_MIN:,} and "
            f"{ADULT_WOMEN_MAX:,}: one MARAC's area"
        )
    if year is None:
        problems["year"] = "Enter the year of the estimate"
    elif not FIRST_ESTIMATE_YEAR <= year <= this_year:
        problems["year"] = f"The year of the estimate must be between 2011 and {this_year}"
    return problems
