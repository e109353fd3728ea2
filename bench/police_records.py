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
    school_urn: str = ""


@dataclass(frozen=True)
class Incident:
    """Children as recorded, the UPN each truly is ("" if none) and each one's error type."""

    children: list[Record]
    truth: dict[str, str]
    error_type: dict[str, str]
    # ref -> the incident the child was named in (empty for ``incident_children``).
    incident: dict[str, str] = field(default_factory=dict)


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
            school = f"{rng.randint(150000, 199999)}"
            pupils.append(
                Record(
                    upn_check_letter(body) + body, forename, surname, born, gender, postcode, school
                )
            )
    return pupils[:size]


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
    used: set[int] = set()
    for number in range(count):
        ref = f"POL{number:06d}"
        if rng.random() >= share_on_roll:
            stranger = outsiders[number]
            children.append(corrupt(rng, draw, replace(stranger, key=ref), "clean"))
            truth[ref], error_type[ref] = "", NOT_ON_ROLL
            continue
        error = rng.choices(types, weights)[0]
        pool = double_barrelled if error.startswith("double_barrel") else None
        index = rng.choice(pool) if pool else rng.randrange(len(pupils))
        while index in used:
            index = rng.choice(pool) if pool else rng.randrange(len(pupils))
        used.add(index)
        pupil = pupils[index]
        children.append(corrupt(rng, draw, replace(pupil, key=ref, school_urn=""), error))
        truth[ref], error_type[ref] = pupil.key, error
    return Incident(children, truth, error_type)


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
    used: set[int] = set()
    number = 0

    def add(record: Record, upn: str, error: str, reference: str) -> None:
        ref = f"POL{len(children):06d}"
        children.append(replace(record, key=ref, school_urn=""))
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
    return Incident(children[:count], truth, error_type, incident)
