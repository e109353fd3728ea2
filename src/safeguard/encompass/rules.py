"""When a school must be told, and who is told first. Pure: no Django, no I/O.

The duty (DESIGN.md section 4, encompass) is to tell the child's school before the start of the
next school day. A school day is a weekday inside one of the school's terms that is neither a
bank holiday nor an INSET day; it starts at the school's own start time (Europe/London).

Who is told when:

* In term time, when no weekend or holiday day lies between the incident and the next school
  day: the school's key adults, due at the start of the next school day.
* Otherwise (a weekend, half term, the summer): someone must know by the next morning, so the
  first notice is due at the school's start time on the next calendar day (the same day if
  the incident was before it). It goes to the school's on-duty key adult where the school has
  one; otherwise to the LA's holiday contact, and the school's key adults are told again at
  the start of the next school day.

A calendar that does not reach far enough (no term entered beyond the date) cannot say when
the next school day is: ``CalendarNotCovering`` is raised rather than a guess, and the caller
shows the gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from difflib import SequenceMatcher
from enum import StrEnum

from safeguard.children import normalise
from safeguard.core.clock import LONDON, WorkingCalendar

_ONE_DAY = timedelta(days=1)

# The most children one incident may carry. A household rarely has more than a dozen; the cap
# keeps a faulty sender from making one request match thousands of children (5,000 took 20 s).
MAX_CHILDREN_PER_INCIDENT = 50


class CalendarNotCovering(Exception):
    """The school's terms end before the next school day could be found."""

    def __init__(self, day: date, last_term_ends: date | None) -> None:
        self.day = day
        self.last_term_ends = last_term_ends
        known = last_term_ends.isoformat() if last_term_ends else "no term at all"
        super().__init__(
            f"the school calendar cannot place {day.isoformat()}: its terms end at {known}."
            " Enter the next terms (or the LA default calendar) to know the next school day."
        )


@dataclass(frozen=True)
class Term:
    starts_on: date
    ends_on: date

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise ValueError("a term cannot end before it starts")


@dataclass(frozen=True)
class SchoolCalendar:
    """One school's effective calendar: its terms, INSET days, start time, bank holidays."""

    terms: tuple[Term, ...]
    inset_days: frozenset[date]
    day_starts_at: time
    bank_holidays: WorkingCalendar
    _last: date | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        last = max((t.ends_on for t in self.terms), default=None)
        object.__setattr__(self, "_last", last)

    @property
    def last_term_ends(self) -> date | None:
        return self._last

    def in_term(self, day: date) -> bool:
        return any(t.starts_on <= day <= t.ends_on for t in self.terms)

    def is_school_day(self, day: date) -> bool:
        if self._last is None or day > self._last:
            raise CalendarNotCovering(day, self._last)
        return (
            day.weekday() < 5
            and self.in_term(day)
            and day not in self.inset_days
            and not self.bank_holidays.is_holiday(day)
        )

    def day_start(self, day: date) -> datetime:
        return datetime.combine(day, self.day_starts_at, tzinfo=LONDON)

    def next_school_day_start(self, after: datetime) -> datetime:
        """The first start of a school day strictly after the moment ``after``."""
        local = _aware(after).astimezone(LONDON)
        day = local.date()
        if not (self.is_school_day(day) and self.day_start(day) > local):
            day += _ONE_DAY
            while not self.is_school_day(day):
                day += _ONE_DAY
        return self.day_start(day)

    def next_morning(self, after: datetime) -> datetime:
        """The school's start time on the next calendar day (today's, if not yet reached)."""
        local = _aware(after).astimezone(LONDON)
        today = self.day_start(local.date())
        return today if today > local else self.day_start(local.date() + _ONE_DAY)


class Recipient(StrEnum):
    SCHOOL = "school"  # the school's key adults (DSL and deputies)
    ON_DUTY_KEY_ADULT = "on_duty_key_adult"  # the school's key adult on duty in the holidays
    LA_HOLIDAY_CONTACT = "la_holiday_contact"


@dataclass(frozen=True)
class Step:
    recipient: Recipient
    due_at: datetime
    rule: str


@dataclass(frozen=True)
class Plan:
    """The notices for one child at one school, in the order they fall due."""

    steps: tuple[Step, ...]
    next_school_day_starts: datetime
    out_of_school_time: bool


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment


def when(moment: datetime) -> str:
    """GOV.UK style: "8:45am on Monday 2 November 2026"."""
    local = moment.astimezone(LONDON)
    hour = local.hour % 12 or 12
    half = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local:%M}{half} on {local:%A} {local.day} {local:%B %Y}"


def notification_due(incident_at: datetime, calendar: SchoolCalendar) -> datetime:
    """The start of the next school day after the incident: when the school must know."""
    return calendar.next_school_day_start(incident_at)


def notification_plan(
    incident_at: datetime, calendar: SchoolCalendar, *, has_on_duty_key_adult: bool
) -> Plan:
    """Who is told and by when, for a child of this school at an incident at ``incident_at``."""
    school_due = notification_due(incident_at, calendar)
    morning = calendar.next_morning(incident_at)
    school_step = Step(
        Recipient.SCHOOL, school_due, f"start of the next school day ({when(school_due)})"
    )
    if school_due <= morning:
        return Plan((school_step,), school_due, out_of_school_time=False)
    first_rule = f"weekend or holiday: by the next morning ({when(morning)})"
    if has_on_duty_key_adult:
        steps: tuple[Step, ...] = (Step(Recipient.ON_DUTY_KEY_ADULT, morning, first_rule),)
    else:
        steps = (Step(Recipient.LA_HOLIDAY_CONTACT, morning, first_rule), school_step)
    return Plan(steps, school_due, out_of_school_time=True)


