"""A held-out benchmark: a school roll and incident children as police systems record them.

Written apart from the matching model (it imports nothing from ``linkage``, ``normalise`` or
``nicknames``): its own name lists, its own nicknames and its own error mechanisms, so that the
model is not measured on the errors it was written for. No real child: postcodes are in the
made-up ``ZY`` area, UPNs are made up (with valid check letters, which the roll reader checks).

Each incident child carries one error type (``ERROR_TYPES``), so the benchmark can report
precision and recall per type. The types and their shares follow what police records show:
names shouted in capitals, forename and surname the wrong way round, a double-barrelled
surname recorded in part or with a space for its hyphen, a surname changed since the roll
(a parent's new partner) with a new address, no date of birth with a misspelt name, day and
month swapped, the name a child is known by, keyboard slips and dropped letters, stray spaces
and punctuation, no postcode. Every record also has background noise: gender often unrecorded
and postcodes in any case and spacing. About one child in ten is on no roll at all.

``incident_children`` draws each child on its own (no two children share an incident).
``household_incidents`` (added later) draws incidents as the police record them: every child
of a household of the roll, each with an error type drawn at the same rates. What a household
shares, it shares for all its children: when a child's surname changed to a new partner's, the
family has moved, so every child of the incident is recorded at the new address and every
child whose surname changed takes the same new one; about one incident in seven also names a
child of the household who is on no roll (a younger brother or sister under school age, same
surname and address), and one incident in ten is a family on no roll at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from safeguard.children.identifiers import upn_check_letter


def _words(text: str) -> list[str]:
    return text.split()


BOYS = _words(
    "Aaron Abdul Adrian Aidan Alan Alexander Alfie Amir Andrew Angus Ashton Austin Ayaan Barney "
    "Benjamin Blake Bradley Brandon Brody Cai Callum Cameron Charles Christian Cody Corey Cyrus "
    "Daniel Danny Darius Dexter Dominic Douglas Eddie Edward Eli Elliot Emmanuel Eric Ewan "
    "Fabian Farhan Fergus Frank Gareth Gavin Grayson Hamish Harley Hassan Hayden Henry Hunter "
    "Ian Idris Isaac Ivan Jacob Jake James Jenson Jonah Jordan Joseph Joshua Kacper Kane Keaton "
    "Kieran Kristian Lachlan Lennon Leo Lewis Lincoln Lucas Luke Marcus Mateo Matthew Maxwell "
    "Mikey Milo Mohammed Nathaniel Nicholas Noah Oakley Oliver Oscar Otis Patrick Rayan Reggie "
    "Rhys Ricky Robert Ronan Rory Ruben Samuel Seth Shay Simon Spencer Stefan Taylan Terence "
    "Thomas Timothy Tobias Tristan Tyler Usman Vincent Warren William Xavier Zac Zayn"
)
GIRLS = _words(
    "Abigail Ada Aimee Alexandra Alisha Amber Amelia Anna Annabel Aoife Ava Bella Bethany Bonnie "
    "Brooke Caitlin Cara Catherine Chelsea Chloe Christina Courtney Daisy Danielle Darcey Demi "
    "Eden Eleanor Elizabeth Ella Ellie Eloise Emily Emma Erin Esme Evie Faith Felicity Freya "
    "Gabriella Georgia Gracie Hannah Harriet Hollie Imogen India Isabel Isla Jade Jasmine Jessica "
    "Jodie Kayla Keira Kimberley Lacey Lara Lauren Leah Lexi Libby Lilly Lola Louise Lucy Madison "
    "Maisie Margaret Maria Martha Megan Melissa Mia Millie Molly Nadia Naomi Natasha Nevaeh Nicole "
    "Niamh Olivia Paige Patricia Phoebe Poppy Rebecca Rose Ruby Safiya Sarah Scarlett Sienna "
    "Sophia Stephanie Summer Tegan Tilly Victoria Violet Willow Yasmin Zainab Zara Zoe"
)
COMMON_SURNAMES = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson "
    "Evans Walker White Roberts Green Hall Thomas Clarke Jackson Wood Harris Edwards Turner "
    "Martin Cooper Hill Ward Hughes Moore Clark King Harrison Lewis Baker Lee Allen Morris Khan "
    "Scott Watson Davis Parker James Bennett Young Phillips Richardson Mitchell Bailey Carter "
    "Cook Singh Shaw Bell Collins Morgan Kelly Begum Miller Cox Hussain Marshall Simpson Price "
    "Anderson Adams Wilkinson Ali Ahmed Foster Ellis Murphy Chapman Mason Gray Richards Webb "
    "Griffiths Hunt Palmer Campbell Holmes Mills Rogers Barnes Knight Matthews Barker Powell "
    "Stevens Kaur Fisher Butler Dixon Russell Harvey Pearson Graham Fletcher"
)
# Rare surnames: invented from syllables, each held by a handful of families.
SYLLABLES_START = _words("Ab Bel Cor Dra Esk Fal Gor Hol Ing Jar Kel Lor Mal Nor Orm Pel Quin Rav")
SYLLABLES_MIDDLE = ["", "ra", "en", "il", "ow", "ar"]
SYLLABLES_END = _words("by croft dale gate holm ley more ridge stow ton wick worth")
# What a child is called at home, as an officer writes it down.
KNOWN_AS: dict[str, list[str]] = {
    "alexander": ["Alex", "Xander", "Sandy"],
    "andrew": ["Andy", "Drew"],
    "benjamin": ["Ben", "Benji", "Benny"],
    "charles": ["Charlie", "Chas"],
    "christian": ["Chris"],
    "daniel": ["Dan", "Danny"],
    "dominic": ["Dom"],
    "edward": ["Ed", "Eddie", "Ted"],
    "henry": ["Harry", "Hal"],
    "jacob": ["Jake", "Jay"],
    "james": ["Jim", "Jamie", "Jimmy"],
    "joseph": ["Joe", "Joey"],
    "joshua": ["Josh"],
    "matthew": ["Matt", "Matty"],
    "maxwell": ["Max"],
    "mohammed": ["Mo", "Mohammad", "Muhammad"],
    "nathaniel": ["Nate", "Nathan"],
    "nicholas": ["Nick", "Nicky"],
    "robert": ["Rob", "Bobby", "Robbie"],
    "samuel": ["Sam", "Sammy"],
    "thomas": ["Tom", "Tommy"],
    "timothy": ["Tim", "Timmy"],
    "tobias": ["Toby"],
    "william": ["Will", "Billy", "Liam"],
    "abigail": ["Abbie", "Abby"],
    "alexandra": ["Alex", "Lexi"],
    "catherine": ["Cat", "Katie", "Kate"],
    "danielle": ["Dani"],
    "elizabeth": ["Liz", "Beth", "Lizzie", "Betsy"],
    "gabriella": ["Gabby", "Ella"],
    "isabel": ["Izzy", "Bella"],
    "jessica": ["Jess", "Jessie"],
    "kimberley": ["Kim"],
    "margaret": ["Maggie", "Peggy", "Meg"],
    "natasha": ["Tasha"],
    "patricia": ["Trish", "Patty"],
    "rebecca": ["Becky", "Becca"],
    "stephanie": ["Steph"],
    "victoria": ["Vicky", "Tori"],
}
KEYBOARD = [
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
]
REFERENCE = date(2026, 9, 1)
AREA = "ZY"

# Error types and their shares among children on the roll (they sum to 1).
ERROR_TYPES: dict[str, float] = {
    "clean": 0.20,
    "capitals": 0.08,
    "names_swapped": 0.08,
    "double_barrel_part": 0.06,
    "double_barrel_variant": 0.04,
    "surname_and_postcode_changed": 0.06,
    "no_dob_misspelt_name": 0.05,
    "day_month_swapped": 0.06,
    "nickname": 0.09,
    "keyboard_typo": 0.08,
    "dropped_letter": 0.07,
    "whitespace_punctuation": 0.06,
    "no_postcode": 0.07,
}
NOT_ON_ROLL = "not_on_roll"


@dataclass(frozen=True)
class Record:
    """A pupil of the roll or a child as the police recorded them; ``key`` is UPN or ref."""

    key: str
    forename: str
    surname: str
    dob: date | None
    gender: str
    postcode: str
    # A pupil's school on the roll; for an incident child, the school as the police recorded
    # it (either or both may be empty).
    school_urn: str = ""
    school_name: str = ""


@dataclass(frozen=True)
class Incident:
    """Children as recorded, the UPN each truly is ("" if none) and each one's error type."""

    children: list[Record]
    truth: dict[str, str]
    error_type: dict[str, str]
    # ref -> the incident the child was named in (empty for ``incident_children``).
    incident: dict[str, str] = field(default_factory=dict)
    # ref -> how the police recorded the child's school (``SCHOOL_RECORDING`` or
    # ``STRANGER_SCHOOL``).
    school_kind: dict[str, str] = field(default_factory=dict)


