"""Demo serious incidents for the synthetic partnership: one case or more in every state.

Every case is walked through the real services (so its clocks, audit rows and messages are what
the service itself would have written), each step under the demo's clock (``demo.clock_at``) at
its own moment in the story, counted in working days back from today: a referral is made on the
day the LA became aware (so its reference carries that year), the partners sign a Rapid Review
off before it is submitted, and requests and actions fall due on working days. The children and
narratives are invented; names come from the demo partnership's own name lists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from safeguard.core import demo_names as names
from safeguard.core import holidays
from safeguard.core.clock import LONDON, london_date
from safeguard.core.demo import clock_at
from safeguard.core.models import Organisation, Person
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.roles import Role
from safeguard.governance.services import meetings
from safeguard.reviews import rules
from safeguard.reviews.models import Incident, Theme
from safeguard.reviews.services import actions, csprs, discussion, learning
from safeguard.reviews.services import rapid_reviews as rr
from safeguard.reviews.services.decisions import incident_decide
from safeguard.reviews.services.past_cases import past_case_record
from safeguard.reviews.services.referrals import referral_save_draft, referral_submit

SERIOUS, DIED = "serious_harm", "died"
STORIES = (
    ("Infant admitted with unexplained fractures after an ambulance call.", SERIOUS, "suspected"),
    ("Toddler died at home; paramedics raised concerns about supervision.", DIED, "suspected"),
    (
        "Teenager seriously assaulted after going missing; known to exploitation services.",
        SERIOUS,
        "known",
    ),
    (
        "Child found with burns; the explanation given did not fit the injuries.",
        SERIOUS,
        "suspected",
    ),
    ("Baby died unexpectedly; parents had used alcohol; co-sleeping reported.", DIED, "suspected"),
    (
        "Young person took their own life; a history of neglect and domestic abuse at home.",
        DIED,
        "known",
    ),
    ("Child with complex health needs admitted severely malnourished.", SERIOUS, "suspected"),
    ("Sibling group harmed in a domestic abuse incident at the family home.", SERIOUS, "known"),
)
ETHNICITIES = (
    "White British",
    "Mixed White and Black Caribbean",
    "Asian British Pakistani",
    "Black British African",
    "White Other",
)


@dataclass
class Cast:
    bu: Person
    chair: Person
    decider: Person
    leads: list[Person]
    referrers: list[Person]
    agencies: list[Organisation]


def _cast() -> Cast | None:
    demo = Person.objects.filter(is_demo=True, is_active=True)

    def having(role: str) -> list[Person]:
        return list(demo.filter(role_assignments__role=role).order_by("pk"))

    bu = having(Role.BUSINESS_UNIT_OFFICER) or having(Role.BUSINESS_UNIT_ADMIN)
    chair = having(Role.INDEPENDENT_CHAIR)
    decider = having(Role.LA_DECISION_MAKER)
    leads = [p for p in having(Role.STATUTORY_PARTNER_LEAD) if p.organisation.statutory_partner]
    referrers = (
        having(Role.PRACTITIONER) + having(Role.POLICE_OFFICER) + having(Role.SCHOOL_DSL)[:2]
    )
    if not (bu and chair and decider and leads and referrers):
        return None
    agencies = list(Organisation.objects.filter(active=True).exclude(kind=OrganisationKind.SCHOOL))
    return Cast(bu[0], chair[0], decider[0], leads, referrers, agencies)


def _moment(day: date, hour: int = 11) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _after(day: date, n: int) -> date:
    """The n-th working day after ``day``: when a step of the story that takes n days happens."""
    return holidays.add_working_days(day, n)


def _working_days_ago(today: date, n: int) -> date:
    day, counted = today, 0
    calendar = holidays.calendar()
    while counted < n:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def _children(rng: random.Random, aware_on: date, how_many: int) -> list[rules.ChildDetails]:
    surname = rng.choice(names.SURNAMES)
    children = []
    for _ in range(how_many):
        band = rng.choice([(30, 330), (400, 1700), (2000, 4300), (4400, 6200)])
        age_days = rng.randint(*band)
        children.append(
            rules.ChildDetails(
                full_name=f"{rng.choice(names.GIVEN_NAMES)} {surname}",
                date_of_birth=aware_on - timedelta(days=age_days),
                gender=rng.choice(["female", "male"]),
                ethnicity=rng.choice(ETHNICITIES),
                address=f"{rng.randint(1, 120)} {rng.choice(names.PLACE_WORDS)} Road, {names.AREA}",
                identifiers=f"NHS 999 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            )
        )
    return children


def _refer(
    rng: random.Random, cast: Cast, *, aware_on: date, story: int, draft: bool = False
) -> Incident:
    summary, harm, abuse = STORIES[story % len(STORIES)]
    referrer = cast.referrers[story % len(cast.referrers)]
    values = {
        "incident_date": aware_on - timedelta(days=rng.randint(0, 2)),
        "la_aware_on": aware_on,
        "summary": summary,
        "harm": harm,
        "abuse_or_neglect": abuse,
        "referrer_view": rng.choice(["meets", "meets", "unsure"]),
        "referrer_reasons": "Abuse or neglect is suspected and the harm is serious.",
    }
    drafted = _moment(aware_on, 14)
    with clock_at(drafted):
        incident = referral_save_draft(
            actor=referrer,
            values=values,
            children=_children(rng, aware_on, 2 if story % 8 == 7 else 1),
            agencies=rng.sample(cast.agencies, k=min(3, len(cast.agencies))),
            now=drafted,
        )
    if draft:
        return incident
    submitted = _moment(aware_on, 15)
    with clock_at(submitted):
        return referral_submit(actor=referrer, incident=incident, now=submitted)


def _discuss(cast: Cast, incident: Incident, on: date) -> None:
    with clock_at(_moment(on, 10)):
        _meet(cast, incident, on)


def _meet(cast: Cast, incident: Incident, on: date) -> None:
    meeting = discussion.meeting_record(
        actor=cast.bu,
        incident=incident,
        kind="extraordinary_rag",
        held_on=on,
        invited_professionals="Named nurse, acute trust",
        minutes="Partners shared information and views. All agreed the criteria appear met.",
    )
    # The RAG's attendance is governance's, by organisation (ADR 0025).
    present = {lead.organisation_id: "present" for lead in cast.leads}
    present[cast.bu.organisation_id] = "present"
    meetings.attendance_record(actor=cast.bu, meeting=meeting.sitting, statuses=present)
    for lead in cast.leads:
        discussion.contribution_add(
            actor=lead,
            incident=incident,
            information="Agency records checked; contact with the family in the last year.",
            opinion="In our view the criteria for notification are met.",
            meeting=meeting,
        )


def _notify(cast: Cast, incident: Incident, on: date, decision: str = "notify") -> Incident:
    with clock_at(_moment(on)):
        return _decide(cast, incident, on, decision)


def _decide(cast: Cast, incident: Incident, on: date, decision: str) -> Incident:
    return incident_decide(
        actor=cast.decider,
        incident=incident,
        decision=decision,
        rationale="Considered with all statutory partners at an extraordinary RAG meeting."
        if decision == "notify"
        else "After enquiries, abuse or neglect is not suspected; the criteria are not met.",
        panel_notified_on=on if decision == "notify" else None,
        panel_reference=f"CSPRP-{incident.pk:05d}" if decision == "notify" else "",
        now=_moment(on),
    )


def _review(cast: Cast, incident: Incident, on: date, *, cspr: bool, complete: bool) -> date:
    """Ask the partners for their information on ``on``; with ``complete``, receive it, record
    the review and have every partner sign it off. Returns the day the last one signed."""
    incident.refresh_from_db()
    due_on = _after(on, 5)
    received_on = _after(on, 4 if complete else 2)  # a review under way: the first came early
    for org in {lead.organisation for lead in cast.leads}:
        with clock_at(_moment(on, 12)):
            request = rr.agency_request_add(
                actor=cast.bu, incident=incident, organisation=org, due_on=due_on
            )
        if complete or org == cast.leads[0].organisation:
            with clock_at(_moment(received_on)):
                rr.agency_request_receive(
                    actor=cast.bu,
                    request=request,
                    summary="Individual agency summary.",
                    chronology="Chronology of contact.",
                    received_on=received_on,
                )
    if not complete:
        return on
    with clock_at(_moment(_after(on, 6), 14)):
        rr.rapid_review_record(
            actor=cast.bu,
            incident=incident,
            immediate_actions="Siblings' safety checked; a strategy discussion was held.",
            learning="Professional curiosity about explanations; escalation between agencies.",
            cspr_recommended=cspr,
            regulation_11_criteria=["recurrent_themes", "agencies_working_together"]
            if cspr
            else [],
            cspr_rationale="Wider learning across agencies is likely."
            if cspr
            else "Learning captured.",
        )
    signed_on = _after(on, 7)
    for hour, lead in enumerate(cast.leads, start=10):
        with clock_at(_moment(signed_on, hour)):
            rr.rapid_review_sign_off(actor=lead, incident=incident)
    return signed_on


def _submit(cast: Cast, incident: Incident, on: date, respond: bool) -> None:
    incident.refresh_from_db()
    with clock_at(_moment(on, 16)):
        rr.rapid_review_submit(actor=cast.bu, incident=incident, submitted_on=on)
    if respond:
        responded_on = _after(on, 10)
        with clock_at(_moment(responded_on)):
            rr.panel_response_record(
                actor=cast.bu,
                incident=incident,
                response="local_cspr" if incident.rapid_review.cspr_recommended else "no_review",
                responded_on=responded_on,
                comments="Clear recommendations and learning points.",
            )


def _actions_and_learning(
    cast: Cast, incident: Incident, on: date, *, done: bool, health: Organisation | None = None
) -> None:
    """Actions due on working days 40, 80 and 120 after ``on``; the first (or, with ``done``,
    every one) completed by the 20th working day, before its due date. ``health``, the hospital
    trust, gets one more, due four working days after the last."""
    incident.refresh_from_db()
    with clock_at(_moment(on, 10)):
        recommendation = actions.recommendation_add(
            actor=cast.bu,
            incident=incident,
            text="Partners strengthen professional curiosity in supervision.",
        )
    for index, lead in enumerate(cast.leads):
        due = _after(on, 40 * (index + 1))
        with clock_at(_moment(on, 11)):
            action = actions.action_add(
                actor=cast.bu,
                recommendation=recommendation,
                description="Brief practitioners and audit use of professional curiosity.",
                owner_organisation=lead.organisation,
                due_on=due,
            )
        if done or index == 0:
            with clock_at(_moment(_after(on, 20), 14 + index)):
                actions.action_update(
                    actor=cast.bu,
                    action=action,
                    status="completed",
                    evidence_of_completion="Briefings delivered to all teams.",
                    evidence_of_impact="Case audit shows improvement.",
                )
    if health is not None:
        with clock_at(_moment(on, 12)):
            actions.action_add(
                actor=cast.bu,
                recommendation=recommendation,
                description="Audit safeguarding supervision of emergency department staff.",
                owner_organisation=health,
                due_on=_after(on, 40 * len(cast.leads) + 4),
            )
    themes = Theme.objects.filter(name__in=["Professional curiosity", "Escalation processes"])
    with clock_at(_moment(on, 15)):
        sheet = learning.learning_sheet_save(
            actor=cast.bu,
            incident=incident,
            title="Accepting an account of an injury without challenge",
            what_happened="A young child was seriously harmed at home. Several agencies knew them.",
            good_practice="Prompt information sharing once concerns were raised.",
            learning="Explanations for injuries were accepted without challenge.",
            do_differently="Ask, check and escalate when an account does not fit.",
            themes=themes,
        )
        learning.learning_sheet_publish(actor=cast.bu, sheet=sheet)
    with clock_at(_moment(on, 16)):
        learning.dissemination_add(
            actor=cast.bu,
            sheet=sheet,
            kind="briefing",
            audience="Practitioner briefing, all agencies",
            held_on=on,
        )


def _past_case(
    rng: random.Random,
    cast: Cast,
    *,
    number: int,
    aware_on: date,
    story: int,
    close: bool = True,
    **steps: object,
) -> Incident:
    """A case from before the partnership used Safeguard, recorded afterwards through the real
    service with its real dates (so its clocks are met on those dates and nobody is emailed),
    then closed (its learning long since shared)."""
    summary, harm, abuse = STORIES[story % len(STORIES)]
    referrer = cast.referrers[story % len(cast.referrers)]
    values = {
        "incident_date": aware_on - timedelta(days=1),
        "la_aware_on": aware_on,
        "summary": summary,
        "harm": harm,
        "abuse_or_neglect": abuse,
        "referrer_view": "meets",
        "referrer_reasons": "Abuse or neglect was suspected and the harm was serious.",
    }
    fields: dict[str, object] = {
        "decision": "notify",
        "decided_on": _after(aware_on, 3),
        "rationale": "Recorded from the partnership's records before Safeguard.",
    }
    fields.update(steps)
    recorded = _moment(aware_on) + timedelta(days=900)
    with clock_at(min(recorded, timezone.now())):
        incident, _ = past_case_record(
            actor=cast.bu,
            sender_reference=f"DEMO-PAST-{number}",
            referring_organisation=referrer.organisation,
            values=values,
            children=_children(rng, aware_on, 1),
            steps=rules.PastSteps(**fields),  # type: ignore[arg-type]
            agencies=rng.sample(cast.agencies, k=min(2, len(cast.agencies))),
        )
        if close and incident.status == "actions":
            incident = actions.case_close(actor=cast.bu, incident=incident)
    return incident


def _past_cases(rng: random.Random, cast: Cast, today: date) -> int:
    """Four past cases in the two reporting years before the live ones, so that the oversight
    page's default four years read like the annual report's table: a decision not to notify, a
    Rapid Review with no further review, a CSPR published within 6 months, and a Rapid Review
    submitted late that the Panel took into a national review."""
    first = (today.year if today.month >= 4 else today.year - 1) - 3  # four reporting years
    not_notified = date(first, 6, 13)
    _past_case(
        rng,
        cast,
        number=1,
        aware_on=not_notified,
        story=2,
        decision="do_not_notify",
        decided_on=_after(not_notified, 4),
    )
    reviewed = date(first, 10, 2)
    notified = _after(reviewed, 2)
    submitted = _after(notified, 14)
    _past_case(
        rng,
        cast,
        number=2,
        aware_on=reviewed,
        story=0,
        decided_on=notified,
        panel_notified_on=notified,
        panel_reference=f"CSPRP-{first}-118",
        rapid_review_submitted_on=submitted,
        cspr_recommended=False,
        panel_response="no_review",
        panel_response_on=_after(submitted, 10),
    )
    cspr_case = date(first + 1, 5, 14)
    notified = _after(cspr_case, 3)
    submitted = _after(notified, 15)
    responded = _after(submitted, 8)
    initiated = _after(responded, 20)
    _past_case(
        rng,
        cast,
        number=3,
        aware_on=cspr_case,
        story=5,
        decided_on=notified,
        panel_notified_on=notified,
        panel_reference=f"CSPRP-{first + 1}-042",
        rapid_review_submitted_on=submitted,
        cspr_recommended=True,
        panel_response="local_cspr",
        panel_response_on=responded,
        cspr_reviewer="Independent reviewer (fictional)",
        cspr_commissioned_on=_after(responded, 5),
        cspr_initiated_on=initiated,
        cspr_published_on=rules.add_months(initiated, 5),
    )
    late = date(first + 1, 11, 20)
    notified = _after(late, 5)
    submitted = _after(notified, 19)
    _past_case(
        rng,
        cast,
        number=4,
        aware_on=late,
        story=1,
        decided_on=notified,
        panel_notified_on=notified,
        panel_reference=f"CSPRP-{first + 1}-210",
        rapid_review_submitted_on=submitted,
        cspr_recommended=True,
        panel_response="national_review",
        panel_response_on=_after(submitted, 12),
    )
    return 4


# A fictional final report: enough of a PDF for the type check (its first bytes), no one named.
DEMO_REPORT = b"%PDF-1.4\n% Fictional CSPR final report for the demo partnership\n%%EOF\n"


def add_demo_cases(*, seed: int) -> int:
    """Create the demo cases; returns how many. Needs the demo partnership's people.

    Today is the demo clock's: the kernel's ``create_demo_partnership`` sets it.
    """
    cast = _cast()
    if cast is None:
        return 0
    # Migration 0002 seeds the themes; a database emptied since (a test's flush) lacks them.
    for name in rules.SEED_THEMES:
        Theme.objects.get_or_create(name=name)
    rng = random.Random(f"reviews:{seed}")
    today = london_date(timezone.now())
    made = 0
    ago = lambda n: _working_days_ago(today, n)  # noqa: E731

    _refer(rng, cast, aware_on=ago(1), story=0, draft=True)  # a draft
    made += 1
    waiting = _refer(rng, cast, aware_on=ago(2), story=1)  # awaiting the decision
    _discuss(cast, waiting, ago(1))
    made += 1
    not_notified = _refer(rng, cast, aware_on=ago(25), story=2)
    _notify(cast, not_notified, ago(22), decision="do_not_notify")
    made += 1
    # Rapid Review under way: the partners' information is due in two working days.
    open_review = _refer(rng, cast, aware_on=ago(7), story=3)
    _discuss(cast, open_review, ago(6))
    _notify(cast, open_review, ago(5))
    _review(cast, open_review, ago(3), cspr=False, complete=False)
    made += 1
    submitted = _refer(rng, cast, aware_on=ago(30), story=4)  # with the Panel
    _notify(cast, submitted, ago(27))
    _review(cast, submitted, ago(26), cspr=False, complete=True)
    _submit(cast, submitted, ago(14), respond=False)
    made += 1
    in_cspr = _refer(rng, cast, aware_on=ago(110), story=5)  # CSPR in progress
    _notify(cast, in_cspr, ago(106))
    _review(cast, in_cspr, ago(105), cspr=True, complete=True)
    _submit(cast, in_cspr, ago(92), respond=True)
    in_cspr.refresh_from_db()
    with clock_at(_moment(ago(55))):
        csprs.cspr_record(
            actor=cast.bu,
            incident=in_cspr,
            reviewer="Independent reviewer (fictional)",
            terms_of_reference="Multi-agency practice in the 12 months before the incident.",
            commissioned_on=ago(60),
            initiated_on=ago(55),
            progress="Practitioner event held.",
        )
    made += 1
    acting = _refer(rng, cast, aware_on=ago(300), story=6)  # actions and learning after a CSPR
    _notify(cast, acting, ago(297))
    _review(cast, acting, ago(296), cspr=True, complete=True)
    _submit(cast, acting, ago(283), respond=True)
    acting.refresh_from_db()
    with clock_at(_moment(ago(255))):
        csprs.cspr_record(
            actor=cast.bu,
            incident=acting,
            reviewer="Independent reviewer (fictional)",
            terms_of_reference="How agencies worked together with a child with complex health"
            " needs.",
            commissioned_on=ago(260),
            initiated_on=ago(255),
            joint_with=f"{names.AREA} Safeguarding Adults Board",
        )
    with clock_at(_moment(ago(152))):
        csprs.cspr_report_attach(
            actor=cast.bu, incident=acting, name="cspr-final-report.pdf", content=DEMO_REPORT
        )
        csprs.cspr_report_sent(actor=cast.bu, incident=acting, sent_on=ago(152))
    with clock_at(_moment(ago(140))):
        csprs.cspr_publish(
            actor=cast.bu,
            incident=acting,
            published_on=ago(140),
            link=f"https://www.example.org/{names.EMAIL_DOMAIN}/cspr-report",
        )
    hospital = Organisation.objects.filter(people__email=f"subgroup@{names.EMAIL_DOMAIN}").first()
    _actions_and_learning(cast, acting, ago(120), done=False, health=hospital)
    made += 1
    closed = _refer(rng, cast, aware_on=ago(400), story=7)  # closed, learning shared
    _notify(cast, closed, ago(397))
    _review(cast, closed, ago(396), cspr=False, complete=True)
    _submit(cast, closed, ago(384), respond=True)
    _actions_and_learning(cast, closed, ago(360), done=True)
    closed.refresh_from_db()
    with clock_at(_moment(ago(330))):
        actions.case_close(actor=cast.bu, incident=closed)
    made += 1
    made += _past_cases(rng, cast, today)
    return made
