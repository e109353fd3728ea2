"""The synthetic demo partnership: a whole invented area to try the service in.

Westmere is not a real English local authority; its school URNs (9xxxxx) lie outside the ranges
the DfE gives real schools and its LA code (999) belongs to no council. Everything is derived
from a seed, so two runs with the same seed produce the same data (the digest proves it) and a
bug report can say "seed 2026" instead of attaching a database. Demo people carry ``is_demo``:
only they may be shown their second-factor code on screen, and only when DEMO_MODE is on.

The plan (what to create) is pure Python; ``create_demo_partnership`` writes it in one
transaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core import audit, worker
from safeguard.core import demo_names as names
from safeguard.core.models import (
    Group,
    Membership,
    Organisation,
    OutboxMessage,
    Person,
    RoleAssignment,
)
from safeguard.core.models.organisations import GroupKind, MembershipRole, OrganisationKind
from safeguard.core.models.outbox import OutboxState
from safeguard.core.roles import Role
from safeguard.core.services.accounts import RECOVERY_CODE_COUNT, RECOVERY_NAME

PASSWORD = names.PASSWORD
DEFAULT_SEED = 2026
# The worker's periodic jobs are replayed over the day before the demo's moment, so the reminders
# and chasers a running service would already have sent (today's due-soon and overdue e-mails,
# this week's chasers) are sent, and its first real pass finds only the last hour's.
REPLAY_WORKER_FOR = timedelta(days=1)
# E-mails of events older than this went out when they happened; younger ones wait in the
# outbox for the worker, as they would in a running service.
RECENT = timedelta(hours=2)


class DemoRefused(Exception):
    """The demo partnership may not be created here; the message says why."""


@dataclass(frozen=True)
class OrganisationPlan:
    key: str
    name: str
    kind: str
    statutory_partner: bool = False
    urn: str = ""
    la_code: str = ""
    email: str = ""


@dataclass(frozen=True)
class PersonPlan:
    email: str
    full_name: str
    job_title: str
    organisation: str  # an OrganisationPlan key
    roles: tuple[str, ...]
    totp_key: str


@dataclass(frozen=True)
class GroupPlan:
    name: str
    kind: str
    purpose: str
    members: tuple[tuple[str, str], ...]  # (email, membership role)


@dataclass(frozen=True)
class SignIn:
    email: str
    role: str
    role_label: str
    organisation: str


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    organisations: tuple[OrganisationPlan, ...]
    people: tuple[PersonPlan, ...]
    groups: tuple[GroupPlan, ...]
    sign_ins: tuple[SignIn, ...]

    def digest(self) -> str:
        return _digest(_canonical_plan(self.organisations, self.people, self.groups))


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    digest: str
    organisations: int
    schools: int
    people: int
    groups: int
    sign_ins: tuple[SignIn, ...] = field(default=())
    password: str = PASSWORD
    extensions: dict[str, int] = field(default_factory=dict)


# --- the plan -----------------------------------------------------------------------------

_BU = "business_unit"
_LA = "la"
_POLICE = "police"
_ICB = "icb"
_ACUTE = "acute_trust"
_COMMUNITY = "community_trust"
_PROBATION = "probation"
_YJS = "youth_justice"
_FIRST_SCHOOL = "school:0"

# One sign-in per role: short addresses a person can type from the sign-ins table.
_ROLE_PEOPLE: dict[str, tuple[str, str, str]] = {
    Role.BUSINESS_UNIT_ADMIN: ("admin", _BU, "Business Unit manager"),
    Role.BUSINESS_UNIT_OFFICER: ("officer", _BU, "Partnership officer"),
    Role.INDEPENDENT_CHAIR: ("chair", _BU, "Independent Chair and Scrutineer"),
    Role.LA_DECISION_MAKER: ("decision", _LA, "Director of Children's Services"),
    Role.STATUTORY_PARTNER_LEAD: ("partner", _LA, "Assistant Director, Safeguarding"),
    Role.POLICE_OFFICER: ("police", _POLICE, "Operation Encompass officer"),
    Role.SCHOOL_DSL: ("dsl", _FIRST_SCHOOL, "Designated safeguarding lead"),
    Role.SUBGROUP_MEMBER: ("subgroup", _ACUTE, "Named nurse for safeguarding children"),
    Role.PRACTITIONER: ("practitioner", _LA, "Social worker"),
    Role.DATA_PROTECTION_OFFICER: ("dpo", _LA, "Data protection officer"),
    Role.LA_DATA_TEAM: ("data", _LA, "Performance analyst"),
    Role.LA_ENCOMPASS_COORDINATOR: ("encompass", _LA, "Operation Encompass coordinator"),
}

# More people, so that groups have several agencies round the table.
_EXTRA_PEOPLE: tuple[tuple[str, str, str], ...] = (
    (_POLICE, "Detective Superintendent, Public Protection", Role.STATUTORY_PARTNER_LEAD),
    (_ICB, "Designated nurse for safeguarding children", Role.STATUTORY_PARTNER_LEAD),
    (_ICB, "Designated doctor for child deaths", Role.SUBGROUP_MEMBER),
    (_POLICE, "Child exploitation coordinator", Role.SUBGROUP_MEMBER),
    (_ACUTE, "Paediatric liaison nurse", Role.PRACTITIONER),
    (_COMMUNITY, "Health visitor", Role.PRACTITIONER),
    (_COMMUNITY, "CAMHS practitioner", Role.PRACTITIONER),
    (_PROBATION, "Probation officer", Role.PRACTITIONER),
    (_YJS, "Youth justice officer", Role.PRACTITIONER),
    ("third_sector:0", "Family support worker", Role.PRACTITIONER),
    ("third_sector:1", "Independent domestic violence adviser", Role.PRACTITIONER),
    ("third_sector:2", "Young people's counsellor", Role.PRACTITIONER),
    ("secure:0", "Residential care manager", Role.PRACTITIONER),
    ("secure:1", "Head of safeguarding", Role.PRACTITIONER),
)

# (phase, how many, name patterns); {p} a place word, {f} a feature, {s} a saint.
_SCHOOL_PHASES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (
        "primary",
        150,
        (
            "{p} {f} Primary School",
            "{p} {f} Primary School",
            "{p} {f} Primary School",
            "{p} {f} Primary School",
            "{p} {f} Primary School",
            "{p} {f} Primary Academy",
            "{p} {f} Infant School",
            "{p} {f} Junior School",
            "{s} Church of England Primary School",
            "{s} Catholic Primary School",
        ),
    ),
    ("secondary", 27, ("{p} {f} Academy", "{p} {f} High School", "{p} {f} School")),
    ("special", 9, ("{p} {f} Special School",)),
    ("pru", 3, ("{p} {f} Pupil Referral Unit",)),
    ("independent", 7, ("{p} {f} Preparatory School", "{p} House School")),
    ("further_education", 4, ("{p} {f} College", "{p} Sixth Form College")),
)

_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("Executive", GroupKind.EXECUTIVE, "The three statutory partners' strategic leadership."),
    (
        "Children and Young People Partnership",
        GroupKind.PARTNERSHIP_BOARD,
        "The wider partnership of every agency that works with children.",
    ),
    ("Performance Management Subgroup", GroupKind.SUBGROUP, "The scorecard and data returns."),
    ("Learning and Development Subgroup", GroupKind.SUBGROUP, "Training and shared learning."),
    (
        "Multi-Agency Child Exploitation (MACE) Subgroup",
        GroupKind.SUBGROUP,
        "Children at risk of exploitation, places and peer groups.",
    ),
    ("Review Advisory Group", GroupKind.REVIEW_ADVISORY_GROUP, "Serious incidents and reviews."),
    ("Child Death Overview Panel", GroupKind.CDOP, "Reviews of the deaths of children."),
    ("Education Safeguarding Subgroup", GroupKind.SUBGROUP, "Safeguarding in education."),
    ("Health Subgroup", GroupKind.SUBGROUP, "Safeguarding across health providers."),
)


def _totp_key(seed: int, email: str) -> str:
    """40 hex digits (a 160-bit secret, what TOTPDevice stores) that only seed and email decide."""
    secret = f"safeguard-demo-{seed}".encode()
    return hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()[:40]


def _core_organisations() -> list[OrganisationPlan]:
    area = names.AREA

    def org(key: str, name: str, kind: str, statutory: bool = False) -> OrganisationPlan:
        email = f"safeguarding@{slugify(name)}.{names.EMAIL_DOMAIN}"
        la_code = names.LA_CODE if kind == OrganisationKind.LOCAL_AUTHORITY else ""
        return OrganisationPlan(key, name, kind, statutory, "", la_code, email)

    return [
        org(_BU, f"{area} Safeguarding Children Partnership", OrganisationKind.PARTNERSHIP),
        org(_LA, f"{area} Council Children's Services", OrganisationKind.LOCAL_AUTHORITY, True),
        org(_POLICE, f"{area} Police", OrganisationKind.POLICE, True),
        org(_ICB, f"NHS {area} Integrated Care Board", OrganisationKind.ICB, True),
        org(
            _ACUTE, f"{area} Teaching Hospitals NHS Foundation Trust", OrganisationKind.HEALTH_TRUST
        ),
        org(
            _COMMUNITY,
            f"{area} Community and Mental Health NHS Trust",
            OrganisationKind.HEALTH_TRUST,
        ),
        org(_PROBATION, f"Probation Service, {area}", OrganisationKind.PROBATION),
        org(_YJS, f"{area} Youth Justice Service", OrganisationKind.OTHER),
        org("third_sector:0", f"{area} Family Support Network", OrganisationKind.THIRD_SECTOR),
        org(
            "third_sector:1", "Harbour Light Domestic Abuse Service", OrganisationKind.THIRD_SECTOR
        ),
        org("third_sector:2", f"Young Voices {area}", OrganisationKind.THIRD_SECTOR),
        org("secure:0", f"{area} Secure Children's Home", OrganisationKind.SECURE_SETTING),
        org("secure:1", "Hollin Vale Young Offender Institution", OrganisationKind.SECURE_SETTING),
    ]


def _schools(rng: random.Random) -> list[OrganisationPlan]:
    total = sum(count for _, count, _ in _SCHOOL_PHASES)
    urns = rng.sample(range(names.URN_FIRST, names.URN_LAST + 1), total)
    taken: set[str] = set()
    schools: list[OrganisationPlan] = []
    for _phase, count, patterns in _SCHOOL_PHASES:
        for _ in range(count):
            while True:
                name = rng.choice(patterns).format(
                    p=rng.choice(names.PLACE_WORDS),
                    f=rng.choice(names.PLACE_FEATURES),
                    s=rng.choice(names.SAINTS),
                )
                if name not in taken:
                    break
            taken.add(name)
            email = f"safeguarding@{slugify(name)}.{names.EMAIL_DOMAIN}"
            schools.append(
                OrganisationPlan(
                    key=f"school:{len(schools)}",
                    name=name,
                    kind=OrganisationKind.SCHOOL,
                    urn=str(urns[len(schools)]),
                    la_code=names.LA_CODE,
                    email=email,
                )
            )
    return schools


def _name_source(rng: random.Random, how_many: int) -> list[tuple[str, str]]:
    """Distinct (given name, surname) pairs, so no two demo people share a name."""
    given, surnames = names.GIVEN_NAMES, names.SURNAMES
    picks = rng.sample(range(len(given) * len(surnames)), how_many)
    return [(given[i // len(surnames)], surnames[i % len(surnames)]) for i in picks]


def _people(
    seed: int, rng: random.Random, organisations: dict[str, OrganisationPlan]
) -> tuple[list[PersonPlan], list[SignIn]]:
    schools = [key for key in organisations if key.startswith("school:")]
    role_people = [(role, *_ROLE_PEOPLE.get(role, _fallback(role))) for role in Role]
    extras = [*_EXTRA_PEOPLE]
    extras += [(key, "Designated safeguarding lead", Role.SCHOOL_DSL) for key in schools[1:]]
    pairs = iter(_name_source(rng, len(role_people) + len(extras)))

    people: list[PersonPlan] = []
    sign_ins: list[SignIn] = []
    for role, local, org_key, job_title in role_people:
        given, surname = next(pairs)
        email = f"{local}@{names.EMAIL_DOMAIN}"
        people.append(
            PersonPlan(
                email,
                f"{given} {surname}",
                job_title,
                org_key,
                (role.value,),
                _totp_key(seed, email),
            )
        )
        sign_ins.append(SignIn(email, role.value, role.label, organisations[org_key].name))
    for org_key, job_title, extra_role in extras:
        given, surname = next(pairs)
        org_slug = slugify(organisations[org_key].name)
        email = f"{given}.{surname}@{org_slug}.{names.EMAIL_DOMAIN}".lower()
        people.append(
            PersonPlan(
                email,
                f"{given} {surname}",
                job_title,
                org_key,
                (Role(extra_role).value,),
                _totp_key(seed, email),
            )
        )
    return people, sign_ins


def _fallback(role: Role) -> tuple[str, str, str]:
    """A role added after this generator was written still gets its one demo person."""
    return role.value.replace("_", "-"), _LA, role.label


def _groups(people: list[PersonPlan]) -> list[GroupPlan]:
    by_role: dict[str, list[str]] = {}
    by_org: dict[str, list[str]] = {}
    for person in people:
        for role in person.roles:
            by_role.setdefault(role, []).append(person.email)
        by_org.setdefault(person.organisation, []).append(person.email)

    def first(role: str) -> str:
        return by_role[role][0]

    chair = first(Role.INDEPENDENT_CHAIR)
    admin = first(Role.BUSINESS_UNIT_ADMIN)
    officer = first(Role.BUSINESS_UNIT_OFFICER)
    leads = by_role[Role.STATUTORY_PARTNER_LEAD]
    decision = first(Role.LA_DECISION_MAKER)
    practitioners = by_role[Role.PRACTITIONER]
    subgroup = by_role[Role.SUBGROUP_MEMBER]
    dsls = by_role[Role.SCHOOL_DSL]
    health = by_org.get(_ACUTE, []) + by_org.get(_COMMUNITY, []) + by_org.get(_ICB, [])

    members: dict[str, list[str]] = {
        "Executive": [chair, decision, *leads, admin],
        "Children and Young People Partnership": [chair, *leads, admin, officer, *practitioners],
        "Performance Management Subgroup": [
            leads[0],
            first(Role.LA_DATA_TEAM),
            officer,
            *subgroup,
        ],
        "Learning and Development Subgroup": [officer, subgroup[0], *practitioners[:4]],
        "Multi-Agency Child Exploitation (MACE) Subgroup": [
            leads[1],
            first(Role.POLICE_OFFICER),
            *subgroup[1:],
            *practitioners[-4:],
        ],
        "Review Advisory Group": [chair, *leads, decision, admin],
        "Child Death Overview Panel": [leads[2], *subgroup, officer],
        "Education Safeguarding Subgroup": [
            first(Role.LA_ENCOMPASS_COORDINATOR),
            *dsls[:6],
            first(Role.POLICE_OFFICER),
        ],
        "Health Subgroup": [leads[2], *health],
    }
    groups = []
    for name, kind, purpose in _GROUPS:
        emails = list(dict.fromkeys(members[name]))  # once each, first is the chair
        roles = [MembershipRole.CHAIR.value] + [MembershipRole.MEMBER.value] * (len(emails) - 1)
        groups.append(GroupPlan(name, kind, purpose, tuple(zip(emails, roles, strict=True))))
    return groups


def plan_demo_partnership(*, seed: int = DEFAULT_SEED) -> DemoPlan:
    """What the demo partnership holds for this seed: no database involved."""
    rng = random.Random(seed)
    organisations = _core_organisations() + _schools(rng)
    by_key = {org.key: org for org in organisations}
    people, sign_ins = _people(seed, rng, by_key)
    return DemoPlan(
        seed, tuple(organisations), tuple(people), tuple(_groups(people)), tuple(sign_ins)
    )


# --- digests -------------------------------------------------------------------------------


def _canonical_plan(
    organisations: Any, people: Any, groups: Any
) -> dict[str, list[dict[str, Any]]]:
    org_names = {org.key: org.name for org in organisations}
    return {
        "organisations": sorted(
            ({k: v for k, v in asdict(org).items() if k != "key"} for org in organisations),
            key=lambda o: (o["kind"], o["name"]),
        ),
        "people": sorted(
            (
                {
                    "email": p.email,
                    "full_name": p.full_name,
                    "job_title": p.job_title,
                    "organisation": org_names[p.organisation],
                    "roles": sorted(p.roles),
                    "totp_key": p.totp_key,
                }
                for p in people
            ),
            key=lambda p: p["email"],
        ),
        "groups": sorted(
            (
                {
                    "name": g.name,
                    "kind": g.kind,
                    "purpose": g.purpose,
                    "members": sorted([list(m) for m in g.members]),
                }
                for g in groups
            ),
            key=lambda g: g["name"],
        ),
    }


def _digest(content: dict[str, Any]) -> str:
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def database_digest() -> str:
    """The same digest as ``DemoPlan.digest``, read back from the database."""
    organisations = [
        OrganisationPlan(str(o.pk), o.name, o.kind, o.statutory_partner, o.urn, o.la_code, o.email)
        for o in Organisation.objects.all()
    ]
    keys = dict(
        TOTPDevice.objects.filter(user__is_demo=True, confirmed=True).values_list("user_id", "key")
    )
    people = [
        PersonPlan(
            p.email,
            p.full_name,
            p.job_title,
            str(p.organisation_id),
            tuple(a.role for a in p.role_assignments.all()),
            keys.get(p.pk, ""),
        )
        for p in Person.objects.filter(is_demo=True).prefetch_related("role_assignments")
    ]
    groups = [
        GroupPlan(
            g.name,
            g.kind,
            g.purpose,
            tuple((m.person.email, m.role) for m in g.memberships.all()),
        )
        for g in Group.objects.prefetch_related("memberships__person")
    ]
    return _digest(_canonical_plan(organisations, people, groups))


# --- the demo's clock ----------------------------------------------------------------------


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Let the real services write one event of the demo's story as if it were ``moment``.

    Every service reads the time from ``django.utils.timezone.now`` (``auto_now_add`` fields
    too), so pointing it at ``moment`` back-dates everything the event writes: the audit row,
    the clock it opens and the rule that computes its due date, the e-mail it queues, the
    reference that carries the year. The demo is written by the ``demo`` command (or ``run``
    before it starts the server), never while requests are served; nesting restores the outer
    moment.
    """
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    original = timezone.now
    setattr(timezone, "now", lambda: moment)  # noqa: B010 (a module attribute, on purpose)
    try:
        yield
    finally:
        setattr(timezone, "now", original)  # noqa: B010