def _zipf(count: int, exponent: float) -> list[float]:
    return [1 / rank**exponent for rank in range(1, count + 1)]


class _Draw:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.boys_w = _zipf(len(BOYS), 0.8)
        self.girls_w = _zipf(len(GIRLS), 0.8)
        self.common_w = _zipf(len(COMMON_SURNAMES), 0.7)
        self.rare = [
            a + b + c for a in SYLLABLES_START for b in SYLLABLES_MIDDLE for c in SYLLABLES_END
        ]

    def forename(self, gender: str) -> str:
        names, weights = (BOYS, self.boys_w) if gender == "M" else (GIRLS, self.girls_w)
        return self.rng.choices(names, weights)[0]

    def single_surname(self) -> str:
        if self.rng.random() < 0.5:
            return self.rng.choices(COMMON_SURNAMES, self.common_w)[0]
        return self.rng.choice(self.rare)

    def surname(self) -> str:
        if self.rng.random() < 0.06:
            first, second = self.single_surname(), self.single_surname()
            if first != second:
                return f"{first}-{second}"
        return self.single_surname()

    def postcode(self) -> str:
        r = self.rng
        unit = r.choice("ABDEHJLNPQ") + r.choice("RSTUWXYZ")
        return f"{AREA}{r.randint(1, 60)} {r.randint(1, 9)}{unit}"

    def dob(self) -> date:
        return REFERENCE - timedelta(days=self.rng.randint(4 * 365, 17 * 365))


