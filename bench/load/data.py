"""Fill a PostgreSQL database with a region's records, fast: schools, pupils and 3 years of
Operation Encompass incidents, on top of the demo partnership (its people and roles sign in).

The records are drawn here from seeded distributions that look like the real ones (a school
roll's ages and genders, pupils' UPNs with their check letter, police incident references,
incidents clustered in evenings and weekends, one to three children per incident, most
matched to a roll), independently of the service's own demo code, and written with
PostgreSQL ``COPY`` straight into the tables the migrations made, so a million pupils take
minutes rather than hours. Columns the loader does not name get the type's empty value
(``''``, ``false``, ``0``, ``{}``), the way the models' defaults would.

The loader also adds ``--people-per-role`` extra sign-ins per role (copies of the demo person
of that role: same organisation, roles and groups, each with its own authenticator key), since
a TOTP code is accepted once per account and 50 simulated users cannot share 12 accounts.
"""

from __future__ import annotations

import io
import json
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

FORENAMES_F = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Willow",
    "Freya",
    "Florence",
    "Emily",
    "Ella",
    "Poppy",
    "Evie",
    "Elsie",
    "Charlotte",
    "Evelyn",
    "Sienna",
    "Daisy",
    "Phoebe",
    "Sofia",
    "Alice",
    "Aisha",
    "Maryam",
    "Zara",
    "Amira",
    "Hannah",
    "Ruby",
    "Millie",
    "Harper",
    "Layla",
    "Matilda",
    "Eva",
    "Esme",
    "Maisie",
    "Erin",
    "Jessica",
    "Chloe",
]
FORENAMES_M = [
    "Muhammad",
    "Noah",
    "Oliver",
    "George",
    "Leo",
    "Arthur",
    "Oscar",
    "Harry",
    "Archie",
    "Jack",
    "Henry",
    "Charlie",
    "Freddie",
    "Theodore",
    "Thomas",
    "Finley",
    "Theo",
    "Alfie",
    "Jacob",
    "William",
    "Isaac",
    "Tommy",
    "Joshua",
    "James",
    "Lucas",
    "Alexander",
    "Arlo",
    "Roman",
    "Edward",
    "Mohammed",
    "Max",
    "Ethan",
    "Reggie",
    "Harrison",
    "Logan",
    "Adam",
    "Yusuf",
    "Ibrahim",
    "Jaxon",
    "Elijah",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
    "Scott",
    "Watson",
    "Davis",
    "Parker",
    "James",
    "Bennett",
    "Young",
    "Phillips",
    "Richardson",
    "Mitchell",
    "Bailey",
    "Carter",
    "Cook",
    "Singh",
    "Shaw",
    "Bell",
    "Collins",
    "Morgan",
    "Kelly",
    "Begum",
    "Miller",
    "Cox",
    "Hussain",
    "Marshall",
    "Simpson",
    "Price",
    "Anderson",
    "Adams",
    "Wilkinson",
    "Ali",
    "Ahmed",
    "Foster",
    "Ellis",
    "Murphy",
    "Chapman",
    "Mason",
    "Gray",
    "Richards",
    "Webb",
    "Griffiths",
    "Hunt",
    "Palmer",
    "Campbell",
    "Holmes",
    "Mills",
    "Rogers",
    "Barnes",
    "Knight",
    "Matthews",
    "Barker",
    "Powell",
]
STREETS = [
    "Church",
    "Station",
    "Victoria",
    "Park",
    "Mill",
    "School",
    "Queens",
    "Kings",
    "New",
    "Green",
    "Manor",
]
STREET_KINDS = ("Road", "Street", "Lane", "Close", "Avenue", "Way", "Drive", "Crescent")
PLACES = [
    "Westmere",
    "Ashby",
    "Brockley",
    "Fenwick",
    "Holbrook",
    "Larkhill",
    "Marston",
    "Nether",
    "Oakford",
]
POSTCODE_AREAS = ("WM1", "WM2", "WM3", "WM4", "WM5", "WM6", "WM7", "WM8", "WM9", "WM10")
# England's UPN check letter alphabet (DfE: 23 letters, no I, O or S).
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
LA_CODE = "931"


def upn(la_code: str, establishment: int, year: int, serial: int) -> str:
    """A Unique Pupil Number in the DfE's format: check letter, LA, school, year, serial."""
    body = f"{la_code}{establishment:04d}{year % 100:02d}{serial:03d}"
    weights = range(2, 14)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return _UPN_LETTERS[total % 23] + body