def _replay_worker(*, now: datetime) -> None:
    """Run the worker's periodic jobs over ``REPLAY_WORKER_FOR`` up to ``now``: every three
    hours, then hourly over the last three, and once five minutes before ``now``.

    A running service's worker has been sending deadline reminders, chasing overdue actions and
    escalating notifications all month; without this replay its first pass after ``demo`` would
    send every one of them at once.
    """
    start = now.replace(minute=0, second=0, microsecond=0) - REPLAY_WORKER_FOR
    moments = [start + timedelta(hours=h) for h in range(0, 21, 3)]
    moments += [now - timedelta(hours=h) for h in (3, 2, 1)] + [now - timedelta(minutes=5)]
    for moment in moments:
        # What the worker had delivered by then (within the minute, in a running service), so
        # jobs that wait for delivery (a school is "told" only when its e-mail went) see the
        # month as it was.
        _settle_outbox(now=moment, after=timedelta(0))
        with clock_at(moment):
            for job in worker.periodic_jobs():
                job.func()


def _settle_outbox(*, now: datetime, after: timedelta = RECENT) -> int:
    """The e-mails of events before ``now - after`` went out when they happened: mark them sent
    at the moment they were queued. Returns how many stay queued for the worker."""
    OutboxMessage.objects.filter(state=OutboxState.QUEUED, created_at__lt=now - after).update(
        state=OutboxState.SENT, sent_at=F("created_at"), attempts=1
    )
    return OutboxMessage.objects.filter(state=OutboxState.QUEUED).count()


