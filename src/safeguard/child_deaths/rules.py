"""The child death review's rules, without Django: categories, modifiable factors, routing,
clocks, age groups, deprivation deciles, small numbers and the recognition of one death
notified by several agencies.

Sources (see docs/child-deaths.md, "Guidance paragraphs, rule by rule", for each rule's
citation and the URL it was read at):
- Child Death Review Statutory and Operational Guidance (England), HM Government, October 2018
  ("the guidance"). Its own text could not be read. One paragraph number is verified, through a
  local procedure that quotes it: 5.2.1, the functions of the Child Death Overview Panel
  (Hertfordshire SCP's procedure). Every other rule cites the guidance by section title, and
  where a number is given it is said to be the October 2017 consultation draft's ("draft
  (2017) chapter N"), which is not evidence of the final text's numbering.
- Working Together to Safeguard Children 2018, chapter 5 (the definition of an unexpected death,
  quoted by partnerships' published procedures).
- The national child death forms (notification, reporting, supplementary reporting and analysis
  forms) published with the guidance and used by the National Child Mortality Database (NCMD).
- The partnership annual report (the SUDIC home visit "usually within 48 hours"; the neonatal
  panel for babies who die in the first 28 days).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from safeguard.children import identifiers, normalise

# --- The categories of death (the analysis form's hierarchy) -----------------------------------
# The analysis form lists ten categories and asks the panel to choose the highest in the list
# that applies when more than one does ("hierarchical"). The order below is that list's order:
# the first applicable category wins. Source: the national analysis form, not the guidance's
# text (no paragraph of the guidance found for the list; the form itself was not readable).
# Verified: the NCMD numbers the categories and calls "Acute medical or surgical condition"
# category 5 (ncmd.info). The other nine names follow the brief and partnerships' lists.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("deliberately_inflicted", "Deliberately inflicted injury, abuse or neglect"),
    ("suicide_self_harm", "Suicide or deliberate self-inflicted harm"),
    ("trauma_external", "Trauma and other external factors"),
    ("malignancy", "Malignancy"),
    ("acute_medical_surgical", "Acute medical or surgical condition"),
    ("chronic_medical", "Chronic medical condition"),
    ("chromosomal_genetic_congenital", "Chromosomal, genetic and congenital anomalies"),
    ("perinatal_neonatal", "Perinatal or neonatal event"),
    ("infection", "Infection"),
    ("sudden_unexpected_unexplained", "Sudden unexpected, unexplained death"),
)
CATEGORY_LABELS: dict[str, str] = dict(CATEGORIES)
CATEGORY_RANK: dict[str, int] = {code: rank for rank, (code, _) in enumerate(CATEGORIES, 1)}


def category_of(applicable: Iterable[str]) -> str:
    """The category recorded for a death: of those that apply, the highest in the hierarchy.

    Raises ValueError when none is given or a code is not a national category, so a review
    cannot be completed without one.
    """
    codes = set(applicable)
    unknown = codes - set(CATEGORY_RANK)
    if unknown:
        raise ValueError(f"not a category of death: {sorted(unknown)}")
    if not codes:
        raise ValueError("at least one category must apply")
    return min(codes, key=CATEGORY_RANK.__getitem__)


# --- Modifiable factors ---------------------------------------------------------------------
# The analysis form asks about four domains and, for each, whether factors were identified and
# whether they may have contributed; the panel then concludes whether the death had modifiable
# factors: factors which, by nationally or locally achievable interventions, could be modified
# to reduce the risk of future child deaths (the national definition, read as quoted by
# Staffordshire's procedures; no paragraph of the 2018 guidance found). The panel's analysis of
# each death, to confirm its cause, find contributory factors and identify learning, is a
# function of the CDOP under the guidance's paragraph 5.2.1 (as quoted by Hertfordshire SCP).
DOMAINS: tuple[tuple[str, str], ...] = (
    ("intrinsic", "Factors intrinsic to the child"),
    ("social", "Social environment, including family and parenting capacity"),
    ("physical", "Physical environment"),
    ("service", "Service provision"),
)
DOMAIN_LABELS: dict[str, str] = dict(DOMAINS)

LEVELS: tuple[tuple[str, str], ...] = (
    ("not_known", "Information not available"),
    ("none", "No factors identified, or factors identified but unlikely to have contributed"),
    ("contributory", "Factors identified that may have contributed to the death"),
)
LEVEL_LABELS: dict[str, str] = dict(LEVELS)

MODIFIABLE = "modifiable"
NOT_MODIFIABLE = "not_modifiable"
INSUFFICIENT = "insufficient_information"
CONCLUSIONS: tuple[tuple[str, str], ...] = (
    (MODIFIABLE, "Modifiable factors identified"),
    (NOT_MODIFIABLE, "No modifiable factors identified"),
    (INSUFFICIENT, "Insufficient information to decide"),
)
CONCLUSION_LABELS: dict[str, str] = dict(CONCLUSIONS)


@dataclass(frozen=True)
class DomainFinding:
    level: str  # a LEVELS code
    modifiable: bool = False


def finding_problems(findings: Mapping[str, DomainFinding]) -> dict[str, str]:
    """What is wrong with a panel's findings, by domain: every domain answered, and a factor is
    modifiable only where factors were identified that may have contributed."""
    problems: dict[str, str] = {}
    for code, label in DOMAINS:
        finding = findings.get(code)
        if finding is None or finding.level not in LEVEL_LABELS:
            problems[code] = f"Select what was found for {label.lower()}"
        elif finding.modifiable and finding.level != "contributory":
            problems[code] = (
                f"{label} can be modifiable only where factors may have contributed to the death"
            )
    return problems


def conclusion(findings: Mapping[str, DomainFinding]) -> str:
    """Modifiable if any domain's contributing factors are modifiable; insufficient information
    if no domain could be assessed; otherwise not modifiable. Raises on invalid findings."""
    problems = finding_problems(findings)
    if problems:
        raise ValueError(problems)
    if any(f.modifiable for f in findings.values()):
        return MODIFIABLE
    if all(findings[code].level == "not_known" for code, _ in DOMAINS):
        return INSUFFICIENT
    return NOT_MODIFIABLE


# --- Which panel, and the age groups ------------------------------------------------------------
# The annual report: the neonatal panel reviews deaths in the first 28 days. "Neonatal" as the
# first 28 days of life: Cambridgeshire and Peterborough's CDOP protocol (glossary; no paragraph
# of the guidance found for the routing, which is the partnership's own arrangement).
NEONATAL_DAYS = 28
CDOP = "cdop"
NEONATAL = "neonatal"
PANELS: tuple[tuple[str, str], ...] = (
    (CDOP, "Child Death Overview Panel"),
    (NEONATAL, "Neonatal Death Overview Panel"),
)
PANEL_LABELS: dict[str, str] = dict(PANELS)


def age_in_days(born_on: date, died_on: date) -> int:
    if died_on < born_on:
        raise ValueError("the date of death is before the date of birth")
    return (died_on - born_on).days


def panel_for(born_on: date, died_on: date) -> str:
    """A baby who dies in the first 28 days of life (day 0 to day 27) goes to the neonatal
    panel; every other child to the CDOP."""
    return NEONATAL if age_in_days(born_on, died_on) < NEONATAL_DAYS else CDOP


AGE_GROUPS: tuple[tuple[str, str], ...] = (
    ("0_27_days", "0 to 27 days"),
    ("28_364_days", "28 to 364 days"),
    ("1_4_years", "1 to 4 years"),
    ("5_9_years", "5 to 9 years"),
    ("10_14_years", "10 to 14 years"),
    ("15_17_years", "15 to 17 years"),
)
AGE_GROUP_LABELS: dict[str, str] = dict(AGE_GROUPS)


def whole_years(born_on: date, on: date) -> int:
    years = on.year - born_on.year
    if (on.month, on.day) < (born_on.month, born_on.day):
        years -= 1
    return years


def age_group(born_on: date, died_on: date) -> str:
    """The reporting age group at death. A child is under 18: 18 or older raises ValueError
    (the review covers children only)."""
    days = age_in_days(born_on, died_on)
    if days < NEONATAL_DAYS:
        return "0_27_days"
    years = whole_years(born_on, died_on)
    if years < 1:
        return "28_364_days"
    if years < 5:
        return "1_4_years"
    if years < 10:
        return "5_9_years"
    if years < 15:
        return "10_14_years"
    if years < 18:
        return "15_17_years"
    raise ValueError("not a child at death: 18 or older")


# --- Clocks ------------------------------------------------------------------------------------
# Hours where the guidance and the annual report speak in hours; working days where the
# partnership's procedure sets a working-day deadline (reporting forms).
NOTIFICATION_HOURS = 48  # notify as soon as the agency learns of the death (the guidance's
# section on immediate decision making and notifications, draft (2017) chapter 2; no paragraph
# number verified); 48 hours is the partnership's measure of "late".
HOME_VISIT_HOURS = 48  # the SUDIC home visit, usually within 48 hours (annual report)
# The family's information (key worker, bereavement support, leaflets): Working Together 2018,
# chapter 5, paragraph 4 (the guide for families offered to every bereaved family straight after
# the death); no paragraph of the 2018 guidance found for the key worker. 48 hours is our own.
FAMILY_INFORMATION_HOURS = 48  # key worker, bereavement support, leaflets: the partnership's own
INITIAL_MEETING_WORKING_DAYS = 3  # initial information-sharing meeting: partnership's own choice
FINAL_DISCUSSION_WORKING_DAYS = 40  # final case discussion, after post-mortem results: own choice
REPORTING_FORM_WORKING_DAYS = 15  # each agency's reporting form: the partnership's procedure


def due_after_hours(started_at: datetime, hours: int) -> datetime:
    """An hours clock: the moment ``hours`` after it started (weekends count: a death does not
    wait for Monday)."""
    if hours <= 0:
        raise ValueError("hours must be positive")
    return started_at + timedelta(hours=hours)


def notified_late(*, died_at: datetime, notified_at: datetime) -> bool:
    """Notified later than the partnership's measure of "as soon as it learns of the death"."""
    return notified_at - died_at > timedelta(hours=NOTIFICATION_HOURS)