def postcode(rng: random.Random) -> str:
    return (
        f"{rng.choice(POSTCODE_AREAS)} {rng.randint(1, 9)}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    )


@dataclass
class Table:
    """The columns of one table as the migrations made them: name -> (type, nullable)."""

    name: str
    columns: dict[str, tuple[str, bool]]

    def empty(self, column: str) -> str:
        kind, nullable = self.columns[column]
        if nullable:
            return "\\N"
        if kind in {"boolean"}:
            return "f"
        if kind in {"integer", "bigint", "smallint", "double precision", "numeric", "real"}:
            return "0"
        if kind in {"jsonb", "json"}:
            return "{}"
        if "timestamp" in kind:
            return datetime.now(UTC).isoformat()
        if kind == "date":
            return date.today().isoformat()
        return ""


def _table(cursor: Any, name: str) -> Table:
    cursor.execute(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_name = %s",
        [name],
    )
    return Table(name, {c: (t, n == "YES") for c, t, n in cursor.fetchall()})


def _escape(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")


def copy_rows(
    cursor: Any, table: Table, given: Sequence[str], rows: Iterator[Sequence[object]]
) -> int:
    """COPY rows of ``given`` columns into ``table``; every other NOT NULL column (not the id)
    gets its type's empty value. Returns the number of rows written."""
    others = [c for c in table.columns if c not in given and c != "id"]
    fill = [table.empty(c) for c in others]
    columns = [*given, *others]
    written = 0
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join([*(_escape(v) for v in row), *fill]))
            buffer.write("\n")
            written += 1
            if written % 20000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return written


def _next_id(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 (our names)
    return int(cursor.fetchone()[0])


def _reset_sequence(cursor: Any, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
    )


@dataclass(frozen=True)
class Sizes:
    children: int = 1_000_000
    schools: int = 200
    years: int = 3
    # Notifications a year per 1,000 children: about 30 (a county of 100,000 children sees
    # about 3,000 Encompass notifications a year).
    incidents_per_thousand: float = 30.0


def _school_rows(
    rng: random.Random, existing: int, wanted: int, first_id: int, now: datetime
) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    kinds = ("Primary School", "Primary Academy", "C of E Primary School", "Academy", "High School")
    taken: set[str] = set()
    for n in range(max(wanted - existing, 0)):
        while True:
            name = f"{rng.choice(PLACES)} {rng.choice(STREETS)} {rng.choice(kinds)}"
            if name not in taken:
                break
            name = f"{name} {n}"
            if name not in taken:
                break
        taken.add(name)
        urn = 150000 + n * 7  # outside the demo's own URNs (they come from the names module)
        rows.append(
            (
                first_id + n,
                f"{name} (load)",
                "school",
                False,
                str(urn),
                LA_CODE,
                f"safeguarding{n}@load.example.invalid",
                True,
                now,
            )
        )
    return rows


def fill(*, sizes: Sizes, seed: int = 18, log: Any = print) -> dict[str, int]:
    """Add schools, pupils and incidents to the database Django is connected to."""
    from django.db import connection

    rng = random.Random(seed)
    now = datetime.now(UTC)
    counts: dict[str, int] = {}
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        organisation = _table(cursor, "core_organisation")
        cursor.execute("SELECT id FROM core_organisation WHERE kind = 'school' ORDER BY id")
        demo_schools = [row[0] for row in cursor.fetchall()]
        first = _next_id(cursor, "core_organisation")
        started = time.perf_counter()
        school_rows = _school_rows(rng, len(demo_schools), sizes.schools, first, now)
        counts["schools"] = copy_rows(
            cursor,
            organisation,
            [
                "id",
                "name",
                "kind",
                "statutory_partner",
                "urn",
                "la_code",
                "email",
                "active",
                "created_at",
            ],
            iter(school_rows),
        )
        _reset_sequence(cursor, "core_organisation")
        schools = demo_schools + [row[0] for row in school_rows]
        schools = schools[: sizes.schools]
        log(
            f"schools: {len(schools)} ({counts['schools']} added) "
            f"{time.perf_counter() - started:.1f} s"
        )

        # Pupils: rolls sized like real ones (primary ~300, secondary ~1,100), scaled to the total.
        started = time.perf_counter()
        weights = [rng.choice((1.0, 1.0, 1.0, 3.5)) for _ in schools]
        scale = sizes.children / sum(weights)
        per_school = [max(1, int(w * scale)) for w in weights]
        per_school[0] += sizes.children - sum(per_school)
        pupil = _table(cursor, "children_pupil")
        first_pupil = _next_id(cursor, "children_pupil")
        today = now.date()
        pupils_by_school: dict[int, tuple[int, int]] = {}
        # A second fill adds to the rolls: serials continue after the pupils already there.
        cursor.execute("SELECT school_id, COUNT(*) FROM children_pupil GROUP BY school_id")
        already = dict(cursor.fetchall())

        def pupils() -> Iterator[tuple[object, ...]]:
            pk = first_pupil
            for index, (school, size) in enumerate(zip(schools, per_school, strict=True)):
                pupils_by_school[school] = (pk, size)
                for serial in range(already.get(school, 0), already.get(school, 0) + size):
                    girl = rng.random() < 0.49
                    age_days = rng.randint(4 * 365 + 200, 18 * 365)
                    yield (
                        pk,
                        upn(LA_CODE, 2000 + index, 10 + serial // 1000, serial % 1000),
                        rng.choice(FORENAMES_F if girl else FORENAMES_M),
                        rng.choice(SURNAMES),
                        today - timedelta(days=age_days),
                        "F" if girl else "M",
                        postcode(rng),
                        school,
                        True,
                        now,
                    )
                    pk += 1

        counts["pupils"] = copy_rows(
            cursor,
            pupil,
            [
                "id",
                "upn",
                "forename",
                "surname",
                "dob",
                "gender",
                "postcode",
                "school_id",
                "on_roll",
                "updated_at",
            ],
            pupils(),
        )
        _reset_sequence(cursor, "children_pupil")
        log(f"pupils: {counts['pupils']} {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        counts.update(_incidents(cursor, rng, sizes, schools, pupils_by_school, now))
        log(
            f"incidents: {counts['incidents']}, children {counts['incident_children']}, "
            f"notifications {counts['notifications']} {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        for table in (
            "core_organisation",
            "children_pupil",
            "encompass_incident",
            "encompass_incidentchild",
            "encompass_incidentadult",
            "encompass_notification",
        ):
            cursor.execute(f"ANALYZE {table}")
        log(f"analyze: {time.perf_counter() - started:.1f} s")
    return counts


def _evening_time(rng: random.Random, day: date) -> datetime:
    """Domestic abuse incidents cluster in evenings and at weekends."""
    hour = int(rng.triangular(0, 24, 21)) % 24
    return datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), tzinfo=UTC)


def _incidents(
    cursor: Any,
    rng: random.Random,
    sizes: Sizes,
    schools: list[int],
    pupils_by_school: dict[int, tuple[int, int]],
    now: datetime,
) -> dict[str, int]:
    cursor.execute("SELECT id FROM core_organisation WHERE kind = 'police' ORDER BY id LIMIT 1")
    force = cursor.fetchone()[0]
    incident_t = _table(cursor, "encompass_incident")
    child_t = _table(cursor, "encompass_incidentchild")
    adult_t = _table(cursor, "encompass_incidentadult")
    note_t = _table(cursor, "encompass_notification")
    cursor.execute("SELECT id, dob, forename, surname, school_id FROM children_pupil LIMIT 0")
    total = int(sizes.children * sizes.incidents_per_thousand / 1000 * sizes.years / 1.6)
    start = now - timedelta(days=365 * sizes.years)
    first_incident = _next_id(cursor, "encompass_incident")
    first_child = _next_id(cursor, "encompass_incidentchild")
    incidents: list[tuple[object, ...]] = []
    adults: list[tuple[object, ...]] = []
    children: list[tuple[object, ...]] = []
    notifications: list[tuple[object, ...]] = []
    child_pk = first_child
    for n in range(total):
        pk = first_incident + n
        occurred = _evening_time(
            rng, (start + timedelta(days=rng.random() * 365 * sizes.years)).date()
        )
        if occurred > now - timedelta(days=1):
            occurred -= timedelta(days=2)
        incidents.append(
            (
                pk,
                force,
                f"WM/{occurred.year % 100:02d}/{pk:07d}",
                occurred,
                f"{rng.randint(1, 180)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}",
                rng.choice(("incident", "incident", "crime")),
                1,
                occurred + timedelta(hours=rng.randint(1, 6)),
                occurred + timedelta(hours=rng.randint(1, 6)),
            )
        )
        for role in ("victim", "suspect"):
            girl = role == "victim" and rng.random() < 0.8
            adults.append(
                (
                    pk,
                    role,
                    rng.choice(FORENAMES_F if girl else FORENAMES_M),
                    rng.choice(SURNAMES),
                    date(rng.randint(1970, 2002), rng.randint(1, 12), rng.randint(1, 28)),
                )
            )
        school = rng.choice(schools)
        first_pupil, size = pupils_by_school[school]
        for ref in range(rng.choice((1, 1, 1, 2, 2, 3))):
            pupil = first_pupil + rng.randrange(size)
            matched = rng.random() < 0.92
            children.append(
                (
                    child_pk,
                    pk,
                    f"P{ref + 1}",
                    rng.choice(FORENAMES_F + FORENAMES_M),
                    rng.choice(SURNAMES),
                    date(rng.randint(2008, 2021), rng.randint(1, 12), rng.randint(1, 28)),
                    rng.choice(("present", "present", "not_present", "unknown")),
                    "automatic" if matched else "none",
                    pupil if matched else None,
                    0.98 if matched else None,
                    [],
                )
            )
            if matched:
                due = occurred + timedelta(hours=14)
                acked = due - timedelta(hours=rng.randint(0, 5))
                notifications.append(
                    (
                        child_pk,
                        school,
                        "school",
                        due,
                        due,
                        "Before the start of the next school day",
                        due + timedelta(hours=4),
                        occurred + timedelta(hours=2),
                        acked,
                        acked,
                        "Key adult checked in with the child at the start of the day.",
                    )
                )
            child_pk += 1
    counts = {
        "incidents": copy_rows(
            cursor,
            incident_t,
            [
                "id",
                "force_id",
                "reference",
                "occurred_at",
                "location",
                "kind",
                "version",
                "received_at",
                "updated_at",
            ],
            iter(incidents),
        ),
        "incident_adults": copy_rows(
            cursor,
            adult_t,
            ["incident_id", "role", "forename", "surname", "dob"],
            iter(adults),
        ),
        "incident_children": copy_rows(
            cursor,
            child_t,
            [
                "id",
                "incident_id",
                "ref",
                "forename",
                "surname",
                "dob",
                "presence",
                "match_state",
                "pupil_id",
                "probability",
                "candidates",
            ],
            iter(children),
        ),
        "notifications": copy_rows(
            cursor,
            note_t,
            [
                "child_id",
                "school_id",
                "first_recipient",
                "due_at",
                "school_due_at",
                "rule",
                "escalate_at",
                "created_at",
                "first_viewed_at",
                "acknowledged_at",
                "support_given",
            ],
            iter(notifications),
        ),
    }
    for table in (
        "encompass_incident",
        "encompass_incidentchild",
        "encompass_incidentadult",
        "encompass_notification",
    ):
        _reset_sequence(cursor, table)
    return counts


def add_people(*, per_role: int, log: Any = print) -> list[dict[str, str]]:
    """``per_role`` more sign-ins for every role, each a copy of the demo person of that role
    (organisation, roles, groups) with an authenticator key of its own; returns every sign-in
    the load may use (the demo's and these) with the key the simulated app needs."""
    import secrets

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.core import demo
    from safeguard.core.models import Membership, Person, RoleAssignment

    people: list[dict[str, str]] = []
    password = demo.PASSWORD
    hashed = Person.objects.filter(is_demo=True).values_list("password", flat=True).first()
    roles_seen: set[str] = set()
    for sign_in in demo.sign_ins():
        if sign_in.role in roles_seen:
            continue
        roles_seen.add(sign_in.role)
        model = Person.objects.get(email=sign_in.email)
        device = TOTPDevice.objects.get(user=model, confirmed=True)
        people.append({"email": model.email, "role": sign_in.role, "key": device.key})
        roles = list(model.role_assignments.values_list("role", flat=True))
        groups = list(Membership.objects.filter(person=model).values_list("group_id", "role"))
        for n in range(per_role):
            email = f"load-{sign_in.role.replace('_', '-')}-{n}@load.example.invalid"
            copy = Person.objects.filter(email=email).first()
            if copy is None:
                copy = Person.objects.create(
                    email=email,
                    full_name=f"{model.full_name} ({n + 2})",
                    job_title=model.job_title,
                    organisation_id=model.organisation_id,
                    password=hashed,
                    is_demo=True,
                )
                RoleAssignment.objects.bulk_create(
                    RoleAssignment(person=copy, role=role) for role in roles
                )
                Membership.objects.bulk_create(
                    Membership(group_id=group, person=copy, role=role) for group, role in groups
                )
                TOTPDevice.objects.create(
                    user=copy, name="Authenticator app", key=secrets.token_hex(20), confirmed=True
                )
            key = TOTPDevice.objects.get(user=copy, confirmed=True).key
            people.append({"email": email, "role": sign_in.role, "key": key})
    log(f"sign-ins: {len(people)} ({per_role} added per role), password {password!r}")
    return people
