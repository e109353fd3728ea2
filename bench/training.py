"""The training figures page over 100,000 bookings (goal: under 1 s, issue 15).

The records are generated here with bulk inserts, independently of the training services and
selectors measured: three reporting years of sessions, people of 40 organisations of every
kind booking them, most attending, half of those evaluating, a two-part course with part 2
pending for a third. The page is requested through Django's test client as the Business Unit
(the whole request: selectors, charts, template), median of 5 runs.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.test import Client
from django.urls import reverse

BOOKINGS = int(os.environ.get("TRAINING_BOOKINGS", "100000"))
# An unusable password hash: nobody signs in as the benchmark's people.
UNUSABLE = "!"
KINDS = ["local_authority", "police", "health_trust", "school", "third_sector", "other"]


def _generate(rng: random.Random) -> object:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.core.models import Organisation, Person, RoleAssignment
    from safeguard.training.models import Booking, Course, Evaluation, Session, Trainer

    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Bench organisation {i}", kind=KINDS[i % len(KINDS)]) for i in range(40)
    )
    people = Person.objects.bulk_create(
        Person(
            email=f"bench{i}@bench.invalid",
            full_name=f"Bench Person {i}",
            organisation=orgs[i % len(orgs)],
            password=UNUSABLE,
        )
        for i in range(max(BOOKINGS // 12, 50))
    )
    unit = Organisation.objects.create(name="Bench unit", kind="partnership")
    admin = Person.objects.create(
        email="bench-admin@bench.invalid", full_name="Admin", organisation=unit, password=UNUSABLE
    )
    RoleAssignment.objects.create(person=admin, role="business_unit_admin")
    TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    courses = Course.objects.bulk_create(
        Course(
            title=f"Bench course {i}",
            outcomes="x",
            audience="x",
            length="3 hours",
            parts=2 if i == 0 else 1,
            delivery_modes=["online"],
            last_updated_on=date(2023, 1, 1),
        )
        for i in range(8)
    )
    trainers = Trainer.objects.bulk_create(Trainer(person=people[i]) for i in range(30))
    start = datetime(2023, 4, 3, 9, 30, tzinfo=UTC)
    per_session = 20
    sessions = Session.objects.bulk_create(
        Session(
            course=courses[i % len(courses)],
            part=1 + (i // len(courses)) % courses[i % len(courses)].parts,
            starts_at=start + timedelta(hours=4 * i),
            ends_at=start + timedelta(hours=4 * i + 3),
            mode="online",
            capacity=per_session,
        )
        for i in range(BOOKINGS // per_session)
    )
    through = Session.trainers.through
    through.objects.bulk_create(
        through(session_id=s.pk, trainer_id=trainers[i % len(trainers)].pk)
        for i, s in enumerate(sessions)
    )
    rows = []
    for i in range(BOOKINGS):
        session = sessions[i // per_session]
        person = people[rng.randrange(len(people))]
        rows.append(
            Booking(
                session=session,
                person=person,
                organisation_id=person.organisation_id,
                agency_type=[
                    "childrens_social_work",
                    "police",
                    "health",
                    "education",
                    "other",
                    "other",
                ][person.organisation_id % 6],
                status="booked",
                attended=rng.random() < 0.85,
                created_at=session.starts_at - timedelta(days=14),
            )
        )
    # One booking per person and session: drop repeats the random draw made.
    seen: set[tuple[int, int]] = set()
    unique = []
    for row in rows:
        key = (row.session.pk, row.person.pk)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    bookings = Booking.objects.bulk_create(unique, batch_size=5000)
    Evaluation.objects.bulk_create(
        (
            Evaluation(
                booking=b,
                met_expectations=rng.random() < 0.87,
                outcomes_learned="yes",
                knowledge_before=2,
                knowledge_after=4,
                confidence_before=2,
                confidence_after=rng.choice([2, 3, 4]),
                submitted_at=b.session.ends_at,
            )
            for b in bookings
            if b.attended and rng.random() < 0.5
        ),
        batch_size=5000,
    )
    return admin


def run() -> list[str]:
    from tests import factories

    started = time.perf_counter()
    admin = _generate(random.Random(15))
    made = time.perf_counter() - started
    client = factories.signed_in(Client(), admin)
    url = reverse("training:figures")
    times = []
    for _ in range(5):
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200, response.status_code
    from safeguard.training.models import Booking

    count = Booking.objects.count()
    median = statistics.median(times)
    return [
        f"generated {count:,} bookings in {made:.1f} s ({connection.vendor})",
        f"figures page: median {median:.3f} s over 5 requests "
        f"(goal < 1 s: {'met' if median < 1 else 'NOT met'})",
    ]
