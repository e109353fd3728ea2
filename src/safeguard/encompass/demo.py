"""Operation Encompass in the demo partnership: rolls, calendars and a month of incidents.

Runs inside the kernel's demo transaction (``safeguard demo``), after its schools and people
exist. Everything is synthetic and follows from the seed: pupils are drawn from the demo name
lists, and the incidents put children in every state: matched at once, matched despite a typo
or a nickname, waiting for a person's review, on no roll (the LA's queue), presence not known,
no children recorded; notifications acknowledged, waiting and escalated.

Before the month, the three financial years before the one now running each have a sample of
incidents (``EARLIER_INCIDENTS`` a year, on school nights in term), every child matched at
once and every school told and acknowledging, most before their school day began and a few
late (the police sent the incident the next morning, or the school answered after the LA was
told), so the annual report's Encompass section has figures with a previous year beside them;
none of them leaves anything to do.

The month is told in order under the demo's clock (``demo.clock_at``): each incident happens,
reaches the service a little later (mostly within hours, now and then the next day), and is
matched then, so the school's clocks follow the real rules from the real moments; schools
acknowledge at the start of their school day, a few late after the LA was told; the incidents of
the last hour wait for their schools, the demo DSL's among them. Terms are England's usual dates
around the present, so the calendar covers any day the demo is made.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from safeguard.children import linkage, prepared
from safeguard.children.identifiers import upn_check_letter
from safeguard.children.models import Establishment, ImportKind, Pupil, RollImport
from safeguard.core import demo_names as names
from safeguard.core.clock import LONDON, london_date
from safeguard.core.demo import clock_at
from safeguard.core.models import Organisation, OutboxMessage, Person
from safeguard.core.models.organisations import OrganisationKind
from safeguard.core.models.outbox import OutboxState
from safeguard.core.roles import Role
from safeguard.encompass.models import Calendar, InsetDay, Notification, Term
from safeguard.encompass.services import matching
from safeguard.encompass.services.incidents import (
    AdultData,
    ChildData,
    IncidentData,
    incident_receive,
)
from safeguard.encompass.services.matching import children_match
from safeguard.encompass.services.notifications import (
    notification_acknowledge,
    notifications_escalate,
    notifications_mark_told,
    notifications_remind_schools,
)

PUPILS_PER_SCHOOL = 30
INCIDENTS = 40
# How the police's sends are spread over the day: mostly evenings and nights, as domestic
# abuse call-outs are.
HOURS = (9, 11, 12, 15, 16, 17, 18, 18, 19, 19, 20, 20, 21, 21, 22, 22, 23, 23, 0, 1, 2)
LATE_SENDS = 2  # busy nights in the month: the police sent those incidents the next day
ON_TIME_ACK = 0.86  # acknowledged within the two hours after the school day starts
# The first notification to escalate in the days before the demo's moment is not acknowledged
# yet: the coordinator has it to follow up (in the holidays there may be none).
ESCALATION_WINDOW = timedelta(days=4)
POSTCODE_AREAS = ("WM1", "WM2", "WM3", "WM4", "WM5", "WM6")
EARLIER_YEARS = 3
EARLIER_INCIDENTS = 16  # a year: a sample, each year's figures above the report's threshold
EARLIER_LATE_SENDS = 2  # a year: sent by the police the next morning, after the school day began
EARLIER_REFERENCE = 1000  # the earlier years' incidents are numbered from here, in order


def _on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def terms_around(today: date) -> list[tuple[str, date, date]]:
    """England's usual six half terms for the school years from four before ``today``'s to the
    next (the earlier years' incidents fall in them): Monday (Wednesday in September) to
    Friday, about the dates most LAs set."""
    mon, wed, fri = 0, 2, 4
    first = today.year - 5 if today.month < 9 else today.year - 4
    terms = []
    for year in range(first, first + 7):
        autumn = _on_or_after(date(year, 9, 2), wed)
        autumn_half = _on_or_before(date(year, 10, 24), fri)
        spring = _on_or_after(date(year + 1, 1, 4), mon)
        spring_half = _on_or_before(date(year + 1, 2, 13), fri)
        summer = _on_or_after(date(year + 1, 4, 12), mon)
        summer_half = _on_or_before(date(year + 1, 5, 22), fri)
        terms += [
            ("Autumn 1", autumn, autumn_half),
            ("Autumn 2", autumn_half + timedelta(days=10), _on_or_before(date(year, 12, 19), fri)),
            ("Spring 1", spring, spring_half),
            (
                "Spring 2",
                spring_half + timedelta(days=10),
                _on_or_before(date(year + 1, 3, 27), fri),
            ),
            ("Summer 1", summer, summer_half),
            (
                "Summer 2",
                summer_half + timedelta(days=10),
                _on_or_before(date(year + 1, 7, 22), fri),
            ),
        ]
    return terms


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    unit = rng.choice(letters) + rng.choice(letters)
    return f"{rng.choice(POSTCODE_AREAS)} {rng.randint(1, 9)}{unit}"


def _upn(school_index: int, serial: int) -> str:
    body = f"{names.LA_CODE}{2000 + school_index:04d}26{serial:03d}"
    return upn_check_letter(body) + body


def _typo(rng: random.Random, value: str) -> str:
    if len(value) < 4:
        return value
    i = rng.randint(1, len(value) - 2)
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def _rolls(rng: random.Random, schools: list[Organisation], today: date) -> list[Pupil]:
    roll_import = RollImport.objects.create(
        kind=ImportKind.ROLL_CSV, file_name="demo", sha256="0" * 64, rows=0
    )
    pupils = []
    for index, school in enumerate(schools):
        secondary = "Academy" in school.name or "High" in school.name or "College" in school.name
        Establishment.objects.get_or_create(
            organisation=school,
            defaults={
                "urn": school.urn,
                "la_code": names.LA_CODE,
                "la_name": names.AREA,
                "establishment_number": f"{2000 + index:04d}",
                "phase": "Secondary" if secondary else "Primary",
                "type_of_establishment": "Academy converter"
                if "Academy" in school.name
                else "Community school",
                "status": "Open",
            },
        )
        ages = range(11, 16) if secondary else range(4, 11)
        for serial in range(PUPILS_PER_SCHOOL):
            age = rng.choice(ages)
            pupils.append(
                Pupil(
                    upn=_upn(index, serial),
                    forename=rng.choice(names.GIVEN_NAMES),
                    surname=rng.choice(names.SURNAMES),
                    dob=today - timedelta(days=age * 365 + rng.randint(0, 364)),
                    gender=rng.choice("MF"),
                    postcode=_postcode(rng),
                    school=school,
                    roll_import=roll_import,
                )
            )
    Pupil.objects.bulk_create(pupils, batch_size=2000)
    roll_import.rows = roll_import.created = len(pupils)
    roll_import.save(update_fields=["rows", "created"])
    return pupils


def _calendars(
    rng: random.Random, schools: list[Organisation], coordinator: Any, today: date
) -> int:
    default = Calendar.objects.create(
        is_default=True, day_starts_at=time(8, 45), holiday_contact=coordinator
    )
    terms = terms_around(today)
    Term.objects.bulk_create(
        Term(calendar=default, name=name, starts_on=start, ends_on=end)
        for name, start, end in terms
    )
    made = 1 + len(terms)
    # INSET days: the first day of the next two terms.
    inset = [start for _, start, _ in terms if start > today][:2]
    for school in rng.sample(schools, 3):
        on_duty = Person.objects.filter(
            organisation=school, role_assignments__role=Role.SCHOOL_DSL
        ).first()
        own = Calendar.objects.create(
            school=school, day_starts_at=time(8, 30), holiday_contact=on_duty
        )
        InsetDay.objects.bulk_create(InsetDay(calendar=own, date=day) for day in inset)
        made += 3
    return made


def _child_like(rng: random.Random, pupil: Pupil, ref: str, how: str) -> ChildData:
    forename, surname, dob = pupil.forename, pupil.surname, pupil.dob
    if how == "typo":
        forename = _typo(rng, forename)
    elif how == "swapped" and dob and dob.day <= 12:
        dob = date(dob.year, dob.day, dob.month)
    elif how == "review":
        forename, dob = "", None
    return ChildData(
        ref=ref,
        presence=rng.choice(["present", "present", "not_present"]),
        forename=forename,
        surname=surname,
        dob=dob,
        gender=pupil.gender,
        postcode=pupil.postcode,
        address="",
        where_they_were=rng.choice(["In the bedroom", "In the living room", "At a friend's house"]),
        voice_of_the_child=rng.choice(
            ["Heard shouting", "Said they were scared", "Saw the argument"]
        ),
        injuries="",
        # Officers often note the school, as they heard it (ADR 0016): here for the children
        # recorded as the roll has them, never for those meant for the review queue.
        school_name=pupil.school.name.upper() if how == "exact" else "",
    )


def _twin(pupil: Pupil, *, serial: int) -> Pupil:
    """A twin on the same roll: recorded without a forename, the child could be either, so a
    person must decide (the review queue)."""
    index = int(pupil.upn[4:8]) - 2000
    return Pupil.objects.create(
        upn=_upn(index, serial % 1000),
        forename="Jamie" if pupil.forename != "Jamie" else "Alex",
        surname=pupil.surname,
        dob=pupil.dob,
        gender=pupil.gender,
        postcode=pupil.postcode,
        school=pupil.school,
        roll_import=pupil.roll_import,
    )


def _moments(rng: random.Random, now: datetime) -> list[tuple[datetime, datetime]]:
    """When each incident happened and when the police's send reached the service, oldest
    first: within three hours, bar two busy nights whose sends came the next day (after the
    school day began, so those schools were told late). The last few came in within the hour:
    their schools have not had them long enough to acknowledge, so the demo always shows
    notifications waiting."""
    happened = []
    for _ in range(INCIDENTS - 4):
        day = london_date(now) - timedelta(days=rng.randint(1, 30))
        hour = rng.choice(HOURS)
        occurred = datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=LONDON)
        if hour < 7:
            occurred += timedelta(days=1)  # the early hours after that evening
        happened.append(min(occurred, now - timedelta(hours=3)))
    happened.sort()
    # Two incidents whose children are matched at once (see ``_incident``'s kinds).
    late = set(rng.sample([n for n in range(INCIDENTS - 4) if n % 8 in (0, 5)], LATE_SENDS))
    found = []
    for number, occurred in enumerate(happened):
        received = occurred + timedelta(minutes=rng.randint(15, 180))
        if number in late:  # mid-morning of the next weekday
            day = occurred.astimezone(LONDON).date() + timedelta(days=1)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            received = datetime.combine(day, time(rng.randint(10, 12)), tzinfo=LONDON)
        found.append((occurred, min(received, now - timedelta(hours=2))))
    for _ in range(4):
        occurred = now - timedelta(minutes=rng.randint(40, 90))
        found.append((occurred, occurred + timedelta(minutes=rng.randint(10, 30))))
    return sorted(found)


def _incident(
    rng: random.Random,
    number: int,
    occurred: datetime,
    pupils: list[Pupil],
    own_pupils: list[Pupil],
    twins: list[int],
) -> IncidentData:
    kind = number % 8
    recent = number >= INCIDENTS - 4
    kids: list[ChildData] = []
    if kind != 7:  # one in eight records no children: the data quality list
        for ref in range(rng.randint(1, 3)):
            how = ("exact", "typo", "swapped", "review", "unknown", "exact", "typo")[kind]
            if how == "unknown":
                kids.append(
                    ChildData(
                        ref=f"C{ref + 1}",
                        presence=rng.choice(["present", "unknown"]),
                        forename=rng.choice(names.GIVEN_NAMES),
                        surname="Unlisted",
                        dob=london_date(occurred) - timedelta(days=rng.randint(300, 1200)),
                    )
                )
                continue
            # The demo DSL's school has a child in the latest incidents, and in one before.
            own = (recent or number == 5) and ref == 0 and own_pupils
            pupil = rng.choice(own_pupils if own else pupils)
            if how == "review":
                _twin(pupil, serial=900 + len(twins))
                twins.append(pupil.pk)
            kids.append(_child_like(rng, pupil, f"C{ref + 1}", how))
    return IncidentData(
        reference=f"WMP/{occurred.astimezone(LONDON):%Y}/{10000 + number}",
        occurred_at=occurred,
        kind=rng.choice(["incident", "crime"]),
        location=f"{rng.randint(1, 120)} {rng.choice(names.PLACE_WORDS)} Road",
        adults=(
            _adult(rng, "victim", born_from=1980),
            _adult(rng, "suspect", born_from=1975),
        ),
        children=tuple(kids),
    )


def _adult(rng: random.Random, role: str, *, born_from: int) -> AdultData:
    """An adult at the incident, born in the twenty years from ``born_from``."""
    return AdultData(
        role,
        rng.choice(names.GIVEN_NAMES),
        rng.choice(names.SURNAMES),
        date(born_from + rng.randint(0, 20), rng.randint(1, 12), rng.randint(1, 28)),
    )


def _school_nights(terms: list[tuple[str, date, date]], start: date, end: date) -> list[date]:
    """Monday to Thursday in term between ``start`` and ``end`` (the next day a school day)."""
    nights = []
    for _, first, last in terms:
        day = max(first, start)
        while day < min(last, end):
            if day.weekday() < 4:
                nights.append(day)
            day += timedelta(days=1)
    return nights


def _earlier_moments(
    rng: random.Random, terms: list[tuple[str, date, date]], today: date
) -> list[tuple[datetime, datetime]]:
    """When each earlier year's incidents happened and reached the service, oldest first: in
    the evening of a school night, sent within three hours, bar a few sent the next morning."""
    running = today.year if today >= date(today.year, 4, 1) else today.year - 1
    found = []
    for year in range(running - EARLIER_YEARS, running):
        nights = _school_nights(terms, date(year, 4, 1), date(year + 1, 4, 1))
        chosen = sorted(rng.sample(nights, EARLIER_INCIDENTS))
        late = set(rng.sample(range(EARLIER_INCIDENTS), EARLIER_LATE_SENDS))
        for number, night in enumerate(chosen):
            hour = rng.choice([h for h in HOURS if 15 <= h <= 21])
            occurred = datetime.combine(night, time(hour, rng.randint(0, 59)), tzinfo=LONDON)
            received = occurred + timedelta(minutes=rng.randint(15, 180))
            if number in late:  # mid-morning of the next (school) day
                received = datetime.combine(
                    night + timedelta(days=1), time(rng.randint(10, 12)), tzinfo=LONDON
                )
            found.append((occurred, received))
    return found


def _earlier_incident(
    rng: random.Random, number: int, occurred: datetime, pupils: list[Pupil]
) -> IncidentData:
    """An earlier year's incident: one or two children of school age then, each on a roll."""
    old_enough = [p for p in pupils if p.dob and (occurred.date() - p.dob).days > 6 * 365]
    kids = tuple(
        replace(_child_like(rng, pupil, f"C{ref + 1}", "exact"), presence="present")
        for ref, pupil in enumerate(rng.sample(old_enough, rng.choice((1, 1, 2))))
    )
    return IncidentData(
        reference=f"WMP/{occurred.astimezone(LONDON):%Y}/{EARLIER_REFERENCE + number}",
        occurred_at=occurred,
        kind=rng.choice(["incident", "crime"]),
        location=f"{rng.randint(1, 120)} {rng.choice(names.PLACE_WORDS)} Road",
        adults=(_adult(rng, "victim", born_from=1980),),
        children=kids,
    )


class _Month:
    """The month's events in the order they happened, each under the demo clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._events: list[tuple[datetime, int, Callable[[datetime], None]]] = []
        self._order = 0
        self._current: datetime | None = None

    def at(self, moment: datetime, event: Callable[[datetime], None]) -> None:
        """Plan ``event`` at ``moment``, or just after the event being told if that is later
        (a send that came after the school day began is answered after it came)."""
        if self._current is not None and moment <= self._current:
            moment = self._current + timedelta(minutes=1)
        if moment < self.now:
            self._order += 1
            heapq.heappush(self._events, (moment, self._order, event))

    def run(self) -> None:
        while self._events:
            moment, _, event = heapq.heappop(self._events)
            self._current = moment
            with clock_at(moment):
                event(moment)


def _worker_tick(moment: datetime) -> None:
    """What the worker does every few minutes: tell schools at the start of the school day what
    the LA's holiday contact had first, and escalate what is still unacknowledged."""
    notifications_remind_schools(now=moment)
    notifications_escalate(now=moment)


def _delivered(notification_ids: list[int]) -> Callable[[datetime], None]:
    """What a running service's worker did within the minute: the e-mails to the schools went
    out and each school was recorded as told (the police duty's clock met). The worker's replay
    covers only the last month, and by then the outbox's retention has cleared e-mails years
    old, so an earlier year's notifications are delivered as they happen."""

    def event(moment: datetime) -> None:
        OutboxMessage.objects.filter(
            state=OutboxState.QUEUED,
            record_type="encompass.notification",
            record_id__in=[str(pk) for pk in notification_ids],
            created_at__lte=moment,
        ).update(state=OutboxState.SENT, sent_at=F("created_at"), attempts=1)
        notifications_mark_told(now=moment)

    return event


def _acknowledger(school_id: int) -> Person | None:
    return (
        Person.objects.filter(
            organisation_id=school_id, role_assignments__role=Role.SCHOOL_DSL, is_active=True
        )
        .order_by("pk")
        .first()
    )


def _follow(rng: random.Random, month: _Month, note: Notification, escalations: list[int]) -> None:
    """Plan what happens to a new notification: its clocks' ticks and the school's answer."""
    month.at(note.school_due_at + timedelta(minutes=1), _worker_tick)
    month.at(note.escalate_at + timedelta(minutes=1), _worker_tick)
    share = rng.random()
    if not escalations and month.now - ESCALATION_WINDOW <= note.escalate_at < month.now:
        escalations.append(note.pk)  # still with the LA: the coordinator follows it up
        return
    if share < ON_TIME_ACK:
        answered = note.school_due_at + timedelta(minutes=rng.randint(5, 110))
    else:  # after the LA was told
        answered = note.escalate_at + timedelta(minutes=rng.randint(20, 300))
    dsl = _acknowledger(note.school_id)
    if dsl is None:
        return

    def acknowledge(moment: datetime) -> None:
        notification_acknowledge(
            actor=dsl,
            notification=note,
            support_given="Check-in with a trusted adult each morning",
        )

    month.at(answered, acknowledge)


def _content(person: linkage.Person) -> tuple[object, ...]:
    return (person.forename, person.surname, person.dob, person.gender, person.postcode)


def _linkage_person(key: str, child: ChildData) -> linkage.Person:
    """The child as matching will see it once stored (trimmed, postcode in capitals)."""
    return linkage.Person(
        key=key,
        forename=child.forename.strip()[:100] or None,
        surname=child.surname.strip()[:100] or None,
        dob=child.dob,
        gender=child.gender or None,
        postcode=child.postcode.strip().upper()[:8] or None,
        school_urns=(child.school_urn,) if child.school_urn else (),
        school_names=(" ".join(child.school_name.split()),) if child.school_name.strip() else (),
    )


class _MatchedOnce:
    """The real matcher, run once over the month's children against the final rolls.

    Matching each incident as it arrives would load the rolls into the model 40 times; the
    answers are the same, so the month's are worked out together and handed out as each
    incident is matched. A child the batch did not see goes to the real matcher.
    """

    def __init__(self, incidents: list[IncidentData]) -> None:
        self.real = matching.MATCH
        children = [
            _linkage_person(f"{number}:{child.ref}", child)
            for number, data in enumerate(incidents)
            for child in data.children
        ]
        self.roll = prepared.database_roll()
        results = self.real(children, self.roll) if children else []
        self.known = {
            _content(child): result for child, result in zip(children, results, strict=True)
        }

    def __call__(
        self, children: Sequence[linkage.Person], roll: linkage.Roll
    ) -> list[linkage.Match]:
        if all(_content(child) in self.known for child in children):
            return [self.known[_content(child)] for child in children]
        return self.real(children, roll)


# Ofsted URNs in both of their forms: EY and six digits (older), seven digits (newer).
EARLY_YEARS = (("EY980001", "Little Acorns Day Nursery"), ("2980002", "Riverside Pre-school"))
EARLY_YEARS_CHILDREN = 6
EARLY_YEARS_REFERENCE = 19001


def _early_years(rng: random.Random, seed: int, today: date) -> list[Pupil]:
    """Two early years settings with their own key adult and a few children aged two to four
    on their rolls (Operation Encompass reaches nurseries and pre-schools as it does schools)."""
    from django.utils.text import slugify
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.children.services import early_years_setting_register
    from safeguard.core import demo as core_demo
    from safeguard.core.demo import PASSWORD
    from safeguard.core.models import RoleAssignment
    from safeguard.core.services.accounts import RECOVERY_NAME
    from safeguard.encompass.models import KeyAdult

    roll_import = RollImport.objects.create(
        kind=ImportKind.ROLL_CSV, file_name="demo early years", sha256="0" * 64, rows=0
    )
    pupils = []
    for index, (urn, name) in enumerate(EARLY_YEARS):
        setting = early_years_setting_register(
            actor=None, ofsted_urn=urn, name=name, la_code=names.LA_CODE
        )
        setting.email = f"safeguarding@{slugify(name)}.{names.EMAIL_DOMAIN}"
        setting.save(update_fields=["email"])
        given, surname = rng.choice(names.GIVEN_NAMES), rng.choice(names.SURNAMES)
        # Like the schools' other DSLs: the setting's own domain, not a one-per-role sign-in.
        email = f"{given}.{surname}@{slugify(name)}.{names.EMAIL_DOMAIN}".lower()
        lead = Person.objects.create_user(
            email=email,
            password=PASSWORD,
            full_name=f"{given} {surname}",
            job_title="Nursery manager and designated safeguarding lead",
            organisation=setting,
            is_demo=True,
        )
        RoleAssignment.objects.create(person=lead, role=Role.SCHOOL_DSL)
        # Signed in like every demo person: an authenticator and recovery codes from the seed.
        TOTPDevice.objects.create(
            user=lead,
            name="Authenticator app",
            key=core_demo._totp_key(seed, email),
            confirmed=True,
        )
        recovery = StaticDevice.objects.create(user=lead, name=RECOVERY_NAME, confirmed=True)
        StaticToken.objects.bulk_create(
            StaticToken(device=recovery, token=code)
            for code in core_demo._recovery_codes(seed, email)
        )
        KeyAdult.objects.create(
            school=setting,
            person=lead,
            trained_on=today - timedelta(days=200),
            expires_on=today + timedelta(days=530),
        )
        for serial in range(EARLY_YEARS_CHILDREN):
            pupils.append(
                Pupil(
                    upn=_upn(900 + index, serial),  # clear of the schools
                    forename=rng.choice(names.GIVEN_NAMES),
                    surname=rng.choice(names.SURNAMES),
                    dob=today - timedelta(days=rng.randint(2 * 365, 4 * 365)),
                    gender=rng.choice("MF"),
                    postcode=_postcode(rng),
                    school=setting,
                    roll_import=roll_import,
                )
            )
    Pupil.objects.bulk_create(pupils)
    roll_import.rows = roll_import.created = len(pupils)
    roll_import.save(update_fields=["rows", "created"])
    return pupils


def _early_years_incident(rng: random.Random, now: datetime, pupil: Pupil) -> IncidentData:
    """An incident six days ago with a nursery child present: the setting is told."""
    occurred = datetime.combine(london_date(now) - timedelta(days=6), time(19, 40), LONDON)
    return IncidentData(
        reference=f"WMP/{occurred:%Y}/{EARLY_YEARS_REFERENCE}",
        occurred_at=occurred,
        kind="incident",
        location=f"{rng.randint(1, 120)} {rng.choice(names.PLACE_WORDS)} Road",
        adults=(
            AdultData(
                "victim",
                rng.choice(names.GIVEN_NAMES),
                pupil.surname,
                date(1990 + rng.randint(0, 8), rng.randint(1, 12), rng.randint(1, 28)),
            ),
        ),
        children=(_child_like(rng, pupil, "C1", "exact"),),
    )


def add_demo_encompass(*, seed: int) -> int:
    """Add the Encompass demo records; returns how many were made.

    The present is the demo clock's (``create_demo_partnership`` sets it).
    """
    rng = random.Random(f"encompass:{seed}")
    schools = list(
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL, la_code=names.LA_CODE).order_by(
            "urn"
        )
    )
    force = Organisation.objects.filter(kind=OrganisationKind.POLICE).order_by("pk").first()
    coordinator = Person.objects.filter(
        role_assignments__role=Role.LA_ENCOMPASS_COORDINATOR
    ).first()
    if not schools or force is None:
        return 0
    now = timezone.now()
    today = london_date(now)
    pupils = _rolls(rng, schools, today)
    made = len(pupils) + _calendars(rng, schools, coordinator, today)
    demo_dsl = Person.objects.filter(email=f"dsl@{names.EMAIL_DOMAIN}").first()
    own_pupils = [p for p in pupils if demo_dsl and p.school_id == demo_dsl.organisation_id]
    month = _Month(now)
    twins: list[int] = []
    escalations: list[int] = []

    def receive(data: IncidentData, stream: random.Random = rng) -> Callable[[datetime], None]:
        def event(moment: datetime) -> None:
            incident, _ = incident_receive(actor=None, force=force, data=data)
            children_match(children=list(incident.children.all()))
            notes = list(Notification.objects.filter(child__incident=incident).order_by("pk"))
            if stream is not rng:  # an earlier year's: delivered within the minute, as then
                month.at(moment + timedelta(minutes=1), _delivered([n.pk for n in notes]))
            for note in notes:
                _follow(stream, month, note, escalations)

        return event

    incidents = []
    # The earlier years draw on their own random stream, so the month below is the same.
    earlier_rng = random.Random(f"encompass-earlier:{seed}")
    for number, (occurred, received) in enumerate(
        _earlier_moments(earlier_rng, terms_around(today), today)
    ):
        data = _earlier_incident(earlier_rng, number, occurred, pupils)
        incidents.append(data)
        month.at(received, receive(data, earlier_rng))
        made += 1 + len(data.children)
    for number, (occurred, received) in enumerate(_moments(rng, now)):
        data = _incident(rng, number, occurred, pupils, own_pupils, twins)
        incidents.append(data)
        month.at(received, receive(data))
        made += 1 + len(data.children)
    # The early years settings draw on their own random stream, so the schools' month above
    # is the same with or without them.
    early_rng = random.Random(f"encompass-early-years:{seed}")
    early = _early_years(early_rng, seed, today)
    made += len(early)
    nursery = _early_years_incident(early_rng, now, early[0])
    incidents.append(nursery)

    def receive_nursery(moment: datetime) -> None:
        incident, _ = incident_receive(actor=None, force=force, data=nursery)
        children_match(children=list(incident.children.all()))
        for note in Notification.objects.filter(child__incident=incident).order_by("pk"):
            _follow(early_rng, month, note, escalations)

    month.at(nursery.occurred_at + timedelta(minutes=25), receive_nursery)
    made += 2
    batch = _MatchedOnce(incidents)
    # The rolls do not change during the month (the twins are on them already): read once.
    real_roll = matching.ROLL
    matching.MATCH, matching.ROLL = batch, lambda: batch.roll
    try:
        month.run()
    finally:
        matching.MATCH, matching.ROLL = batch.real, real_roll
    made += Notification.objects.count()
    return made
