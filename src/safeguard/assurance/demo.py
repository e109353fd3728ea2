"""Demo assurance records for the synthetic partnership, each made through the real services at
its own moment in the story:

- the Section 11, Section 175 and faith and third-sector standards; last year's round returned
  by every statutory partner, the health trusts, probation, five schools and a charity, with
  challenges answered and an action; this year's round open, due on a working day ahead, half
  returned and one challenge awaiting its answer (not overdue);
- five concerns at different stages: one resolved at stage 1, one at stage 2, one open at stage
  1 and one at stage 3 (clocks running, not overdue), one resolved by the partnership;
- 24 months of returns from the young offender institution, the secure children's home and a
  police custody suite (added here: the core demo has none), the YOI's main-site restraints
  with one month far above the rest (the special cause), each month's clock met (the custody
  suite's latest pending while not yet due), and a Youth Custody Service review;
- a case audit graded on Ofsted's four grades, moderated, with findings and actions, and the
  partnership's own three-point practice quality scale written for next year;
- the audit programmes of the three financial years before this one (two audits a year, each
  moderated with agreed grades, its findings agreed and its actions done in time), so the
  annual report's audit tables have figures and a previous year beside them.

Every child is a synthetic pupil of the demo's child index; every figure is invented.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from safeguard.assurance import rules
from safeguard.assurance.models import Rating
from safeguard.assurance.services import assessments, audits, escalations, scales, secure
from safeguard.children.models import Pupil
from safeguard.core import demo_names as names
from safeguard.core import holidays
from safeguard.core.clock import LONDON, london_date
from safeguard.core.demo import clock_at
from safeguard.core.models import Organisation, Person
from safeguard.governance.services.actions import action_complete

S11_STANDARDS = [
    (
        "Senior management commitment to safeguarding",
        "A named board lead; safeguarding in the business plan",
    ),
    (
        "A clear statement of the organisation's responsibilities to children",
        "Published and known to staff",
    ),
    ("A clear line of accountability for safeguarding", "Named leads at every level"),
    (
        "Service development takes account of children's views",
        "Children and families shape services",
    ),
    ("Effective training for every member of staff", "Training matched to role, with refreshers"),
    ("Safer recruitment, vetting and allegations management", "DBS checks; the LADO process known"),
    ("Effective inter-agency working", "Staff use the partnership's procedures and escalation"),
    ("Information sharing", "Staff know when and how to share information"),
    ("Supervision and support for staff", "Regular, recorded safeguarding supervision"),
]
S175_STANDARDS = [
    ("The designated safeguarding lead and deputies are trained and have time", ""),
    ("The safeguarding and child protection policy follows Keeping Children Safe in Education", ""),
    ("Staff training and induction, including Operation Encompass", ""),
    ("Safer recruitment and the single central record", ""),
    ("Early help and referrals to children's social care", ""),
    ("Online safety, filtering and monitoring", ""),
    ("Pupils are taught about safeguarding, including relationships education", ""),
]
SHORT_STANDARDS = [
    ("A safeguarding policy the trustees or leaders have agreed", ""),
    ("A named safeguarding lead that everyone knows", ""),
    ("Safe recruitment of staff and volunteers", ""),
    ("Training for staff and volunteers", ""),
    ("Knowing how to raise and escalate a concern", ""),
]
YOI_MAIN = [
    74,
    68,
    79,
    71,
    66,
    77,
    72,
    81,
    69,
    75,
    70,
    148,
    73,
    67,
    78,
    70,
    76,
    65,
    74,
    80,
    68,
    73,
    71,
    77,
]
YOI_UNIT = [8, 10, 7, 11, 9, 8, 12, 7, 10, 9, 11, 8, 9, 12, 8, 10, 7, 11, 9, 10, 8, 12, 9, 10]
SCH_RESTRAINTS = [6, 4, 7, 5, 6, 3, 5, 7, 4, 6, 5, 6, 4, 7, 5, 6, 4, 5, 7, 5, 6, 4, 6, 5]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _working_days_back(today: date, n: int) -> date:
    calendar = holidays.calendar()
    day = today
    while n:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def _person(organisation: Organisation | None, *roles: str) -> Person | None:
    if organisation is None:
        return None
    return (
        Person.objects.filter(
            organisation=organisation, is_active=True, role_assignments__role__in=roles
        )
        .order_by("pk")
        .first()
    )


def _admin() -> Person | None:
    return (
        Person.objects.filter(role_assignments__role="business_unit_admin", is_active=True)
        .order_by("pk")
        .first()
    )


def add_demo_assurance(*, seed: int) -> int:
    admin = _admin()
    if admin is None:
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    today = london_date(now)
    made = _self_assessments(admin, rng, now, today)
    made += _escalations(admin, now, today)
    made += _secure_settings(admin, now, today)
    made += _case_audit(admin, rng, today)
    return made


# --- self-assessments -------------------------------------------------------------------------


def _self_assessments(admin: Person, rng: random.Random, now: datetime, today: date) -> int:
    started = now - timedelta(days=400)
    for kind, title, standards in (
        ("section_11", "Section 11 standards", S11_STANDARDS),
        ("section_175", "Section 175 and 157 standards for schools", S175_STANDARDS),
        (
            "faith_third_sector",
            "Safeguarding standards for faith and third sector settings",
            SHORT_STANDARDS,
        ),
    ):
        assessments.template_save(
            actor=admin, kind=kind, title=title, standards=standards, now=started
        )
    agencies = list(
        Organisation.objects.filter(
            active=True, kind__in=["local_authority", "police", "icb", "health_trust", "probation"]
        ).order_by("pk")
    )
    schools = list(Organisation.objects.filter(active=True, kind="school").order_by("pk")[:5])
    charities = list(
        Organisation.objects.filter(active=True, kind="third_sector").order_by("pk")[:1]
    )
    chosen = agencies + schools + charities
    calendar = holidays.calendar()
    last_due = calendar.add_working_days(_working_days_back(today, 260), 0)
    while not calendar.is_working_day(last_due):
        last_due += timedelta(days=1)
    previous = assessments.round_open(
        actor=admin,
        title=f"Safeguarding self-assessment {today.year - 1}",
        year=today.year - 1,
        returns_due_on=last_due,
        organisations=chosen,
        now=_at(last_due - timedelta(days=42)),
    )
    made = 1
    for n, assessment in enumerate(previous.assessments.select_related("organisation", "template")):
        person = _person(
            assessment.organisation,
            "statutory_partner_lead",
            "school_dsl",
            "practitioner",
            "subgroup_member",
        )
        if person is None:
            continue
        ratings = {
            s.pk: (
                rng.choice(["amber", "amber", "green", "red"] if n % 3 else ["green", "amber"]),
                "Policy, training records and audit",
            )
            for s in assessment.template.standards.all()
        }
        returned_on = last_due - timedelta(days=rng.randint(1, 10))
        assessments.assessment_return(
            actor=person,
            assessment=assessment,
            ratings=ratings,
            voice_of_child="Children's forums and feedback after each service shape our plans.",
            now=_at(returned_on),
        )
        made += 1
        if n in (0, 1):
            rating = (
                Rating.objects.filter(assessment=assessment).order_by("standard__number").first()
            )
            assert rating is not None
            challenge = assessments.challenge_raise(
                actor=admin,
                rating=rating,
                question="What evidence shows that this is known to staff across the organisation?",
                now=_at(last_due + timedelta(days=7)),
            )
            assessments.challenge_answer(
                actor=person,
                challenge=challenge,
                answer="The staff survey (June) and the audit of induction records.",
                now=_at(last_due + timedelta(days=12)),
            )
            # The owner's e-mail is dated by the demo's clock, not by ``now``.
            with clock_at(_at(last_due + timedelta(days=14))):
                assessments.assessment_action_add(
                    actor=admin,
                    assessment=assessment,
                    title="Add safeguarding to every team's induction checklist",
                    due_on=calendar.add_working_days(today, 30 + 5 * n),
                    now=_at(last_due + timedelta(days=14)),
                )
    due = calendar.add_working_days(today, 15)
    current = assessments.round_open(
        actor=admin,
        title=f"Safeguarding self-assessment {today.year}",
        year=today.year,
        returns_due_on=due,
        organisations=chosen,
        now=_at(_working_days_back(today, 20)),
    )
    for n, assessment in enumerate(current.assessments.select_related("organisation", "template")):
        if n % 2:
            continue
        person = _person(
            assessment.organisation,
            "statutory_partner_lead",
            "school_dsl",
            "practitioner",
            "subgroup_member",
        )
        if person is None:
            continue
        ratings = {
            s.pk: (rng.choice(["green", "green", "amber"]), "Updated policy and training figures")
            for s in assessment.template.standards.all()
        }
        assessments.assessment_return(
            actor=person,
            assessment=assessment,
            ratings=ratings,
            voice_of_child="A young people's panel reviews our services twice a year.",
            now=_at(_working_days_back(today, 5 + n)),
        )
        made += 1
        if n == 0:
            rating = (
                Rating.objects.filter(assessment=assessment).order_by("-standard__number").first()
            )
            assert rating is not None
            assessments.challenge_raise(
                actor=admin,
                rating=rating,
                question="How often is supervision audited, and what did the last audit find?",
                now=_at(_working_days_back(today, 2)),
            )
    return made


# --- Concerns Resolution ----------------------------------------------------------------------


def _escalations(admin: Person, now: datetime, today: date) -> int:
    la = (
        Organisation.objects.filter(kind="local_authority", statutory_partner=True)
        .order_by("pk")
        .first()
    )
    police = Organisation.objects.filter(kind="police").order_by("pk").first()
    school = Organisation.objects.filter(kind="school").order_by("pk").first()
    community = Organisation.objects.filter(kind="health_trust").order_by("-pk").first()
    charity = Organisation.objects.filter(kind="third_sector").order_by("pk").first()
    dsl = _person(school, "school_dsl")
    nurse = _person(community, "practitioner")
    worker = _person(charity, "practitioner")
    social_worker = _person(la, "practitioner")
    police_lead = _person(police, "statutory_partner_lead")
    pupils = list(Pupil.objects.filter(on_roll=True).order_by("pk")[:5])
    if None in (la, police, dsl, nurse, worker, social_worker, police_lead) or len(pupils) < 5:
        return 0
    assert la is not None and police is not None

    def raised(actor: Any, pupil: Pupil, other: Organisation, theme: str, day: date) -> Any:
        return escalations.escalation_raise(
            actor=actor,
            pupil=pupil,
            other_organisation=other,
            theme=theme,
            decision="The referral was closed with no further action.",
            concern=(
                "Since the referral there have been two more incidents and the child told "
                "staff they are frightened at home."
            ),
            now=_at(day, 9),
        )

    # 1. Resolved at stage 1: the social worker explained and agreed a visit.
    first = raised(dsl, pupils[0], la, "referral_response", _working_days_back(today, 60))
    escalations.escalation_respond(
        actor=social_worker,
        escalation=first,
        response="A visit is booked for this week.",
        now=_at(_working_days_back(today, 58)),
    )
    escalations.escalation_resolve(
        actor=dsl,
        escalation=first,
        note="Visit agreed; the school attends the meeting.",
        now=_at(_working_days_back(today, 57)),
    )
    # 2. Resolved at stage 2, between managers.
    second = raised(nurse, pupils[1], police, "information_sharing", _working_days_back(today, 40))
    escalations.escalation_respond(
        actor=police_lead,
        escalation=second,
        response="The information cannot be shared yet.",
        now=_at(_working_days_back(today, 38)),
    )
    escalations.escalation_escalate(
        actor=nurse,
        escalation=second,
        note="The child's health plan needs it now.",
        now=_at(_working_days_back(today, 37)),
    )
    escalations.escalation_respond(
        actor=police_lead,
        escalation=second,
        response="Shared with the named nurse under the protocol.",
        now=_at(_working_days_back(today, 35)),
    )
    escalations.escalation_resolve(
        actor=nurse,
        escalation=second,
        note="Information received; the plan is updated.",
        now=_at(_working_days_back(today, 34)),
    )
    # 3. Open at stage 1, raised two working days ago.
    raised(worker, pupils[2], la, "threshold", _working_days_back(today, 2))
    # 4. Open at stage 3: escalated twice, the senior managers' clock running.
    fourth = raised(dsl, pupils[3], la, "case_closure", _working_days_back(today, 10))
    escalations.escalation_respond(
        actor=social_worker,
        escalation=fourth,
        response="The case meets the step-down criteria.",
        now=_at(_working_days_back(today, 8)),
    )
    escalations.escalation_escalate(
        actor=dsl,
        escalation=fourth,
        note="The school still sees neglect.",
        now=_at(_working_days_back(today, 7)),
    )
    escalations.escalation_respond(
        actor=social_worker,
        escalation=fourth,
        response="The team manager upholds the decision.",
        now=_at(_working_days_back(today, 4)),
    )
    escalations.escalation_escalate(
        actor=dsl,
        escalation=fourth,
        note="Asking the senior managers to look again.",
        now=_at(_working_days_back(today, 1)),
    )
    # 5. Resolved by the partnership (stage 4) last year.
    fifth = raised(nurse, pupils[4], la, "risk_assessment", _working_days_back(today, 200))
    for back in (198, 193, 188):
        escalations.escalation_escalate(
            actor=nurse,
            escalation=fifth,
            note="Still not agreed.",
            now=_at(_working_days_back(today, back)),
        )
    escalations.escalation_resolve(
        actor=admin,
        escalation=fifth,
        note="A multi-agency strategy meeting chaired by the Business Unit agreed the plan.",
        now=_at(_working_days_back(today, 185)),
    )
    return 5


# --- secure settings --------------------------------------------------------------------------


def _secure_settings(admin: Person, now: datetime, today: date) -> int:
    settings = list(Organisation.objects.filter(kind="secure_setting", active=True).order_by("pk"))
    custody, _ = Organisation.objects.get_or_create(
        name=f"{names.AREA} Police Custody Suite",
        kind="secure_setting",
        defaults={"email": f"custody@police.{names.EMAIL_DOMAIN}"},
    )
    yoi = next((o for o in settings if "Offender" in o.name), None)
    home = next((o for o in settings if "Children's Home" in o.name), None)
    this_month = rules.first_of_month(today)
    months: list[date] = []
    month = this_month
    for _ in range(24):
        month = rules.previous_month(month)
        months.insert(0, month)
    last = months[-1]
    calendar = holidays.calendar()
    last_due = rules.return_due(last, calendar)
    made = 0
    for index, month in enumerate(months):
        submitted = _at(
            calendar.add_working_days(rules.next_month(month) - timedelta(days=1), 6), 15
        )
        if month == last and submitted > now:
            submitted = now - timedelta(hours=1)
        # The custody suite's latest return is still to come while it is not yet due.
        late_custody = month == last and last_due >= today
        rows: tuple[tuple[Organisation | None, dict[str, int | None]], ...] = (
            (
                yoi,
                {
                    "restraints_main_site": YOI_MAIN[index],
                    "restraints_specialist_unit": YOI_UNIT[index],
                    "self_harm_incidents": 10 + (index * 7) % 9,
                    "single_separations": 4 + (index * 5) % 6,
                },
            ),
            (
                home,
                {
                    "restraints_main_site": SCH_RESTRAINTS[index],
                    "self_harm_incidents": 1 + index % 3,
                },
            ),
            (
                None if late_custody else custody,
                {
                    "custody_arrests": 84 + (index * 11) % 19,
                    "voluntary_attendances": 44 + (index * 7) % 13,
                    "detained_over_12_hours": 30 + (index * 5) % 9,
                    "force_pre_detention": 72 + (index * 13) % 17,
                    "soft_force_pre_detention": 58 + (index * 13) % 11,
                    "force_in_custody": 5 + index % 4,
                },
            ),
        )
        for organisation, figures in rows:
            if organisation is None:
                continue
            secure.return_submit(
                actor=admin,
                organisation=organisation,
                month=month,
                figures=figures,
                narrative="Spike attributed to a small number of children awaiting hospital places."
                if organisation == yoi and (figures.get("restraints_main_site") or 0) > 120
                else "",
                now=submitted,
            )
            made += 1
    # Every month's clock, as the worker and "What is due" would have opened them month by
    # month: all met, but the custody suite's latest while it is not yet due.
    secure.returns_due_catch_up(today=today, actor=admin)
    if yoi is not None:
        review = secure.incident_review_record(
            actor=admin,
            organisation=yoi,
            title="Transfer of a young person to hospital in leg restraints",
            reviewed_on=_working_days_back(today, 70),
            reviewed_by="Youth Custody Service",
            summary=(
                "A young person was kept in leg restraints during a transfer to hospital and "
                "while there; no one reassessed the need."
            ),
            learning=(
                "Professional curiosity: ask whether restraints are still necessary. Hand over "
                "the reason for restraints between services."
            ),
            now=_at(_working_days_back(today, 68)),
        )
        with clock_at(_at(_working_days_back(today, 60))):  # dates the owner's e-mail too
            secure.review_action_add(
                actor=admin,
                review=review,
                title="Add a restraint review to the hospital escort handover form",
                owner=yoi,
                due_on=calendar.add_working_days(today, 25),
                now=_at(_working_days_back(today, 60)),
            )
        made += 1
    return made


# --- a multi-agency case audit ----------------------------------------------------------------

AUDIT_QUESTIONS = [
    "Was the child's plan clear about what each agency would do?",
    "Was information shared between agencies in time for it to make a difference?",
    "Is the child's lived experience and voice recorded and acted on?",
    "Were risks reassessed when circumstances changed?",
    "Did agencies challenge each other, and escalate when needed?",
]
PRACTICE_SCALE = (
    ("Strong", "Practice that changed things for the child, and that others can learn from"),
    ("Adequate", "Practice that kept the child safe, with gaps that did not change the outcome"),
    ("Weak", "Practice that left the child at risk or their needs unmet"),
)
FINDINGS = (
    ("good", "information_sharing", "Practitioners share information well between meetings."),
    (
        "requires_improvement",
        "voice_of_the_child",
        "The child's own words are recorded in fewer than half of the plans.",
    ),
    (
        "requires_improvement",
        "escalation",
        "Disagreements were rarely escalated through Concerns Resolution.",
    ),
)


def _case_audit(admin: Person, rng: random.Random, today: date) -> int:
    la = Organisation.objects.filter(kind="local_authority", statutory_partner=True).first()
    police = Organisation.objects.filter(kind="police").order_by("pk").first()
    trust = Organisation.objects.filter(kind="health_trust").order_by("pk").first()
    agencies = [o for o in (la, police, trust) if o is not None]
    auditors = {
        o.pk: _person(o, "statutory_partner_lead", "subgroup_member", "practitioner")
        for o in agencies
    }
    pupils = list(Pupil.objects.filter(on_roll=True).order_by("-pk")[:6])
    if len(agencies) < 2 or len(pupils) < 6:
        return 0
    start = _working_days_back(today, 80)
    running = today.year if today >= date(today.year, 4, 1) else today.year - 1
    tool = audits.tool_save(
        actor=admin,
        title="Multi-agency plans audit tool",
        questions=AUDIT_QUESTIONS,
        now=_at(_working_day_on_or_after(date(running - EARLIER_YEARS, 4, 20))),
    )
    earlier = list(Pupil.objects.filter(on_roll=True).order_by("-pk")[6 : 6 + EARLIER_CASES])
    made = 0
    if len(earlier) == EARLIER_CASES:
        for back in range(EARLIER_YEARS, 0, -1):
            for n, plan in enumerate(EARLIER_AUDITS):
                made += _earlier_audit(
                    admin, rng, running - back, plan, tool, agencies, auditors, earlier, n, la
                )
    # The partnership's own three-point scale, written for next year's audits of early help;
    # this year's audit is graded on Ofsted's four grades (the default).
    scales.scale_save(
        actor=admin,
        name="Practice quality scale",
        grades="\n".join(f"{label} | {wording}" for label, wording in PRACTICE_SCALE),
        lowest_good_enough=PRACTICE_SCALE[1][0],
        now=_at(start),
    )
    audit = audits.audit_plan(
        actor=admin,
        title=f"Child protection plans audit {start.year}",
        theme="child_protection",
        year=start.year,
        criteria="Six children made subject to a child protection plan in the spring, "
        "chosen at random from the child index",
        tool=tool,
        agencies=agencies,
        now=_at(start),
    )
    cases = [audits.case_add(actor=admin, audit=audit, pupil=pupil) for pupil in pupils]
    grades = list(rules.GRADES)
    for case in cases:
        for organisation in agencies:
            auditor = auditors[organisation.pk]
            if auditor is None:
                continue
            answers = {
                n: (grades[min(3, max(0, 1 + rng.choice([-1, 0, 0, 1])))], "")
                for n in range(1, len(AUDIT_QUESTIONS) + 1)
            }
            audits.case_answer(
                actor=auditor,
                case=case,
                answers=answers,
                now=_at(_working_days_back(today, 60)),
            )
    agreed = {case.pk: grades[1 + (case.number % 3 == 0)] for case in cases}
    audits.audit_moderate(
        actor=admin,
        audit=audit,
        notes="The agencies met and agreed a grade for each case; health and police differed "
        "on case 3 and agreed on requires improvement.",
        agreed=agreed,
        now=_at(_working_days_back(today, 50)),
    )
    for organisation in agencies:
        auditor = auditors[organisation.pk]
        if auditor is not None:
            audits.questionnaire_answer(
                actor=auditor,
                audit=audit,
                confident=organisation != police,
                helped="Core group meetings between the conferences.",
                hindered="Minutes arrive late.",
                now=_at(_working_days_back(today, 55)),
            )
    calendar = holidays.calendar()
    for n, (grade, theme, text) in enumerate(FINDINGS):
        finding = audits.finding_add(
            actor=admin,
            audit=audit,
            grade=grade,
            theme=theme,
            text=text,
            now=_at(_working_days_back(today, 45)),
        )
        if grade != "good" and la is not None:
            with clock_at(_at(_working_days_back(today, 40))):  # dates the owner's e-mail too
                audits.finding_action_add(
                    actor=admin,
                    finding=finding,
                    title="Record the child's own words at every core group"
                    if n == 1
                    else "Brief every team on Concerns Resolution",
                    owner=la,
                    due_on=calendar.add_working_days(today, 20 + 10 * n),
                    now=_at(_working_days_back(today, 40)),
                )
    return 1 + made


# The programmes of earlier years: (month planned, theme, title, criteria, agreed grades of the
# cases in turn, findings as (grade, theme, text)); the year is the programme's.
EARLIER_YEARS = 3
EARLIER_CASES = 12
EARLIER_AUDITS = (
    (
        6,
        "neglect",
        "Neglect audit",
        "Six children on a plan for neglect, chosen at random from the child index",
        ("good", "requires_improvement", "good", "requires_improvement", "inadequate", "good"),
        (
            ("good", "neglect", "The graded care profile is used well by health visitors."),
            (
                "requires_improvement",
                "neglect",
                "Plans drift when parents engage for a while and then stop.",
            ),
        ),
    ),
    (
        10,
        "domestic_abuse",
        "Domestic abuse and children audit",
        "Six children in households discussed at MARAC, chosen at random",
        ("requires_improvement", "good", "good", "outstanding", "requires_improvement", "good"),
        (
            (
                "good",
                "information_sharing",
                "Operation Encompass notifications reach schools before the school day.",
            ),
            (
                "requires_improvement",
                "voice_of_the_child",
                "The child's experience of the abuse is not always recorded.",
            ),
        ),
    ),
)


def _working_day_on_or_after(day: date) -> date:
    calendar = holidays.calendar()
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _earlier_audit(
    admin: Person,
    rng: random.Random,
    year: int,
    plan: tuple[Any, ...],
    tool: Any,
    agencies: list[Organisation],
    auditors: dict[int, Person | None],
    pupils: list[Pupil],
    index: int,
    la: Organisation | None,
) -> int:
    """One audit of an earlier year's programme, start to finish in that financial year:
    planned, answered by each agency, moderated, its findings agreed and an action done."""
    month, theme, title, criteria, agreed_grades, findings = plan
    planned = _working_day_on_or_after(date(year, month, 8))

    def after(days: int) -> datetime:
        return _at(_working_day_on_or_after(planned + timedelta(days=days)))

    audit = audits.audit_plan(
        actor=admin,
        title=f"{title} {year}",
        theme=theme,
        year=year,
        criteria=criteria,
        tool=tool,
        agencies=agencies,
        now=_at(planned),
    )
    sample = pupils[6 * index : 6 * index + len(agreed_grades)]
    cases = [audits.case_add(actor=admin, audit=audit, pupil=pupil) for pupil in sample]
    grades = list(rules.GRADES)
    for case, agreed in zip(cases, agreed_grades, strict=True):
        for organisation in agencies:
            auditor = auditors[organisation.pk]
            if auditor is None:
                continue
            middle = grades.index(agreed)
            answers = {
                n: (grades[min(3, max(0, middle + rng.choice([-1, 0, 0, 1])))], "")
                for n in range(1, len(AUDIT_QUESTIONS) + 1)
            }
            audits.case_answer(actor=auditor, case=case, answers=answers, now=after(21))
    audits.audit_moderate(
        actor=admin,
        audit=audit,
        notes="The agencies met and agreed a grade for each case.",
        agreed={case.pk: grade for case, grade in zip(cases, agreed_grades, strict=True)},
        now=after(42),
    )
    for grade, finding_theme, text in findings:
        finding = audits.finding_add(
            actor=admin, audit=audit, grade=grade, theme=finding_theme, text=text, now=after(49)
        )
        if grade != "good" and la is not None:
            with clock_at(after(50)):  # the owner's e-mail is dated by the demo's clock
                action = audits.finding_action_add(
                    actor=admin,
                    finding=finding,
                    title="Brief every team on the finding and check at the next audit",
                    owner=la,
                    due_on=after(100).date(),
                    now=after(50),
                )
            action_complete(
                actor=admin,
                action=action,
                evidence="Briefings given to every team; checked at the next audit.",
                completed_on=after(90).date(),
                now=after(90),
            )
    return 1