# --- The Joint Agency Response --------------------------------------------------------------
# A JAR is triggered when a death is or could be due to external causes; is sudden with no
# immediately apparent cause (including SUDI/C); occurs in custody or where the child was
# detained under the Mental Health Act; where the initial circumstances raise any suspicion that
# the death may not have been natural; or a stillbirth where no healthcare professional was in
# attendance (the guidance's section on the Joint Agency Response, cited by title: no paragraph
# number verified; the five triggers as summarised alike by the RCoA and Nottinghamshire SCP).
JAR_TRIGGERS: tuple[tuple[str, str], ...] = (
    ("external_causes", "Is or could be due to external causes"),
    ("sudden_no_cause", "Sudden with no immediately apparent cause (including SUDI/C)"),
    ("custody_or_detained", "In custody, or detained under the Mental Health Act"),
    ("not_natural_suspicion", "Circumstances raise suspicion the death may not have been natural"),
    ("unattended_stillbirth", "A stillbirth where no healthcare professional was in attendance"),
)
JAR_TRIGGER_LABELS: dict[str, str] = dict(JAR_TRIGGERS)


def jar_needed(
    *, expected: bool, triggers: Iterable[str], suspected_home_stillbirth: bool = False
) -> bool:
    """An unexpected death, or any trigger, calls for a Joint Agency Response. So does a
    suspected stillbirth at home: a stillbirth with no healthcare professional in attendance is
    a trigger, and the team, not the notifier, finds out whether one attended."""
    codes = set(triggers)
    unknown = codes - set(JAR_TRIGGER_LABELS)
    if unknown:
        raise ValueError(f"not a JAR trigger: {sorted(unknown)}")
    return (not expected) or bool(codes) or suspected_home_stillbirth


