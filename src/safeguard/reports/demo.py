"""The demo partnership's funding, priorities and annual reports, written through the real
services and back-dated on the demo clock.

- Funding: the four partners' contributions for the seed's two years (2021/22, 2022/23) and
  every year from the one before the published report's period to the year now running, in
  the proportions of the seed's table.
- Priorities: the seed's three (domestic abuse and its impact on children, vulnerable learners,
  exploitation), each with a lead, evidence and dated progress updates.
- The report for the two most recent complete financial years (``published_period``: April
  2024 to March 2026 when the demo's today is December 2026), where the modules' demo records
  are, so its tables show figures: every section written, reviewed and signed off, published
  in the summer after its period. And the report for the year now running being written, its
  sections in every state of the workflow (signed off, awaiting a partner's sign-off, with its
  owner, sent back, not started). Any other period, the seed's 2021 to 2023 among them, is
  started from "Start an annual report" (or ``reports.report_create``) and counted the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from safeguard.core.clock import LONDON, london_date
from safeguard.core.demo import clock_at
from safeguard.core.models import Organisation, Person
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.roles import Role
from safeguard.governance.models import Inspection, NamedSource
from safeguard.governance.services import funding, priorities
from safeguard.reports.models import Narrative
from safeguard.reports.services import narratives, reports

TEXTS = {
    "chair_introduction": (
        "This report has been informed by the safeguarding partners and scrutinised by me as "
        "Independent Chair. It looks at our priorities, the progress made, the impact on "
        "children and families, and the areas that still need to improve.\n\n"
        "The safeguarding system in the area is strong. I would ask the partnership to keep "
        "four messages in front of it: meet children's needs earlier; keep schools fully "
        "engaged; make sure every partner knows how to escalate a serious concern; and seek "
        "assurance about the experiences of care leavers."
    ),
    "system_summary": (
        "The area has about 171,000 children and young people. Around one in five residents "
        "lives in a neighbourhood among the most deprived tenth in England, and the "
        "partnership's work reflects the pressures families face there."
    ),
    "key_learning": (
        "Poverty, the experiences of children in care and care leavers, early help and the "
        "engagement of the education sector run through this report's learning."
    ),
    "arrangements": (
        "The three statutory partners (the council, the police and the Integrated Care Board) "
        "lead the partnership through its Executive, supported by the Business Unit and "
        "scrutinised by the Independent Chair. Subgroups carry the work between meetings."
    ),
    "learning_from_reviews": (
        "Themes from the period's Rapid Reviews: professional curiosity, the voice of the "
        "child, domestic abuse, and agencies' differing assessments of risk."
    ),
    "external_inspections": (
        "Ofsted's inspection of children's services found practice of a consistently high "
        "standard; the police effectiveness inspection found effective governance for "
        "protecting vulnerable people. Their recommendations are on the action plan."
    ),
}

# The seed's contributions in 2022/23; other years move from these.
SHARES = {
    OrganisationKind.LOCAL_AUTHORITY: (
        Decimal("234675"),
        "The Business Unit's staff and the Independent Chair",
    ),
    OrganisationKind.ICB: (Decimal("150300"), "Learning and development, and the review programme"),
    OrganisationKind.POLICE: (Decimal("26102"), "Multi-agency audits and the child death review"),
    OrganisationKind.PROBATION: (Decimal("6000"), "The Business Unit's running costs"),
}
# The seed's two years; then each year from the one before the published report's period
# grows on 2022/23 by this much a year (``_years``).
SEED_YEARS = {2021: Decimal("0.97"), 2022: Decimal("1")}
GROWTH = Decimal("0.02")
# The published report's sections are signed off in June and it is published in July after
# its period ends (the seed's was published in the summer after March 2023).
PUBLISHED_ON = (7, 3)


def published_period(today: date) -> tuple[date, date]:
    """The two most recent complete financial years whose report the demo can already have
    published by ``today`` (a week's margin): 1 April 2024 to 31 March 2026 for December 2026;
    in April to early July, the pair ending a year earlier."""
    end_year = today.year if today >= date(today.year, 4, 1) else today.year - 1
    if date(end_year, *PUBLISHED_ON) > today - timedelta(days=7):
        end_year -= 1
    return date(end_year - 2, 4, 1), date(end_year, 3, 31)


def _years(today: date) -> dict[int, Decimal]:
    start, _ = published_period(today)
    running = today.year if today >= date(today.year, 4, 1) else today.year - 1
    years = dict(SEED_YEARS)
    for year in range(start.year - 1, running + 1):
        years.setdefault(year, 1 + GROWTH * (year - 2022))
    return years


@contextmanager
def _on(day: date, hour: int = 11) -> Iterator[None]:
    with clock_at(datetime.combine(day, time(hour), tzinfo=LONDON)):
        yield


def _person(role: str, organisation: Organisation | None = None) -> Person | None:
    found = Person.objects.filter(is_demo=True, is_active=True, role_assignments__role=role)
    if organisation is not None:
        found = found.filter(organisation=organisation)
    return found.order_by("pk").first()


def _organisation(kind: str) -> Organisation | None:
    found = Organisation.objects.filter(kind=kind, active=True)
    return (found.filter(statutory_partner=True).first() or found.first()) if found else None


def _funding(unit: Person, today: date) -> int:
    made = 0
    for kind, (amount, funds) in SHARES.items():
        partner = _organisation(kind)
        if partner is None:
            continue
        for year, factor in _years(today).items():
            with _on(date(year, 4, 20)):
                funding.funding_record(
                    actor=unit,
                    organisation=partner,
                    year_start=date(year, 4, 1),
                    amount=(amount * factor).quantize(Decimal("1")),
                    funds=funds,
                )
            made += 1
    return made


def _priorities(unit: Person, leads: dict[str, Person]) -> None:
    la, police = leads[OrganisationKind.LOCAL_AUTHORITY], leads[OrganisationKind.POLICE]
    inspection = Inspection.objects.order_by("pk").first()
    audit = NamedSource.objects.order_by("pk").first()
    with _on(date(2018, 9, 3)):
        abuse = priorities.priority_create(
            actor=unit,
            title="Children and young people experiencing domestic abuse",
            description=(
                "Assurance across the system for children growing up in a household with "
                "domestic abuse: that they are seen, heard and supported as victims."
            ),
            lead_organisation=la.organisation,
            lead_person=la,
            starts_on=date(2018, 9, 3),
        )
        learners = priorities.priority_create(
            actor=unit,
            title="Vulnerable learners",
            description=(
                "Children who do not attend mainstream school, children with special "
                "educational needs and safeguarding concerns, children missing education."
            ),
            lead_organisation=la.organisation,
            starts_on=date(2018, 9, 3),
        )
        exploitation = priorities.priority_create(
            actor=unit,
            title="Exploitation of children and young people",
            description="Identify, prevent, support and protect, and disrupt those who harm.",
            lead_organisation=police.organisation,
            lead_person=police,
            starts_on=date(2018, 9, 3),
        )
    with _on(date(2022, 4, 25)):
        priorities.evidence_add(
            actor=unit,
            priority=abuse,
            title="The scorecard: Operation Encompass notifications",
            url="/performance/",
        )
        if audit is not None:
            priorities.evidence_add(
                actor=unit,
                priority=abuse,
                title=f"{audit.name}",
                source_kind=f"governance.{audit.kind}",
                source_id=str(audit.pk),
            )
        if inspection is not None:
            priorities.evidence_add(
                actor=unit,
                priority=exploitation,
                title=inspection.title,
                source_kind="governance.inspection",
                source_id=str(inspection.pk),
            )
        priorities.evidence_add(
            actor=unit,
            priority=learners,
            title="Elective home education: the notification form's domestic abuse question",
            url="https://www.gov.uk/government/publications/elective-home-education",
        )
    updates = (
        (
            abuse,
            la,
            date(2021, 12, 10),
            "Police guidance to front-line officers: record every child in the household.",
        ),
        (
            abuse,
            la,
            date(2022, 4, 12),
            "Operation Encompass task-and-finish group set up with schools' DSLs.",
        ),
        (
            abuse,
            la,
            date(2024, 11, 6),
            "All schools now receive notifications before the next school day.",
        ),
        (
            exploitation,
            police,
            date(2022, 6, 15),
            "MACE contextual meetings twice a month; ten clusters identified.",
        ),
        (
            exploitation,
            police,
            date(2025, 2, 3),
            "Screening tool agreed across agencies after the JTAI.",
        ),
        (learners, unit, date(2023, 1, 20), "Review scoped with the Education Reference Group."),
        (
            learners,
            unit,
            date(2025, 5, 14),
            "Findings on children missing education presented to the Executive.",
        ),
    )
    for priority, who, on, text in updates:
        with _on(on, 15):
            priorities.progress_record(actor=who, priority=priority, on=on, text=text)


def _sign(
    unit: Person,
    chair: Person,
    leads: dict[str, Person],
    item: Narrative,
    day: date,
    *,
    upto: str,
    partners: int = 3,
) -> None:
    """Take one section through the workflow as far as ``upto``."""
    owner = chair if item.key == "chair_introduction" else unit
    with _on(day, 10):
        narratives.narrative_write(
            actor=unit, narrative=item, body=TEXTS.get(item.key, "To follow."), owner=owner
        )
    if upto == "draft":
        return
    with _on(day, 11):
        narratives.narrative_submit(actor=unit, narrative=item)
    if upto == "in_review":
        return
    if upto == "returned":
        with _on(day, 14):
            narratives.narrative_review(
                actor=owner,
                narrative=item,
                approve=False,
                comment="Add this year's figures for schools.",
            )
        return
    with _on(day, 14):
        narratives.narrative_review(actor=owner, narrative=item, approve=True)
    for n, lead in enumerate(list(leads.values())[:partners]):
        with _on(day, 15 + n):
            narratives.narrative_sign_off(actor=lead, narrative=item)


def add_demo_report(*, seed: int) -> int:
    """Funding, priorities and the two reports; returns the number of narrative sections."""
    unit = _person(Role.BUSINESS_UNIT_OFFICER)
    chair = _person(Role.INDEPENDENT_CHAIR)
    leads: dict[str, Person] = {}
    for kind in (OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.POLICE, OrganisationKind.ICB):
        organisation = Organisation.objects.filter(kind=kind, statutory_partner=True).first()
        lead = _person(Role.STATUTORY_PARTNER_LEAD, organisation) if organisation else None
        if lead is None and kind == OrganisationKind.LOCAL_AUTHORITY and organisation:
            lead = _person(Role.LA_DECISION_MAKER, organisation)
        if lead is not None:
            leads[kind] = lead
    if unit is None or chair is None or len(leads) < 3:
        return 0
    today = london_date(timezone.now())
    _funding(unit, today)
    _priorities(unit, leads)

    start, end = published_period(today)
    with _on(date(end.year, 4, 17)):
        published = reports.report_create(
            actor=unit,
            title=f"Annual report {start.year} to {end.year}",
            period_start=start,
            period_end=end,
        )
    for item in published.narratives.order_by("pk"):
        _sign(unit, chair, leads, item, date(end.year, 6, 12), upto="signed_off")
    with _on(date(end.year, *PUBLISHED_ON), 12):
        reports.report_publish(actor=unit, report=published)

    # The next report, for the year now running, started after the last was published.
    running = end.year + 1 if today >= date(end.year + 1, 4, 1) else end.year
    started = max(date(end.year, *PUBLISHED_ON) + timedelta(days=1), today - timedelta(days=60))
    with _on(started):
        draft = reports.report_create(
            actor=unit,
            title=f"Annual report {running} to {running + 1}",
            period_start=date(running, 4, 1),
            period_end=date(running + 1, 3, 31),
        )
    states = {
        "chair_introduction": ("in_review", 3),
        "system_summary": ("signed_off", 3),
        "key_learning": ("signed_off", 2),
        "arrangements": ("signed_off", 3),
        "learning_from_reviews": ("returned", 0),
    }
    written = max(today - timedelta(days=7), started + timedelta(days=1))
    for item in draft.narratives.order_by("pk"):
        upto, partners = states.get(item.key, ("none", 0))
        if upto != "none":
            _sign(unit, chair, leads, item, written, upto=upto, partners=partners)
    return Narrative.objects.filter(report__in=[published, draft]).count()