def roll(size: int, seed: int = 101) -> list[Record]:
    """``size`` pupils in households of one to five children, about 2% of births twins."""
    rng = random.Random(seed)
    draw = _Draw(rng)
    pupils: list[Record] = []
    serial = 0
    while len(pupils) < size:
        surname, postcode = draw.surname(), draw.postcode()
        births: list[date] = []
        for _ in range(rng.choices([1, 2, 3, 4, 5], [40, 35, 16, 6, 3])[0]):
            births.append(births[-1] if births and rng.random() < 0.02 else draw.dob())
        used: set[str] = set()
        for born in births:
            gender = rng.choice("MF")
            forename = draw.forename(gender)
            while forename in used:
                forename = draw.forename(gender)
            used.add(forename)
            serial += 1
            body = f"{900 + serial // 10**9:03d}{serial % 10**9:09d}"
            # Drawn as before schools had names, so that a seed gives the same children.
            school = f"{rng.randint(150000, 199999)}"
            pupils.append(
                Record(
                    upn_check_letter(body) + body, forename, surname, born, gender, postcode, school
                )
            )
    return _with_schools(pupils[:size], random.Random(seed + 50))


# --- schools --------------------------------------------------------------------------------

PLACES = _words(
    "Oak Beech Elm Ash Cedar Holly Willow Birch Hazel Rowan Maple Alder Thorn Bramble Heather "
    "Meadow Brook Hill Park Grange Mill Church Green Heath Moor Vale Ridge Fern Rose Kings "
    "Queens Abbey Priory Castle Bridge Lea Marsh Stone Chapel Orchard Windmill Spring Fox Hart"
)
PLACE_ENDS = _words("field wood lands side croft mead bank gate way hurst ford dene")
SAINTS = _words("Mary's John's Peter's Paul's Anne's Joseph's Michael's George's Andrew's")
PRIMARY_KINDS = [
    "Primary School",
    "Primary School",
    "Infant and Junior School",
    "Primary Academy",
    "C of E Primary School",
    "Community Primary School",
    "Junior School",
]
SECONDARY_KINDS = ["High School", "Academy", "School", "College", "Secondary School"]
PUPILS_PER_PRIMARY = 230
PUPILS_PER_SECONDARY = 950
SECONDARY_AGE = 11


@dataclass(frozen=True)
class School:
    urn: str
    name: str
    phase: str  # "primary" or "secondary"


