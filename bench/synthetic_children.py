"""A synthetic school roll and incident children drawn from it, with ground truth. No real child.

The roll is built household by household, because households are what make linkage hard:
siblings share a surname and a postcode, and twins share a date of birth as well. Names follow
a long-tailed frequency (a few very common names, many rare ones), postcodes are made up
(``ZZ`` area, which does not exist), UPNs carry valid check letters.

Incident children are pupils seen through a police record: nicknames, typing slips, swapped
letters, day and month swapped, changed surnames, families that moved, missing fields; about
one in ten is not on the roll at all. Everything is seeded, so a size always gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from safeguard.children.identifiers import upn_check_letter
from safeguard.children.linkage import Person
from safeguard.children.nicknames import NICKNAMES


def _words(text: str) -> list[str]:
    return text.split()


BOYS = _words(
    "Oliver George Noah Arthur Harry Leo Muhammad Jack Charlie Oscar Jacob Henry Thomas Freddie "
    "Alfred Theodore William Theo Archie Joshua Alexander James Isaac Edward Lucas Tommy Finley "
    "Max Logan Ethan Mason Albert Hugo Isaac Joseph Benjamin Samuel Daniel Adam Harrison "
    "Sebastian Dylan Elijah Reuben Toby Louie Jude Ronnie Teddy Luca Frederick Matthew Zachary "
    "Rory Jaxon Harvey Stanley David Carter Elliot Caleb Michael Riley Jenson Nathan Ryan Ezra "
    "Ollie Gabriel Liam Robert John Kai Ibrahim Ali Yusuf Omar Aaron Felix Ellis Rowan Jesse "
    "Jasper Finn Arlo Bobby Jamie Tyler Kian Connor Callum Lewis Owen Patrick Peter Richard "
    "Anthony Christopher Jayden Kyle Aiden Declan Cameron Dominic Vincent Victor Raymond Leon "
    "Mohammed Hamza Zain"
)
GIRLS = _words(
    "Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella Grace "
    "Daisy Sienna Poppy Elsie Emily Ella Evelyn Phoebe Sofia Evie Charlotte Harper Millie "
    "Matilda Maya Sophie Alice Emilia Isabelle Ruby Luna Maisie Aria Penelope Mila Bonnie Eva "
    "Hallie Eliza Ada Violet Esme Arabella Imogen Jessica Delilah Thea Harriet Eleanor Margaret "
    "Katherine Elizabeth Abigail Rebecca Victoria Amelie Lucy Holly Chloe Megan Lauren Hannah "
    "Zara Aisha Maryam Fatima Layla Nancy Mabel Iris Robyn Erin Bethany Niamh Caitlin Leah "
    "Molly Scarlett Georgia Jasmine Madison Summer Lola Heidi Orla Aurora Beatrice Clara Edith "
    "Frances Josephine Nicola Samantha Alexandra Amanda Stephanie Susan Sarah Mary Anne "
    "Christina Theresa Natalie"
)
SURNAMES = _words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
    "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan "
    "Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell "
    "Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan "
    "Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb "
    "Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes "
    "Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham "
    "Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders "
    "Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson "
    "Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes "
    "Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods "
    "Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed "
    "Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop "
    "Walton Burns Nicholson Shepherd Ross Cross Long"
)
# Rare surnames are compounds of English place-name parts: thousands of plausible names, each
# held by few families, as in a real roll.
SURNAME_HEADS = _words(
    "Ash Bar Black Brad Brook Cal Chad Church Clay Cran Dal Ding Elm Fair Farn Gold Green Hal "
    "Hart Hay Hol Kings Lang Lind Mar Mid Mill New Nor Oak Pen Red Rock Rother Sal Shep Stan "
    "Sud Thorn Wal War Wes Whit Wick Win Wood Yar Ather Bram Carl Dun Fen Gar Haw Kel Lox Mor"
)
SURNAME_TAILS = _words(
    "ford worth ton ley field wood well by combe hurst stead ham bury den dale shaw well cote "
    "thorpe wick stone more mere ridge brook croft gate land lock man wright"
)
# Rarer given names are made from syllables, as a diverse roll has many names held by few.
NAME_ONSETS = _words("Ka Le Mi Ro Ta Za Jo Ma Sa Da Ri No Ay El Ar Is Ya Ke Bo Lu")
BOY_ENDINGS = ["den", "ran", "son", "lan", "vin", "rik", "mar", "ian", "ez", "on"]
GIRL_ENDINGS = ["na", "ria", "lie", "ya", "nia", "lah", "ra", "isha", "ette", "lyn"]
SURNAME_MIDDLES = ["", "en", "ing", "er", "s", "ton"]
OUTWARD_DISTRICTS = 99
UNIT_LETTERS = "ABDEFGHJLN"
REFERENCE = date(2026, 9, 1)
_FORMAL_TO_NICKNAMES: dict[str, list[str]] = {}
for _nick, _formal in NICKNAMES.items():
    _FORMAL_TO_NICKNAMES.setdefault(_formal, []).append(_nick)


@dataclass(frozen=True)
class Pupil:
    upn: str
    forename: str
    surname: str
    dob: date
    gender: str
    postcode: str
    school_urn: str

    def person(self) -> Person:
        return Person(self.upn, self.forename, self.surname, self.dob, self.gender, self.postcode)


@dataclass(frozen=True)
class Incident:
    """Incident children as the police recorded them, and the UPN each truly is ("" if none)."""

    children: list[Person]
    truth: dict[str, str]


def _zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, count + 1)]


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.boys_w = _zipf_weights(len(BOYS), 0.6)
        self.girls_w = _zipf_weights(len(GIRLS), 0.6)
        self.common_w = _zipf_weights(len(SURNAMES), 0.6)
        self.rare = [
            h + m + t for h in SURNAME_HEADS for m in SURNAME_MIDDLES for t in SURNAME_TAILS
        ]
        self.rare_boys = [o + e for o in NAME_ONSETS for e in BOY_ENDINGS]
        self.rare_girls = [o + e for o in NAME_ONSETS for e in GIRL_ENDINGS]

    def forename(self, gender: str) -> str:
        if self.rng.random() < 0.25:
            return self.rng.choice(self.rare_boys if gender == "M" else self.rare_girls)
        names, weights = (BOYS, self.boys_w) if gender == "M" else (GIRLS, self.girls_w)
        return self.rng.choices(names, weights)[0]

    def surname(self) -> str:
        if self.rng.random() < 0.35:
            return self.rng.choices(SURNAMES, self.common_w)[0]
        return self.rng.choice(self.rare)

    def postcode(self) -> str:
        rng = self.rng
        district = rng.randint(1, OUTWARD_DISTRICTS)
        return (
            f"ZZ{district} {rng.randint(0, 9)}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
        )

    def dob(self) -> date:
        return REFERENCE - timedelta(days=self.rng.randint(4 * 365, 18 * 365))


def roll(size: int, seed: int = 1) -> list[Pupil]:
    """``size`` pupils in households of one to four children (about 3% of children twins)."""
    rng = random.Random(seed)
    names = _Names(rng)
    pupils: list[Pupil] = []
    serial = 0
    while len(pupils) < size:
        surname, postcode = names.surname(), names.postcode()
        school = f"{rng.randint(100000, 149999)}"
        births: list[date] = []
        for _ in range(rng.choices([1, 2, 3, 4], [45, 35, 15, 5])[0]):
            if births and rng.random() < 0.03:
                births.append(births[-1])  # a twin
            else:
                births.append(names.dob())
        used: set[str] = set()
        for dob in births:
            gender = rng.choice("MF")
            forename = names.forename(gender)
            while forename in used:
                forename = names.forename(gender)
            used.add(forename)
            serial += 1
            body = f"{800 + serial // 10**9:03d}{serial % 10**9:09d}"
            upn = upn_check_letter(body) + body
            pupils.append(Pupil(upn, forename, surname, dob, gender, postcode, school))
    return pupils[:size]


def _typo(rng: random.Random, value: str) -> str:
    if len(value) < 3:
        return value
    at = rng.randrange(1, len(value))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    match rng.choice(["substitute", "delete", "insert"]):
        case "substitute":
            return value[:at] + letter + value[at + 1 :]
        case "delete":
            return value[:at] + value[at + 1 :]
        case _:
            return value[:at] + letter + value[at:]


def _transpose(rng: random.Random, value: str) -> str:
    if len(value) < 3:
        return value
    at = rng.randrange(1, len(value) - 1)
    return value[:at] + value[at + 1] + value[at] + value[at + 2 :]


def _corrupt(rng: random.Random, names: _Names, child: Person) -> Person:
    """One police record of a pupil, each kind of error at its own rate (the module docstring).

    Rates: forename 20% nickname (where one exists), 5% typo, 2% transposed letters; surname
    4% changed, 4% typo, 2% transposed, 2% shouted in capitals; date of birth 3% day and month
    swapped, 3% one part wrong, 3% missing; gender 8% missing, 0.5% wrong; postcode 10%
    missing, 6% moved (half within the district), 5% written without its space.
    """
    forename, surname, dob = child.forename or "", child.surname or "", child.dob
    nicks = _FORMAL_TO_NICKNAMES.get(forename.lower())
    draw = rng.random()
    if draw < 0.20:
        if nicks:
            forename = rng.choice(nicks).capitalize()
    elif draw < 0.25:
        forename = _typo(rng, forename)
    elif draw < 0.27:
        forename = _transpose(rng, forename)
    draw = rng.random()
    if draw < 0.04:
        surname = names.surname()  # changed: a new partner's name, a return to a birth name
    elif draw < 0.08:
        surname = _typo(rng, surname)
    elif draw < 0.10:
        surname = _transpose(rng, surname)
    elif draw < 0.12:
        surname = surname.upper()
    draw = rng.random()
    new_dob: date | None = dob
    if dob is not None:
        if draw < 0.03 and dob.day <= 12 and dob.day != dob.month:
            new_dob = date(dob.year, dob.day, dob.month)
        elif draw < 0.06:
            new_dob = _shift_one_part(rng, dob)
        elif draw < 0.09:
            new_dob = None
    gender = child.gender
    draw = rng.random()
    if draw < 0.08:
        gender = None
    elif draw < 0.085:
        gender = "F" if gender == "M" else "M"
    draw = rng.random()
    postcode: str | None = child.postcode
    if draw < 0.10:
        postcode = None
    elif draw < 0.16:
        postcode = names.postcode()  # the family moved: half of moves stay in the district
        if rng.random() < 0.5 and child.postcode:
            postcode = child.postcode.split(" ")[0] + " " + postcode.split(" ")[1]
    elif draw < 0.21 and postcode:
        postcode = postcode.replace(" ", "").lower()
    return replace(
        child, forename=forename, surname=surname, dob=new_dob, gender=gender, postcode=postcode
    )


def _shift_one_part(rng: random.Random, dob: date) -> date:
    part = rng.choice(["day", "month", "year"])
    try:
        if part == "day":
            return dob.replace(day=dob.day % 28 + 1)
        if part == "month":
            return dob.replace(month=dob.month % 12 + 1)
        return dob.replace(year=dob.year + rng.choice([-1, 1]))
    except ValueError:
        return dob.replace(day=1)


def incident_children(
    pupils: list[Pupil], count: int, seed: int = 2, share_on_roll: float = 0.9
) -> Incident:
    """``count`` children, ``share_on_roll`` of them pupils seen through police records."""
    rng = random.Random(seed)
    names = _Names(random.Random(seed + 1000))
    children: list[Person] = []
    truth: dict[str, str] = {}
    chosen = rng.sample(range(len(pupils)), count)
    outsiders = roll(count, seed=seed + 7)
    for number, index in enumerate(chosen):
        ref = f"INC{number:06d}"
        if rng.random() < share_on_roll:
            pupil = pupils[index]
            children.append(_corrupt(rng, names, replace(pupil.person(), key=ref)))
            truth[ref] = pupil.upn
        else:
            stranger = outsiders[number]
            children.append(_corrupt(rng, names, replace(stranger.person(), key=ref)))
            truth[ref] = ""
    return Incident(children, truth)