# --- Supplementary reporting forms, in our own wording -------------------------------------------
# The national set has supplementary forms for particular circumstances (the list below is ours,
# written from the brief; the NCMD names asthma and anaphylaxis, drowning and sudden unexpected
# deaths among them; the rest not checked against the national forms). Asking agencies for what
# they knew serves the CDOP's function of collecting information about each death from
# professionals (the guidance's paragraph 5.2.1, as quoted by Hertfordshire SCP). Each question
# is structured data: a code, the question, and the kind of answer.
YES_NO = "yes_no"
TEXT = "text"


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    kind: str = YES_NO


SUPPLEMENTARY_FORMS: dict[str, tuple[str, tuple[Question, ...]]] = {
    "sudi_sudc": (
        "Sudden unexpected death in infancy or childhood",
        (
            Question("sleep_surface", "Where was the child sleeping?", TEXT),
            Question("shared_sleep", "Was the child sharing a sleep surface?"),
            Question("smoking", "Did anyone in the household smoke?"),
            Question("position", "In what position was the child found?", TEXT),
        ),
    ),
    "asthma_anaphylaxis": (
        "Asthma or anaphylaxis",
        (
            Question("care_plan", "Did the child have a written care plan?"),
            Question("inhaler_or_pen", "Was the child's reliever or adrenaline pen at hand?"),
            Question("last_review", "When was the condition last reviewed?", TEXT),
        ),
    ),
    "cardiac": (
        "Cardiac",
        (
            Question("known_condition", "Was a heart condition known before the death?"),
            Question("family_history", "Is there a family history of sudden cardiac death?"),
        ),
    ),
    "drowning": (
        "Drowning",
        (
            Question("water_setting", "Where did the drowning happen?", TEXT),
            Question("supervised", "Was the child supervised at the time?"),
            Question("could_swim", "Could the child swim?"),
        ),
    ),
    "road_traffic": (
        "Road traffic collision",
        (
            Question(
                "road_user", "Was the child a pedestrian, cyclist, passenger or driver?", TEXT
            ),
            Question("restraint", "Was a seat belt, child seat or helmet used?"),
        ),
    ),
    "suicide_self_harm": (
        "Suicide or self-harm",
        (
            Question("previous_self_harm", "Had the child self-harmed before?"),
            Question("mental_health_services", "Was the child known to mental health services?"),
            Question("online_factors", "Were online activities a factor?"),
            Question("stressors", "What recent stressful events are known?", TEXT),
        ),
    ),
    "epilepsy": (
        "Epilepsy",
        (
            Question("seizure_plan", "Did the child have a seizure management plan?"),
            Question("medication_adherence", "Was the child taking prescribed medication?"),
        ),
    ),
    "fire_burns": (
        "Fire or burns",
        (
            Question("smoke_alarm", "Was there a working smoke alarm?"),
            Question("cause", "What is known of the cause?", TEXT),
        ),
    ),
    "neonatal": (
        "Neonatal or perinatal death",
        (
            Question("gestation_weeks", "Gestation at birth in weeks", TEXT),
            Question("birth_weight_grams", "Birth weight in grams", TEXT),
            Question("antenatal_care", "Did the mother receive antenatal care?"),
        ),
    ),
    "substance_misuse": (
        "Substance misuse",
        (
            Question("substances", "Which substances are known to have been involved?", TEXT),
            Question("known_to_services", "Was the child known to substance misuse services?"),
        ),
    ),
}
SUPPLEMENTARY_LABELS: dict[str, str] = {
    code: label for code, (label, _) in SUPPLEMENTARY_FORMS.items()
}