def _school_name(rng: random.Random, kinds: list[str]) -> str:
    kind = rng.choice(kinds)
    if rng.random() < 0.15:
        return f"St {rng.choice(SAINTS)} {kind}"
    return f"{rng.choice(PLACES)}{rng.choice(PLACE_ENDS)} {kind}"


def schools_for(size: int, rng: random.Random, first_urn: int = 100000) -> list[School]:
    """The primary and secondary schools of a roll of ``size`` (names may repeat, as "St
    Mary's" does across a county; URNs never do)."""
    primaries = max(1, round(0.55 * size / PUPILS_PER_PRIMARY))
    secondaries = max(1, round(0.45 * size / PUPILS_PER_SECONDARY))
    found = []
    for number in range(primaries + secondaries):
        phase = "primary" if number < primaries else "secondary"
        kinds = PRIMARY_KINDS if phase == "primary" else SECONDARY_KINDS
        found.append(School(str(first_urn + number), _school_name(rng, kinds), phase))
    return found


def _age(born: date | None) -> int:
    if born is None:
        return 0
    return REFERENCE.year - born.year - ((REFERENCE.month, REFERENCE.day) < (born.month, born.day))


def _with_schools(pupils: list[Record], rng: random.Random) -> list[Record]:
    """Each household's children at one primary and one secondary school, by age."""
    schools = schools_for(len(pupils), rng)
    primaries = [s for s in schools if s.phase == "primary"]
    secondaries = [s for s in schools if s.phase == "secondary"]
    chosen: dict[tuple[str, str], tuple[School, School]] = {}
    result = []
    for pupil in pupils:
        home = (pupil.surname, pupil.postcode)
        if home not in chosen:
            chosen[home] = (rng.choice(primaries), rng.choice(secondaries))
        primary, secondary = chosen[home]
        school = secondary if _age(pupil.dob) >= SECONDARY_AGE else primary
        result.append(replace(pupil, school_urn=school.urn, school_name=school.name))
    return result


def roll_schools(pupils: list[Record]) -> list[School]:
    """The schools of a roll made by ``roll``, in URN order."""
    found: dict[str, School] = {}
    for pupil in pupils:
        if pupil.school_urn not in found:
            phase = "secondary" if _age(pupil.dob) >= SECONDARY_AGE else "primary"
            found[pupil.school_urn] = School(pupil.school_urn, pupil.school_name, phase)
    return [found[urn] for urn in sorted(found)]


# How the police record the school of a child on the roll, and how often. Police systems
# often leave it out; when they have it, it is usually a name as the officer heard or typed it,
# sometimes the URN, sometimes a school the child has left, sometimes a mistyped URN.
SCHOOL_RECORDING: dict[str, float] = {
    "blank": 0.40,
    "urn_and_name": 0.10,
    "name_as_written": 0.22,
    "urn_only": 0.05,
    "misspelt_name": 0.08,
    "previous_school": 0.10,
    "mistyped_urn": 0.05,
}
# And of a child on no roll: usually nothing; a school elsewhere; or a school of the roll the
# child does not attend (a family new to the area, an officer's guess).
STRANGER_SCHOOL: dict[str, float] = {
    "stranger_blank": 0.50,
    "stranger_school_elsewhere": 0.30,
    "stranger_roll_school": 0.20,
}


def _as_written(rng: random.Random, name: str) -> str:
    """A school's name the way an officer writes it: capitals, "School" left off, "St" and
    "Saint", "CE" for "C of E", "and" for "&" and back, "Prim" for "Primary"."""
    if rng.random() < 0.4:
        name = name.replace(" School", "")
    if rng.random() < 0.3:
        name = name.replace("C of E", rng.choice(["CE", "C.E.", "Church of England"]))
    if rng.random() < 0.3:
        name = name.replace("St ", "Saint ").replace("'s", "s")
    if rng.random() < 0.2:
        name = name.replace(" and ", " & ")
    if rng.random() < 0.15:
        name = name.replace("Primary", "Prim")
    if rng.random() < 0.4:
        name = name.upper()
    return name


def _mistyped_urn(rng: random.Random, urn: str) -> str:
    """Two neighbouring digits swapped, or one digit struck one off; never the URN itself."""
    while True:
        digits = list(urn)
        at = rng.randrange(1, len(digits) - 1)
        if rng.random() < 0.5:
            digits[at], digits[at + 1] = digits[at + 1], digits[at]
        else:
            digits[at] = str((int(digits[at]) + rng.choice([1, 9])) % 10)
        typed = "".join(digits)
        if typed != urn:
            return typed