def _recovery_codes(seed: int, email: str) -> list[str]:
    """Ten recovery codes in django-otp's shape (8 base32 letters) that seed and email decide."""
    secret = f"safeguard-demo-recovery-{seed}".encode()
    codes: list[str] = []
    counter = 0
    while len(codes) < RECOVERY_CODE_COUNT:
        digest = hmac.new(secret, f"{email}:{counter}".encode(), hashlib.sha256).digest()
        code = base64.b32encode(digest[:5]).decode().lower()
        if code not in codes:
            codes.append(code)
        counter += 1
    return codes


# --- writing it ----------------------------------------------------------------------------


def check_may_create() -> None:
    """Refuse production and a database that already holds a partnership."""
    if settings.PRODUCTION:
        raise DemoRefused(
            "The demo partnership cannot be created in production (SAFEGUARD_ENV=production)."
        )
    if Organisation.objects.exists():
        raise DemoRefused(
            "The database already holds organisations. The demo partnership is only created "
            "in an empty database: point SAFEGUARD_VAR_DIR or DATABASE_URL at a new one."
        )


# Modules add their demo records (cases, incidents, indicators ...) through this registry, so
# the kernel never imports a module. Each extension takes the seed and returns how many records
# it made; it runs inside the demo's transaction, after the kernel's people and groups exist.
_extensions: list[tuple[str, Callable[..., int]]] = []
# Extensions that read every other module's demo records (the annual report, which freezes what
# it publishes): they run after all the others, whatever the order of INSTALLED_APPS.
_readers_of_all: list[tuple[str, Callable[..., int]]] = []


