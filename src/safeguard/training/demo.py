"""Two years of the partnership's training, written through the real services.

Each step runs under the demo's clock at its own moment: sessions are added weeks ahead, people
book a fortnight before, the register is taken on the day and most evaluate that evening. The
two-part Working Together course has part 2 pending for some, as in the annual report ("part 2
not yet done"). Upcoming sessions start at least ten days after the demo's moment, so no
reminder waits to be sent when the service starts.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguard.core import themes
from safeguard.core.clock import LONDON
from safeguard.core.demo import clock_at
from safeguard.core.models import Organisation, Person
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.roles import Role
from safeguard.training import services
from safeguard.training.models import Booking, BookingStatus, Course, Session, Trainer

COURSES: tuple[dict[str, Any], ...] = (
    {
        "title": "Introduction to Safeguarding",
        "kind": "core",
        "outcomes": "Recognise the signs of abuse and neglect; know how to raise a concern.",
        "audience": "Anyone who works with children or their families",
        "length": "3 hours",
        "parts": 1,
        "modes": ["online", "face_to_face"],
        "themes": ["Professional curiosity"],
    },
    {
        "title": "Working Together to Safeguard Children",
        "kind": "core",
        "outcomes": "Multi-agency duties, thresholds, escalation and sharing information.",
        "audience": "Practitioners of every partner agency",
        "length": "Two half days",
        "parts": 2,
        "modes": ["online", "hybrid"],
        "themes": ["Information sharing", "Escalation"],
    },
    {
        "title": "Safeguarding refresher",
        "kind": "core",
        "outcomes": "Bring practice up to date with the latest learning from local reviews.",
        "audience": "Practitioners trained more than three years ago",
        "length": "2 hours",
        "parts": 1,
        "modes": ["online"],
        "themes": [],
    },
    {
        "title": "Briefing: neglect and the Graded Care Profile",
        "kind": "briefing",
        "outcomes": "Use the Graded Care Profile to assess neglect.",
        "audience": "Health, education and early help practitioners",
        "length": "90 minutes",
        "parts": 1,
        "modes": ["online"],
        "themes": ["Neglect"],
    },
    {
        "title": "Briefing: child exploitation and contextual safeguarding",
        "kind": "briefing",
        "outcomes": "Spot exploitation early; know the MACE pathway.",
        "audience": "Practitioners working with adolescents",
        "length": "90 minutes",
        "parts": 1,
        "modes": ["online"],
        "themes": ["Exploitation"],
    },
    {
        "title": "Partnership practitioner network",
        "kind": "network",
        "outcomes": "Share learning from reviews and audits across agencies.",
        "audience": "Everyone in the partnership",
        "length": "2 hours",
        "parts": 1,
        "modes": ["hybrid"],
        "themes": [],
    },
)
VENUE = "Partnership Training Room, Civic Centre"
LINK = "https://meet.partnership.invalid/training"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _person(role: Role, *, email: str = "") -> Person | None:
    found = Person.objects.filter(is_demo=True, role_assignments__role=role)
    if email:
        found = found.filter(email=email)
    return found.order_by("pk").first()


def _add_session(
    admin: Any, course: Course, part: int, day: date, trainers: list[Trainer], capacity: int = 16
) -> Session:
    mode = course.delivery_modes[(day.toordinal() + part) % len(course.delivery_modes)]
    with clock_at(_at(day - timedelta(days=42), 9)):
        return services.session_add(
            actor=admin,
            course=course,
            values={
                "part": part,
                "starts_at": _at(day, 9, 30),
                "ends_at": _at(day, 12, 30),
                "mode": mode,
                "venue": VENUE if mode != "online" else "",
                "joining_link": LINK if mode != "face_to_face" else "",
                "capacity": capacity,
            },
            trainers=trainers,
        )


def _book(person: Person, session: Session) -> Booking | None:
    with clock_at(session.starts_at - timedelta(days=14, hours=-person.pk % 5)):
        try:
            return services.booking_make(actor=person, session=session)
        except ValidationError:  # already booked, or full: the story goes on
            return None


def _run(admin: Any, session: Session, rng: random.Random, *, evaluate: bool = True) -> None:
    bookings = list(session.bookings.filter(status=BookingStatus.BOOKED).select_related("person"))
    present = {b.pk for b in bookings if rng.random() < 0.88}
    with clock_at(session.ends_at):
        services.register_record(actor=admin, session=session, attended_ids=present)
    if not evaluate:
        return
    for booking in bookings:
        if booking.pk not in present or rng.random() > 0.7:
            continue
        before = rng.randint(1, 4)
        booking.refresh_from_db()
        with clock_at(session.ends_at + timedelta(hours=rng.randint(1, 6))):
            services.evaluation_submit(
                actor=booking.person,
                booking=booking,
                values={
                    "met_expectations": rng.random() < 0.88,
                    "outcomes_learned": rng.choice(["yes", "yes", "yes", "partly"]),
                    "knowledge_before": before,
                    "knowledge_after": min(before + rng.randint(0, 2), 5),
                    "confidence_before": before,
                    "confidence_after": min(before + rng.choice([0, 1, 1, 2]), 5),
                    "comments": "",
                },
            )


def add_demo_training(*, seed: int) -> int:
    rng = random.Random(seed + 15)
    admin = _person(Role.BUSINESS_UNIT_ADMIN)
    officer = _person(Role.BUSINESS_UNIT_OFFICER)
    if admin is None or officer is None:
        return 0
    now = timezone.now()
    today = timezone.localdate(now)
    start = today - timedelta(days=730)
    known = set(themes.theme_names())
    courses: list[Course] = []
    with clock_at(_at(start - timedelta(days=60), 10)):
        for spec in COURSES:
            courses.append(
                services.course_save(
                    actor=admin,
                    values={
                        "title": spec["title"],
                        "kind": spec["kind"],
                        "outcomes": spec["outcomes"],
                        "audience": spec["audience"],
                        "length": spec["length"],
                        "parts": spec["parts"],
                        "last_updated_on": start - timedelta(days=60),
                        "delivery_modes": spec["modes"],
                        "review_themes": [t for t in spec["themes"] if t in known],
                    },
                )
            )
    intro, working_together = courses[0], courses[1]

    # The trainer pool: the Business Unit's officer and a few partners' people.
    pool_people = [officer]
    pool_people += list(
        Person.objects.filter(
            is_demo=True,
            role_assignments__role__in=(Role.STATUTORY_PARTNER_LEAD, Role.SUBGROUP_MEMBER),
        ).order_by("pk")[:4]
    )
    trainers: list[Trainer] = []
    with clock_at(_at(start - timedelta(days=50), 10)):
        for i, person in enumerate(dict.fromkeys(pool_people)):
            trainers.append(
                services.trainer_add(
                    actor=admin,
                    person=person,
                    courses=courses[: 2 + i % 3],
                    availability=rng.choice(["Weekday mornings", "Any weekday", "Tuesdays"]),
                    # One trained long ago: due a refresh now.
                    trained_on=start - timedelta(days=400 if i == 2 else 30 * i),
                )
            )

    learners = list(
        Person.objects.filter(is_demo=True)
        .exclude(organisation__kind=OrganisationKind.PARTNERSHIP)
        .order_by("pk")
    )
    # An organisation that asks for its manager's approval: the police.
    police = Organisation.objects.filter(kind=OrganisationKind.POLICE).first()
    approver = (
        Person.objects.filter(
            is_demo=True, organisation=police, role_assignments__role=Role.STATUTORY_PARTNER_LEAD
        ).first()
        if police
        else None
    )

    made = 0
    day = start + timedelta(days=(1 - start.weekday()) % 7)  # a Tuesday
    turn = 0
    while day < today - timedelta(days=21):
        course = courses[turn % len(courses)] if turn % 3 else courses[turn % 2]
        turn += 1
        team = [trainers[turn % len(trainers)]]
        if course.parts == 1:
            session = _add_session(admin, course, 1, day, team)
            for person in rng.sample(learners, 12):
                made += _book(person, session) is not None
            _run(admin, session, rng)
        else:
            first = _add_session(admin, course, 1, day, team)
            second = _add_session(admin, course, 2, day + timedelta(days=21), team)
            people = rng.sample(learners, 12)
            for person in people:
                made += _book(person, first) is not None
            _run(admin, first, rng)
            attended = [b.person for b in first.bookings.filter(attended=True)]
            # Not everyone has done part 2 yet: about a third book a later date, or none.
            for person in attended[: max(len(attended) * 2 // 3, 1)]:
                made += _book(person, second) is not None
            if second.starts_at < now:
                _run(admin, second, rng)
        day += timedelta(days=rng.choice([14, 21, 28]))

    # Coming up: a Working Together pair and an introduction, booked in the last fortnight.
    soon = today + timedelta(days=10 + (1 - today.weekday()) % 7)
    upcoming = [
        _add_session(admin, working_together, 1, soon, trainers[:1], capacity=6),
        _add_session(admin, working_together, 2, soon + timedelta(days=14), trainers[:1]),
        _add_session(admin, intro, 1, soon + timedelta(days=7), trainers[1:2]),
    ]
    practitioner = _person(Role.PRACTITIONER, email="practitioner@demo.invalid")
    with clock_at(now - timedelta(days=5)):
        if police is not None and approver is not None:
            services.organisation_setting_save(
                actor=admin, organisation=police, approval_required=True, approver=approver
            )
    for index, person in enumerate(rng.sample(learners, 9)):
        if person == approver:
            continue
        with clock_at(now - timedelta(days=4, hours=index)):
            try:
                services.booking_make(actor=person, session=upcoming[index % 3])
                made += 1
            except ValidationError:
                continue
    if practitioner is not None:
        with clock_at(now - timedelta(days=3)):
            for session in upcoming:
                if not Booking.objects.filter(session=session, person=practitioner).exists():
                    services.booking_make(actor=practitioner, session=session)
                    made += 1
    # This year's needs analysis, sent a month ago; a few organisations have answered.
    with clock_at(now - timedelta(days=30)):
        survey = services.needs_survey_send(
            actor=admin, title="Training needs analysis", closes_on=today + timedelta(days=14)
        )
    answering = {p.organisation_id: p for p in learners}
    for index, person in enumerate(list(answering.values())[:6]):
        with clock_at(now - timedelta(days=20 - index)):
            services.needs_answer_save(
                actor=person,
                survey=survey,
                values={
                    "other_needs": "",
                    "people": rng.randint(4, 40),
                    "preferred_mode": rng.choice(["online", "face_to_face", "hybrid"]),
                    "trainers_offered": rng.randint(0, 2),
                },
                courses=rng.sample(courses, 2),
            )
    return made