def record_school(
    rng: random.Random, child: Record, pupil: Record | None, schools: list[School]
) -> tuple[Record, str]:
    """``child`` with its school as the police recorded it, and how (see the rates above).
    ``pupil`` is the child's own roll record (``None`` for a child on no roll)."""
    if pupil is None:
        kind = rng.choices(list(STRANGER_SCHOOL), list(STRANGER_SCHOOL.values()))[0]
        if kind == "stranger_school_elsewhere":
            elsewhere = _school_name(rng, PRIMARY_KINDS + SECONDARY_KINDS)
            urn = str(rng.randint(200000, 299999)) if rng.random() < 0.3 else ""
            return replace(child, school_urn=urn, school_name=elsewhere), kind
        if kind == "stranger_roll_school":
            school = rng.choice(schools)
            return replace(child, school_urn="", school_name=_as_written(rng, school.name)), kind
        return replace(child, school_urn="", school_name=""), kind
    kind = rng.choices(list(SCHOOL_RECORDING), list(SCHOOL_RECORDING.values()))[0]
    urn, name = pupil.school_urn, pupil.school_name
    match kind:
        case "urn_and_name":
            return replace(child, school_urn=urn, school_name=name), kind
        case "name_as_written":
            return replace(child, school_urn="", school_name=_as_written(rng, name)), kind
        case "urn_only":
            return replace(child, school_urn=urn, school_name=""), kind
        case "misspelt_name":
            words = name.split()
            at = rng.randrange(len(words))
            words[at] = misspelt(rng, words[at])
            return replace(child, school_urn="", school_name=" ".join(words)), kind
        case "previous_school":
            # A primary school the child has left (for a secondary pupil, their old primary;
            # for a primary pupil, one before a move); the URN too, sometimes.
            others = [s for s in schools if s.phase == "primary" and s.urn != urn]
            school = rng.choice(others or schools)
            old_urn = school.urn if rng.random() < 0.3 else ""
            return replace(child, school_urn=old_urn, school_name=school.name), kind
        case "mistyped_urn":
            return replace(child, school_urn=_mistyped_urn(rng, urn), school_name=""), kind
        case _:
            return replace(child, school_urn="", school_name=""), kind


# --- error mechanisms ---------------------------------------------------------------------


def _neighbour(rng: random.Random, letter: str) -> str:
    lower = letter.lower()
    for row in KEYBOARD:
        at = row.find(lower)
        if at >= 0:
            choices = [row[i] for i in (at - 1, at + 1) if 0 <= i < len(row)]
            found = rng.choice(choices)
            return found.upper() if letter.isupper() else found
    return letter


def keyboard_typo(rng: random.Random, value: str) -> str:
    """One letter struck as its neighbour on the keyboard (never the first letter)."""
    if len(value) < 3:
        return value
    at = rng.randrange(1, len(value))
    return value[:at] + _neighbour(rng, value[at]) + value[at + 1 :]


def dropped_letter(rng: random.Random, value: str) -> str:
    """A letter left out, or a doubled letter written once ("Phillips" -> "Philips")."""
    if len(value) < 4:
        return value
    doubles = [i for i in range(1, len(value)) if value[i] == value[i - 1]]
    at = rng.choice(doubles) if doubles and rng.random() < 0.5 else rng.randrange(1, len(value))
    return value[:at] + value[at + 1 :]


def misspelt(rng: random.Random, value: str) -> str:
    return keyboard_typo(rng, value) if rng.random() < 0.5 else dropped_letter(rng, value)


def _background(rng: random.Random, child: Record) -> Record:
    """Noise on every record: gender often unrecorded, postcodes in any case and spacing."""
    gender = "" if rng.random() < 0.25 else child.gender
    postcode = child.postcode
    draw = rng.random()
    if postcode and draw < 0.2:
        postcode = postcode.replace(" ", "")
    elif postcode and draw < 0.35:
        postcode = postcode.lower()
    return replace(child, gender=gender, postcode=postcode)