def supplementary_problems(kind: str, answers: Mapping[str, str]) -> dict[str, str]:
    """Every question of the supplementary form answered, yes/no questions with yes or no."""
    if kind not in SUPPLEMENTARY_FORMS:
        return {"kind": "Select a supplementary form from the list"}
    problems: dict[str, str] = {}
    for question in SUPPLEMENTARY_FORMS[kind][1]:
        value = (answers.get(question.code) or "").strip()
        if not value:
            problems[question.code] = f"Answer: {question.text}"
        elif question.kind == YES_NO and value not in ("yes", "no", "not_known"):
            problems[question.code] = f"Select yes, no or not known: {question.text}"
    return problems


# --- The questions the national forms added in April 2021 --------------------------------------
# The NCMD's "CDR statutory form changes, April 2021" (ncmd.info, 31 March 2021; verified): the
# notification form asks whether the death was a suspected stillbirth at home; the reporting form
# asks whether the child lived in poverty or deprivation, and whether the child's family met
# barriers to accessing services (the NCMD's examples: chargeable care, language, financial).
# The page names the analysis form among the forms changed without saying how (not verified);
# here the panel records its own answer to the two reporting-form questions at its review, next
# to the social environment and service provision domains, starting from the agencies' answers.
# The wording below is ours; the NCMD's exact question text was not readable.
YES = "yes"
NO = "no"
NOT_KNOWN = "not_known"
ANSWERS: tuple[tuple[str, str], ...] = ((YES, "Yes"), (NO, "No"), (NOT_KNOWN, "Not known"))
ANSWER_LABELS: dict[str, str] = dict(ANSWERS)

