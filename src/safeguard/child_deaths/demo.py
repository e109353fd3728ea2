"""Demo child deaths for the synthetic partnership: a year of deaths across the ten categories,
with reviews in every state, each walked through the real services at its own moment in the
story (``core.demo.clock_at``). Every child, postcode and area is invented: the deprivation
lookup is a SYNTHETIC file in the official column layout (fictional "WM" postcodes, LSOA codes
``E01999xxx`` that no real area has), imported by the real importer.

No clock the demo leaves is overdue (the demo month looks normal): deaths still under review
have their forms asked recently and their JAR steps done on time.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TypedDict

from django.utils import timezone

from safeguard.child_deaths import rules
from safeguard.child_deaths.importers.deprivation import read_areas, read_postcodes
from safeguard.child_deaths.models import Death
from safeguard.child_deaths.selectors.deaths import agencies_answers
from safeguard.child_deaths.services import jar as jar_services
from safeguard.child_deaths.services.actions import learning_action_add
from safeguard.child_deaths.services.deprivation import deprivation_replace
from safeguard.child_deaths.services.notifications import NotifiedDeath, notification_receive
from safeguard.child_deaths.services.reporting import form_request, form_return
from safeguard.child_deaths.services.reviews import cdr_meeting_record, review_complete
from safeguard.core import demo_names as names
from safeguard.core import holidays
from safeguard.core.clock import LONDON, london_date
from safeguard.core.demo import clock_at
from safeguard.core.models import Group, Membership, Organisation, Person
from safeguard.core.models.organisations import GroupKind, MembershipRole, OrganisationKind
from safeguard.core.roles import Role

SYNTHETIC_ACTIONS = (
    "Give safe sleep advice at every health visitor contact",
    "Add water safety to the school summer assemblies",
    "Check that every asthma care plan names the reliever inhaler's place",
)
AREAS = 40
DEATHS = 26
STILLBIRTH_INDEX = 17  # a perinatal death (categories[7]) reviewed months ago
IMD_HEADER = (
    "LSOA code (2011)",
    "LSOA name (2011)",
    "Local Authority District code (2019)",
    "Local Authority District name (2019)",
    "Index of Multiple Deprivation (IMD) Score",
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
)


def synthetic_imd_csv(rng: random.Random) -> str:
    """A SYNTHETIC IoD file in the official layout: 40 invented areas, a quarter in decile 1."""
    lines = [",".join(f'"{h}"' for h in IMD_HEADER)]
    for n in range(1, AREAS + 1):
        decile = 1 if n <= AREAS // 4 else rng.randint(2, 10)
        rank = (decile - 1) * 3284 + rng.randint(1, 3284)
        lines.append(
            f"E01999{n:03d},{names.AREA} {n:03d}A,E06000999,{names.AREA},"
            f"{40 - decile * 3.5:.3f},{rank},{decile}"
        )
    return "\n".join(lines) + "\n"


def synthetic_postcodes_csv() -> str:
    lines = ["pcds,lsoa11"]
    for n in range(1, AREAS + 1):
        lines.append(f"WM{1 + n // 10} {n % 10}AB,E01999{n:03d}")
    return "\n".join(lines) + "\n"


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _team() -> tuple[Person | None, list[Organisation]]:
    """The CDOP's first member who may work the module, and the agencies that know children."""
    member = (
        Person.objects.filter(
            is_demo=True,
            memberships__group__kind=GroupKind.CDOP,
            role_assignments__role__in=[Role.BUSINESS_UNIT_OFFICER, Role.SUBGROUP_MEMBER],
        )
        .order_by("pk")
        .first()
    )
    agencies = list(
        Organisation.objects.filter(active=True)
        .exclude(kind__in=[OrganisationKind.SCHOOL, OrganisationKind.PARTNERSHIP])
        .order_by("pk")
    )
    return member, agencies


def _designated_doctors_team(rng: random.Random) -> None:
    """The designated doctor's team: health practitioners who advise the CDOP. A partnership may
    also make them a CDOP-kind group of their own (the policy accepts either); the demo keeps
    the kernel's list of groups and adds them to the panel as advisers."""
    panel = Group.objects.filter(kind=GroupKind.CDOP, active=True).order_by("pk").first()
    if panel is None:
        return
    doctors = Person.objects.filter(
        is_demo=True,
        role_assignments__role=Role.PRACTITIONER,
        organisation__kind__in=[OrganisationKind.HEALTH_TRUST, OrganisationKind.ICB],
    ).order_by("pk")[:2]
    for person in doctors:
        Membership.objects.get_or_create(
            group=panel, person=person, defaults={"role": MembershipRole.ADVISER}
        )