def corrupt(rng: random.Random, draw: _Draw, child: Record, error: str) -> Record:
    """The police record of ``child`` with one error of type ``error``."""
    f, s = child.forename, child.surname
    match error:
        case "capitals":
            child = replace(child, forename=f.upper(), surname=s.upper())
        case "names_swapped":
            if rng.random() < 0.5:
                f, s = f.upper(), s.upper()
            child = replace(child, forename=s, surname=f)
        case "double_barrel_part":
            parts = s.split("-")
            child = replace(child, surname=parts[0] if rng.random() < 0.4 else parts[-1])
        case "double_barrel_variant":
            joiner = rng.choice([" ", "", " - "])
            child = replace(child, surname=s.replace("-", joiner))
        case "surname_and_postcode_changed":
            new = draw.single_surname()
            while new == s:
                new = draw.single_surname()
            child = replace(child, surname=new, postcode=draw.postcode())
        case "no_dob_misspelt_name":
            if rng.random() < 0.5:
                child = replace(child, dob=None, forename=misspelt(rng, f))
            else:
                child = replace(child, dob=None, surname=misspelt(rng, s))
        case "day_month_swapped":
            dob = child.dob
            if dob is not None and dob.day <= 12 and dob.day != dob.month:
                child = replace(child, dob=date(dob.year, dob.day, dob.month))
            elif dob is not None:
                # A day that cannot be a month: the officer guessed the 1st of the month.
                child = replace(
                    child, dob=dob.replace(day=1) if dob.day != 1 else dob.replace(day=2)
                )
        case "nickname":
            known = KNOWN_AS.get(f.lower())
            if known:
                child = replace(child, forename=rng.choice(known))
            else:
                child = replace(child, forename=f[: max(3, len(f) - 2)])
        case "keyboard_typo":
            if rng.random() < 0.5:
                child = replace(child, forename=keyboard_typo(rng, f))
            else:
                child = replace(child, surname=keyboard_typo(rng, s))
        case "dropped_letter":
            if rng.random() < 0.5:
                child = replace(child, forename=dropped_letter(rng, f))
            else:
                child = replace(child, surname=dropped_letter(rng, s))
        case "whitespace_punctuation":
            child = replace(
                child,
                forename=rng.choice([f"  {f}", f"{f}.", f"{f} ", f"'{f}'"]),
                surname=rng.choice([f"{s}  ", f" {s},", f"{s}.", f"{s[:1]} {s[1:]}"]),
            )
        case "no_postcode":
            child = replace(child, postcode="")
        case _:
            pass
    return _background(rng, child)


def incident_children(
    pupils: list[Record], count: int, seed: int = 202, share_on_roll: float = 0.9
) -> Incident:
    """``count`` children: ``share_on_roll`` of them pupils with one error type each."""
    rng = random.Random(seed)
    draw = _Draw(random.Random(seed + 1))
    double_barrelled = [i for i, p in enumerate(pupils) if "-" in p.surname]
    outsiders = roll(count, seed=seed + 2)
    types, weights = list(ERROR_TYPES), list(ERROR_TYPES.values())
    children: list[Record] = []
    truth: dict[str, str] = {}
    error_type: dict[str, str] = {}
    school_kind: dict[str, str] = {}
    used: set[int] = set()
    # The school as recorded is drawn apart, so the children are those of the set before it.
    school_rng, schools = random.Random(seed + 7), roll_schools(pupils)
    for number in range(count):
        ref = f"POL{number:06d}"
        if rng.random() >= share_on_roll:
            stranger = outsiders[number]
            child = corrupt(rng, draw, replace(stranger, key=ref), "clean")
            child, school_kind[ref] = record_school(school_rng, child, None, schools)
            children.append(child)
            truth[ref], error_type[ref] = "", NOT_ON_ROLL
            continue
        error = rng.choices(types, weights)[0]
        pool = double_barrelled if error.startswith("double_barrel") else None
        index = rng.choice(pool) if pool else rng.randrange(len(pupils))
        while index in used:
            index = rng.choice(pool) if pool else rng.randrange(len(pupils))
        used.add(index)
        pupil = pupils[index]
        child = corrupt(rng, draw, replace(pupil, key=ref), error)
        child, school_kind[ref] = record_school(school_rng, child, pupil, schools)
        children.append(child)
        truth[ref], error_type[ref] = pupil.key, error
    return Incident(children, truth, error_type, school_kind=school_kind)


# --- incidents of whole households ---------------------------------------------------------

UNDER_SCHOOL_AGE_SHARE = 0.15
FAMILY_NOT_ON_ROLL_SHARE = 0.10