STILLBIRTH_QUESTION = (
    "Is this a suspected stillbirth at home (a baby born at home who showed no signs of life)?"
)
POVERTY_QUESTION = "Did the child live in poverty or deprivation?"
BARRIERS_QUESTION = "Did the child's family meet barriers to accessing services?"

BARRIER_KINDS: tuple[tuple[str, str], ...] = (
    ("chargeable_care", "Chargeable care (for example, NHS charges for overseas visitors)"),
    ("language", "Language or communication"),
    ("financial", "Financial, such as the cost of travel"),
    ("other", "Something else"),
)
BARRIER_LABELS: dict[str, str] = dict(BARRIER_KINDS)


def combined_answer(answers: Iterable[str]) -> str:
    """One answer from several (agencies' forms, or notifications of one death): yes if anyone
    said yes, no if someone said no and no one yes, otherwise not known. Order never matters,
    so the panel starts from the same answer however the forms came back."""
    given = set(answers)
    unknown = given - set(ANSWER_LABELS)
    if unknown:
        raise ValueError(f"not an answer: {sorted(unknown)}")
    if YES in given:
        return YES
    if NO in given:
        return NO
    return NOT_KNOWN


def stillbirth_problems(
    *, suspected: str, place: str, born_on: date, died_on: date
) -> dict[str, str]:
    """A suspected stillbirth at home is notified with the place of death "home", and born and
    died on the same day (a baby who showed no signs of life was never alive after birth)."""
    if suspected not in ANSWER_LABELS:
        return {"suspected_home_stillbirth": "Select yes, no or not known"}
    if suspected != YES:
        return {}
    problems: dict[str, str] = {}
    if place != "home":
        problems["place"] = "A suspected stillbirth at home has the place of death: home"
    if born_on != died_on:
        problems["born_on"] = (
            "For a suspected stillbirth, the date of birth and the date of death are the same day"
        )
    return problems


def social_problems(*, poverty: str, barriers: str, barrier_kinds: Iterable[str]) -> dict[str, str]:
    """Both questions answered yes, no or not known; the kinds of barrier named only, and at
    least one, where the family met barriers."""
    kinds = set(barrier_kinds)
    problems: dict[str, str] = {}
    if poverty not in ANSWER_LABELS:
        problems["poverty"] = f"Select yes, no or not known: {POVERTY_QUESTION}"
    if barriers not in ANSWER_LABELS:
        problems["barriers"] = f"Select yes, no or not known: {BARRIERS_QUESTION}"
    if kinds - set(BARRIER_LABELS):
        problems["barrier_kinds"] = "Select the barriers from the list"
    elif barriers == YES and not kinds:
        problems["barrier_kinds"] = "Select the barriers the family met"
    elif barriers in (NO, NOT_KNOWN) and kinds:
        problems["barrier_kinds"] = "Select barriers only where the family met barriers"
    return problems


# --- Deprivation ---------------------------------------------------------------------------------


def decile_for(
    postcode: str | None,
    *,
    postcode_areas: Mapping[str, str],
    area_deciles: Mapping[str, int],
) -> int | None:
    """The IMD decile (1 = most deprived tenth of areas) of the area a home postcode lies in,
    or None when the postcode or its area is unknown. Postcodes are compared normalised."""
    code = normalise.postcode(postcode)
    if code is None:
        return None
    area = postcode_areas.get(code)
    if area is None:
        return None
    decile = area_deciles.get(area)
    if decile is None or not 1 <= decile <= 10:
        return None
    return decile


# --- Small numbers -------------------------------------------------------------------------------
SMALL = 5
FEWER_THAN = "fewer than 5"