def add_demo_deaths(*, seed: int) -> int:
    rng = random.Random(seed * 14 + 1)
    member, agencies = _team()
    if member is None or len(agencies) < 3:
        return 0
    _designated_doctors_team(rng)
    now = timezone.now()
    today = london_date(now)
    with clock_at(now - timedelta(days=380)):
        deprivation_replace(
            actor=member,
            areas=read_areas(synthetic_imd_csv(rng)),
            postcodes=read_postcodes(synthetic_postcodes_csv()),
        )
    categories = [code for code, _ in rules.CATEGORIES]
    made = 0
    for index in range(DEATHS):
        days_ago = 4 + index * 14
        died_on = today - timedelta(days=days_ago)
        made += _one_death(rng, member, agencies, index, died_on, today, categories)
    return made


def _one_death(
    rng: random.Random,
    member: Person,
    agencies: list[Organisation],
    index: int,
    died_on: date,
    today: date,
    categories: list[str],
) -> int:
    category = categories[index % len(categories)]
    neonatal = category == "perinatal_neonatal"
    unexpected = (
        category
        in (
            "deliberately_inflicted",
            "suicide_self_harm",
            "trauma_external",
            "sudden_unexpected_unexplained",
        )
        or index % 5 == 0
    )
    age_days = (
        rng.randint(0, 20)
        if neonatal
        else rng.choice([rng.randint(40, 330), rng.randint(400, 1700), rng.randint(2000, 6300)])
    )
    postcode_n = rng.randint(1, AREAS) if index % 2 else rng.randint(1, AREAS // 4)
    notifier = agencies[index % len(agencies)]
    died_at = _moment(died_on, 3 + index % 18)
    place = rng.choice(["hospital", "hospital", "home", "hospice", "public_place"])
    # One perinatal death is a suspected stillbirth at home (the notification form's question
    # since April 2021): born at home with no signs of life, so it has a JAR of its own.
    stillbirth = index == STILLBIRTH_INDEX
    if stillbirth:
        age_days, place, unexpected = 0, "home", True
    details = NotifiedDeath(
        full_name=f"{rng.choice(names.GIVEN_NAMES)} {rng.choice(names.SURNAMES)}",
        born_on=died_on - timedelta(days=age_days),
        died_at=died_at,
        place=place,
        expected=not unexpected,
        suspected_home_stillbirth=rules.YES if stillbirth else rules.NO,
        gender=rng.choice(["female", "male"]),
        ethnicity=rng.choice(["white", "white", "white", "asian", "black", "mixed", "other"]),
        home_postcode=f"WM{1 + postcode_n // 10} {postcode_n % 10}AB",
        what_is_known="Synthetic demo death: no real child.",
    )
    notified_at = died_at + timedelta(hours=rng.randint(2, 20))
    with clock_at(notified_at):
        notification, _ = notification_receive(
            actor=member, organisation=notifier, details=details, now=notified_at
        )
    death = notification.death
    if index % 6 == 1:
        # A second agency tells us of the same death: recognised, linked, not counted twice.
        second = agencies[(index + 1) % len(agencies)]
        with clock_at(notified_at + timedelta(hours=3)):
            notification_receive(
                actor=member,
                organisation=second,
                details=details,
                now=notified_at + timedelta(hours=3),
            )
    age = (today - died_on).days
    if unexpected:
        _jar(death, member, notified_at, age)
    if age < 8:
        return 1  # notified this week: nothing else yet
    # Forms: asked 5 working days ago for the open deaths (due in the future), at the start else.
    asked_on = _working_days_ago(today, 5) if age < 60 else died_on + timedelta(days=3)
    asked = [agencies[(index + k) % len(agencies)] for k in range(3)]
    for k, agency in enumerate(asked):
        at = _moment(asked_on, 9)
        with clock_at(at):
            form = form_request(actor=member, death=death, organisation=agency, now=at)
        if age >= 60 or k == 0:
            back = _moment(asked_on + timedelta(days=4 + k), 15)
            if back >= timezone.now():
                continue
            with clock_at(back):
                form_return(
                    actor=member,
                    form=form,
                    involvement="Synthetic demo: the agency's involvement.",
                    **_social_answers(index, k, deprived=index % 2 == 0),
                    supplementary_kind="sudi_sudc"
                    if category == "sudden_unexpected_unexplained"
                    else "",
                    supplementary=_sudi_answers()
                    if category == "sudden_unexpected_unexplained"
                    else {},
                    now=back,
                )
    if age < 60:
        return 1
    meeting_on = died_on + timedelta(days=45)
    with clock_at(_moment(meeting_on, 14)):
        cdr_meeting_record(actor=member, death=death, held_on=meeting_on)
    if age < 120:
        return 1
    panel_on = died_on + timedelta(days=100 + rng.randint(0, 60))
    if panel_on >= today:
        return 1
    findings = {
        code: rules.DomainFinding(
            level=rng.choice(["none", "contributory", "not_known"]),
        )
        for code, _ in rules.DOMAINS
    }
    if index % 3 == 0:
        findings["physical"] = rules.DomainFinding("contributory", modifiable=True)
    agencies_said = agencies_answers(death)  # the panel starts from the agencies' answers
    with clock_at(_moment(panel_on, 16)):
        review_complete(
            actor=member,
            death=death,
            panel_meeting_on=panel_on,
            categories=[category] + ([categories[-1]] if index % 4 == 0 else []),
            findings=findings,
            learning="Synthetic demo learning for the panel's annual report.",
            poverty=agencies_said.poverty,
            barriers=agencies_said.barriers,
            barrier_kinds=list(agencies_said.barrier_kinds),
            now=_moment(panel_on, 16),
        )
    if index % 5 == 0:
        # The panel's learning becomes an action on the shared plan, due well ahead.
        with clock_at(_moment(panel_on, 17)):
            learning_action_add(
                actor=member,
                death=death,
                title=SYNTHETIC_ACTIONS[index % len(SYNTHETIC_ACTIONS)],
                owner_organisation=agencies[index % len(agencies)],
                due_on=holidays.next_working_day(today + timedelta(days=59 + index)),
            )
    return 1


class _Social(TypedDict, total=False):
    poverty: str
    barriers: str
    barrier_kinds: list[str]
    barriers_detail: str


def _social_answers(index: int, k: int, *, deprived: bool) -> _Social:
    """The reporting form's poverty and barriers answers: the first agency asked knows most
    (poverty where the home is in the most deprived tenth, barriers of language or cost for a
    few families); the others often do not know."""
    if k:
        return {"poverty": rules.NOT_KNOWN if k == 2 else rules.NO, "barriers": rules.NO}
    barriers = index % 7 == 3
    return {
        "poverty": rules.YES if deprived else rules.NO,
        "barriers": rules.YES if barriers else rules.NO,
        "barrier_kinds": (["language"] if index % 2 else ["financial", "language"])
        if barriers
        else [],
        "barriers_detail": "Synthetic demo: no interpreter was booked for appointments."
        if barriers
        else "",
    }


def _sudi_answers() -> dict[str, str]:
    return {
        "sleep_surface": "Sofa",
        "shared_sleep": "yes",
        "smoking": "not_known",
        "position": "Prone",
    }


def _jar(death: Death, member: Person, started_at: datetime, age: int) -> None:
    steps = [
        (jar_services.HOME_VISIT, timedelta(hours=30)),
        (jar_services.FAMILY_INFORMATION, timedelta(hours=20)),
        (jar_services.INITIAL_MEETING, timedelta(days=1, hours=4)),
    ]
    if age >= 40:
        steps.append((jar_services.FINAL_DISCUSSION, timedelta(days=35)))
    for step, after in steps:
        at = started_at + after
        if at >= timezone.now():
            continue
        with clock_at(at):
            jar_services.jar_step_record(
                actor=member,
                death=death,
                step=step,
                at=at,
                key_worker="Synthetic key worker",
                bereavement_support=True,
                leaflet_language="English",
            )


def _working_days_ago(today: date, n: int) -> date:
    day, counted = today, 0
    calendar = holidays.calendar()
    while counted < n:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day