def _households(pupils: list[Record]) -> list[list[int]]:
    """Pupils of one surname at one postcode, as ``roll`` made them, in roll order."""
    found: dict[tuple[str, str], list[int]] = {}
    for index, pupil in enumerate(pupils):
        found.setdefault((pupil.surname, pupil.postcode), []).append(index)
    return list(found.values())


def _error_for(rng: random.Random, surname: str) -> str:
    """An error type at the shares of ``ERROR_TYPES``; a double-barrel type only for a
    double-barrelled surname (drawn again otherwise)."""
    error = _any_error(rng)
    while error.startswith("double_barrel") and "-" not in surname:
        error = _any_error(rng)
    return error


def _any_error(rng: random.Random) -> str:
    return rng.choices(list(ERROR_TYPES), list(ERROR_TYPES.values()))[0]


def household_incidents(pupils: list[Record], count: int, seed: int = 303) -> Incident:
    """About ``count`` children named in incidents of whole households (see the module)."""
    rng = random.Random(seed)
    draw = _Draw(random.Random(seed + 1))
    households = _households(pupils)
    double_barrelled = [i for i, h in enumerate(households) if "-" in pupils[h[0]].surname]
    outsiders = roll(count, seed=seed + 2)
    outsider_households = _households(outsiders)
    children: list[Record] = []
    truth: dict[str, str] = {}
    error_type: dict[str, str] = {}
    incident: dict[str, str] = {}
    school_kind: dict[str, str] = {}
    used: set[int] = set()
    number = 0
    # The school as recorded is drawn apart, so the children are those of the set before it.
    school_rng, schools = random.Random(seed + 7), roll_schools(pupils)
    by_upn = {pupil.key: pupil for pupil in pupils}

    def add(record: Record, upn: str, error: str, reference: str) -> None:
        ref = f"POL{len(children):06d}"
        child, school_kind[ref] = record_school(
            school_rng, replace(record, key=ref), by_upn.get(upn) if upn else None, schools
        )
        children.append(child)
        truth[ref], error_type[ref], incident[ref] = upn, error, reference

    while len(children) < count:
        number += 1
        reference = f"INC{number:06d}"
        if rng.random() < FAMILY_NOT_ON_ROLL_SHARE:
            strangers = outsider_households[rng.randrange(len(outsider_households))]
            for index in strangers:
                add(corrupt(rng, draw, outsiders[index], "clean"), "", NOT_ON_ROLL, reference)
            continue
        # The first child's error type chooses the household (a double-barrel type needs a
        # double-barrelled surname), so that each type keeps its share; the others follow it.
        first = _any_error(rng)
        pool = double_barrelled if first.startswith("double_barrel") else None
        at = rng.choice(pool) if pool else rng.randrange(len(households))
        while at in used:
            at = rng.choice(pool) if pool else rng.randrange(len(households))
        used.add(at)
        family = [pupils[index] for index in households[at]]
        errors = [first] + [_error_for(rng, pupil.surname) for pupil in family[1:]]
        moved = "surname_and_postcode_changed" in errors
        new_postcode = draw.postcode()
        new_surname = draw.single_surname()
        while new_surname == family[0].surname:
            new_surname = draw.single_surname()
        for pupil, error in zip(family, errors, strict=True):
            if not moved:
                add(corrupt(rng, draw, pupil, error), pupil.key, error, reference)
            elif error == "surname_and_postcode_changed":
                record = replace(pupil, surname=new_surname, postcode=new_postcode)
                add(corrupt(rng, draw, record, "clean"), pupil.key, error, reference)
            else:
                record = replace(pupil, postcode=new_postcode)
                add(corrupt(rng, draw, record, error), pupil.key, error, reference)
        if rng.random() < UNDER_SCHOOL_AGE_SHARE:
            gender = rng.choice("MF")
            forename = draw.forename(gender)
            while forename in {pupil.forename for pupil in family}:
                forename = draw.forename(gender)
            young = Record(
                "",
                forename,
                family[0].surname,
                REFERENCE - timedelta(days=rng.randint(30, 4 * 365 - 30)),
                gender,
                new_postcode if moved else family[0].postcode,
            )
            add(corrupt(rng, draw, young, "clean"), "", NOT_ON_ROLL, reference)
    return Incident(children[:count], truth, error_type, incident, school_kind)