def suppressed(count: int) -> str:
    """A count fit to leave the module: 1 to 4 become "fewer than 5" (a zero identifies no one
    and stays 0)."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    return FEWER_THAN if 0 < count < SMALL else str(count)


# --- One death, several notifications ----------------------------------------------------------


@dataclass(frozen=True)
class DeathIdentity:
    full_name: str
    born_on: date
    died_on: date
    nhs_number: str = ""


def _name_parts(full_name: str) -> tuple[str | None, tuple[str, ...]]:
    parts = full_name.split()
    forename = normalise.canonical_forename(parts[0]) if parts else None
    surname = normalise.name_parts(parts[-1]) if len(parts) > 1 else None
    return forename, surname or ()


def same_death(a: DeathIdentity, b: DeathIdentity) -> bool:
    """Whether two notifications are of one death.

    Two valid NHS numbers decide: equal is one death, different is two. Otherwise the same date
    of birth, dates of death at most a day apart (a death found after midnight), the same
    forename (nicknames folded) and a shared surname part ("Smith-Jones" and "Jones").
    """
    a_nhs = identifiers.normalise_nhs_number(a.nhs_number or "")
    b_nhs = identifiers.normalise_nhs_number(b.nhs_number or "")
    if identifiers.is_valid_nhs_number(a_nhs) and identifiers.is_valid_nhs_number(b_nhs):
        return a_nhs == b_nhs
    if a.born_on != b.born_on or abs((a.died_on - b.died_on).days) > 1:
        return False
    a_fore, a_sur = _name_parts(a.full_name)
    b_fore, b_sur = _name_parts(b.full_name)
    return a_fore is not None and a_fore == b_fore and bool(set(a_sur) & set(b_sur))


def reference(year: int, number: int) -> str:
    return f"CD-{year}-{number:04d}"


def days_between(start: date, end: date) -> int:
    return (end - start).days


# --- Words for this module's codes on the kernel's pages (audit trail, outbox, what is due) -----
LABELS: dict[str, str] = {
    "child_deaths:notify": "Child deaths: notifying a death",
    "child_deaths:acknowledgement": "Child deaths: a notification's acknowledgement",
    "child_deaths:deaths": "Child deaths: the list",
    "child_deaths:death": "Child deaths: one death",
    "child_deaths:jar": "Child deaths: the Joint Agency Response",
    "child_deaths:request_forms": "Child deaths: asking for reporting forms",
    "child_deaths:meeting": "Child deaths: the child death review meeting",
    "child_deaths:review": "Child deaths: the panel's review",
    "child_deaths:forms": "Child deaths: reporting forms",
    "child_deaths:reporting_form": "Child deaths: a reporting form",
    "child_deaths:analysis": "Child deaths: analysis",
    "child_deaths:analysis_csv": "Child deaths: analysis for publication",
    "child_deaths:dataset_csv": "Child deaths: the national dataset export",
    "child_deaths:action_add": "Child deaths: an action from the learning",
    "child_deaths.learning": "Child death review learning",
    "child_deaths.dataset": "Child deaths national dataset export",
    "child_deaths.death": "Child death",
    "child_deaths.notification": "Child death notification",
    "child_deaths.reporting_form": "Child death reporting form",
    "child_deaths.jar": "Joint Agency Response",
    "child_deaths.review": "Child death review",
    "child_deaths.deprivation": "Deprivation lookup",
    "child_deaths.analysis": "Child death analysis",
    "child_deaths.list": "Child deaths list",
    "child_deaths.notified": "Child death notified",
    "child_deaths.notified_again": "Child death notified again",
    "child_deaths.form_requested": "Child death reporting form requested",
    "child_deaths.form_returned": "Child death reporting form returned",
    "jar_home_visit": "SUDIC home visit",
    "jar_family_information": "Information given to the family",
    "jar_initial_meeting": "Initial information-sharing meeting",
    "jar_final_discussion": "Final case discussion",
    "reporting_form": "Child death reporting form",
    "child_deaths": "Child deaths",
}
LABELS.update(JAR_TRIGGER_LABELS)
LABELS.update(SUPPLEMENTARY_LABELS)