def register_extension(
    name: str, make: Callable[..., int], *, reads_every_module: bool = False
) -> None:
    chosen = _readers_of_all if reads_every_module else _extensions
    if all(existing != name for existing, _ in [*_extensions, *_readers_of_all]):
        chosen.append((name, make))


def extensions() -> list[tuple[str, Callable[..., int]]]:
    """The demo extensions in the order they run: the modules', then their readers'."""
    return [*_extensions, *_readers_of_all]


def create_demo_partnership(
    *, seed: int = DEFAULT_SEED, with_modules: bool = True, now: datetime | None = None
) -> DemoSummary:
    """Write the demo partnership for ``seed`` into an empty database, in one transaction.

    ``with_modules`` adds the modules' demo records too; the kernel's own tests leave them out.
    The story is told up to ``now`` (the present moment unless given: tests pin it): the
    modules' events are back-dated from it, and the worker's month is replayed before it.
    """
    moment = now or timezone.now()
    with clock_at(moment):
        return _create(seed=seed, with_modules=with_modules, now=moment)


def _create(*, seed: int, with_modules: bool, now: datetime) -> DemoSummary:
    check_may_create()
    plan = plan_demo_partnership(seed=seed)
    # Hashing once keeps hundreds of demo people fast even with Argon2 at full cost.
    password_hash = make_password(PASSWORD)
    with transaction.atomic():
        check_may_create()  # again, inside the transaction: another process may have begun
        orgs = Organisation.objects.bulk_create(
            Organisation(
                name=o.name,
                kind=o.kind,
                statutory_partner=o.statutory_partner,
                urn=o.urn,
                la_code=o.la_code,
                email=o.email,
            )
            for o in plan.organisations
        )
        org_ids = {o.key: row.pk for o, row in zip(plan.organisations, orgs, strict=True)}
        people = Person.objects.bulk_create(
            Person(
                email=p.email,
                full_name=p.full_name,
                job_title=p.job_title,
                organisation_id=org_ids[p.organisation],
                password=password_hash,
                is_demo=True,
            )
            for p in plan.people
        )
        person_ids = {p.email: row.pk for p, row in zip(plan.people, people, strict=True)}
        RoleAssignment.objects.bulk_create(
            RoleAssignment(person_id=person_ids[p.email], role=role)
            for p in plan.people
            for role in p.roles
        )
        TOTPDevice.objects.bulk_create(
            TOTPDevice(
                user_id=person_ids[p.email],
                name="Authenticator app",
                key=p.totp_key,
                confirmed=True,
            )
            for p in plan.people
        )
        devices = StaticDevice.objects.bulk_create(
            StaticDevice(user_id=person_ids[p.email], name=RECOVERY_NAME, confirmed=True)
            for p in plan.people
        )
        StaticToken.objects.bulk_create(
            StaticToken(device_id=device.pk, token=code)
            for p, device in zip(plan.people, devices, strict=True)
            for code in _recovery_codes(seed, p.email)
        )
        groups = Group.objects.bulk_create(
            Group(name=g.name, kind=g.kind, purpose=g.purpose) for g in plan.groups
        )
        Membership.objects.bulk_create(
            Membership(group_id=row.pk, person_id=person_ids[email], role=role)
            for g, row in zip(plan.groups, groups, strict=True)
            for email, role in g.members
        )
        summary = DemoSummary(
            seed=seed,
            digest=plan.digest(),
            organisations=len(plan.organisations),
            schools=sum(1 for o in plan.organisations if o.kind == OrganisationKind.SCHOOL),
            people=len(plan.people),
            groups=len(plan.groups),
            sign_ins=plan.sign_ins,
        )
        for name, make in extensions() if with_modules else []:
            summary.extensions[name] = make(seed=seed)
        if with_modules:
            _replay_worker(now=now)
        _settle_outbox(now=now)
        audit.record(
            action="create",
            record_type="core.demo_partnership",
            record_id=seed,
            changes={
                "organisations": summary.organisations,
                "people": summary.people,
                "groups": summary.groups,
                "digest": summary.digest,
            },
            detail="synthetic demo partnership created",
        )
    return summary