def escalation_due(school_due: datetime, *, after: timedelta) -> datetime:
    """When an unacknowledged notification goes to the LA coordinator."""
    return school_due + after


def hours_and_minutes(minutes: float | None) -> str:
    """A duration as people read it: "3 days 2 hours 5 minutes", "45 minutes", never raw
    minutes; "Not available" when there is nothing to measure."""
    if minutes is None:
        return "Not available"
    total = max(round(minutes), 0)
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    for value, unit in ((days, "day"), (hours, "hour"), (mins, "minute")):
        if value:
            parts.append(f"{value} {unit}{'' if value == 1 else 's'}")
    return " ".join(parts) or "0 minutes"


def initials(forename: str, surname: str) -> str:
    """ "R A" for Robin Ashdown: enough to tell children apart on a list, no more."""
    letters = [name.strip()[0].upper() for name in (forename, surname) if name.strip()]
    return " ".join(letters) or "Not recorded"


def age_on(dob: date | None, day: date) -> int | None:
    """Age in whole years on ``day`` (None without a date of birth)."""
    if dob is None:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass(frozen=True)
class Agreement:
    label: str
    police: str
    pupil: str
    verdict: str  # "Same", "Similar", "Differs" or "Not recorded"


def agreements(police: dict[str, str], pupil: dict[str, str]) -> list[Agreement]:
    """The police record and a candidate pupil field by field, each marked the same or not
    (case and spacing ignored), so a reviewer sees at once where they disagree.

    A name the police wrote nearly as the roll does is "Similar" rather than "Differs": a slip
    of the keyboard ("Murohy", "Murphy"), the name a child is known by ("Alfie", "Alfred"),
    part of a double-barrelled surname, or forename and surname the wrong way round. So is a
    date of birth with day and month swapped. Anything else that disagrees "Differs".
    """
    rows = []
    for key, label in (
        ("forename", "Forename"),
        ("surname", "Surname"),
        ("dob", "Date of birth"),
        ("gender", "Gender"),
        ("postcode", "Postcode"),
    ):
        ours, theirs = police.get(key, ""), pupil.get(key, "")
        if not ours or not theirs:
            verdict = "Not recorded"
        elif " ".join(ours.upper().split()) == " ".join(theirs.upper().split()):
            verdict = "Same"
        elif _similar(key, police, pupil):
            verdict = "Similar"
        else:
            verdict = "Differs"
        rows.append(Agreement(label, ours or "Not recorded", theirs or "Not recorded", verdict))
    return rows


# Names at least this alike (difflib's ratio, once normalised) are shown as "Similar": one
# letter wrong, left out or doubled in a name of five or more letters.
NAME_SIMILAR = 0.8


def _similar(key: str, police: dict[str, str], pupil: dict[str, str]) -> bool:
    ours, theirs = police.get(key, ""), pupil.get(key, "")
    if key in ("forename", "surname"):
        other = "surname" if key == "forename" else "forename"
        a, b = normalise.name(ours), normalise.name(theirs)
        if not a or not b:
            return False
        swapped = normalise.name(police.get(other, "")) == b or a == normalise.name(
            pupil.get(other, "")
        )
        parts = set(normalise.name_parts(ours) or ()) & set(normalise.name_parts(theirs) or ())
        known_as = key == "forename" and normalise.canonical_forename(
            ours
        ) == normalise.canonical_forename(theirs)
        return bool(
            swapped or parts or known_as or SequenceMatcher(None, a, b).ratio() >= NAME_SIMILAR
        )
    if key == "dob":
        return _day_month_swapped(ours, theirs)
    return False


def _day_month_swapped(ours: str, theirs: str) -> bool:
    """Dates written "4 March 2016": the same year, the day of one the month of the other."""
    try:
        a = datetime.strptime(ours, "%d %B %Y").date()
        b = datetime.strptime(theirs, "%d %B %Y").date()
    except ValueError:
        return False
    return a.year == b.year and a.day == b.month and a.month == b.day


# Names at least this alike (difflib's ratio, once normalised) are shown as "Similar".
SCHOOL_NAME_SIMILAR = 0.85


def school_agreement(
    *, police_name: str, police_urn: str, pupil_name: str, pupil_urn: str
) -> Agreement:
    """The school the police recorded beside a candidate's school on the roll: "Same" when the
    URNs are equal or the names are once normalised ("ST MARYS PRIMARY" is St Mary's C of E
    Primary School), "Similar" for a name nearly the same (a slip of the keyboard), "Differs"
    otherwise (often a school the child has left), "Not recorded" when either side has none."""
    police = ", ".join(part for part in (police_name, police_urn and f"URN {police_urn}") if part)
    pupil = f"{pupil_name} (URN {pupil_urn})" if pupil_urn else pupil_name
    ours, theirs = normalise.school_name(police_name), normalise.school_name(pupil_name)
    if not police or not pupil:
        verdict = "Not recorded"
    elif (police_urn and police_urn == pupil_urn) or (ours and ours == theirs):
        verdict = "Same"
    elif ours and theirs and SequenceMatcher(None, ours, theirs).ratio() >= SCHOOL_NAME_SIMILAR:
        verdict = "Similar"
    else:
        verdict = "Differs"
    return Agreement(
        "School or setting", police or "Not recorded", pupil or "Not recorded", verdict
    )