def sign_ins() -> tuple[SignIn, ...]:
    """The one-per-role demo sign-ins that are in the database, in the order of ``Role``."""
    order = {role.value: i for i, role in enumerate(Role)}
    found = []
    for person in (
        Person.objects.filter(is_demo=True, email__endswith=f"@{names.EMAIL_DOMAIN}")
        .select_related("organisation")
        .prefetch_related("role_assignments")
    ):
        for assignment in person.role_assignments.all():
            found.append(
                SignIn(
                    person.email,
                    assignment.role,
                    Role(assignment.role).label,
                    person.organisation.name,
                )
            )
    return tuple(sorted(found, key=lambda s: (order.get(s.role, len(order)), s.email)))


def sign_ins_text(entries: tuple[SignIn, ...], *, demo_mode: bool) -> str:
    """The sign-ins table the ``demo`` and ``run`` commands print."""
    width = max((len(s.email) for s in entries), default=5)
    lines = [f"  {'Email':<{width}}  Role", f"  {'-' * width}  ----"]
    lines += [f"  {s.email:<{width}}  {s.role_label} ({s.organisation})" for s in entries]
    lines.append("")
    lines.append(f"  Password for every demo person: {PASSWORD}")
    if demo_mode:
        lines.append("  Second-factor code: shown on the code page (demo mode is on).")
    else:
        lines.append(
            "  Second-factor code: start with SAFEGUARD_DEMO=1 and the code page shows it."
        )
    return "\n".join(lines)
