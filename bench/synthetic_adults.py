"""Synthetic adults of domestic abuse incidents, with ground truth and the kind of error in each
record. No real person. Independent of the code measured: it imports no linkage code.

Victims and perpetrators are drawn as a city's would be: names with a long tail (the children
benchmark's name lists, ``synthetic_children``), dates of birth from 1950 to 2006, a home
postcode (``ZZ`` area, which does not exist), most victims women and most perpetrators men, a
couple often at one address. A third of incidents involve a repeat victim (as SafeLives finds),
with the same perpetrator or another. Each record is one agency's recording of the person,
with at most one kind of error (``KINDS``), or two for "no date of birth, name misspelt"; a
record made to the person's first recording is kind "as first recorded". Namesakes (the same
common name, another date of birth) occur as in a city, and make precision hard.

``generate(incidents=, seed=)`` is seeded: the benchmark measures seed 12; the adults model was
trained on another seed (``bench/estimate_adult_model.py``), which the benchmark never measures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from bench.synthetic_children import _FORMAL_TO_NICKNAMES, _Names, _transpose, _typo

# The kind of each record and how often it occurs (the rest are "as first recorded").
KINDS: dict[str, float] = {
    "surname misspelt": 0.06,
    "forename misspelt": 0.04,
    "letters transposed": 0.03,
    "nickname": 0.04,
    "names swapped": 0.03,
    "no date of birth": 0.04,
    "day and month swapped": 0.02,
    "one part of the date wrong": 0.03,
    "moved": 0.05,
    "no postcode": 0.10,
    "new surname": 0.02,
    "no date of birth, name misspelt": 0.02,
}
EXACT = "as first recorded"


@dataclass(frozen=True)
class Someone:
    id: int
    forename: str
    surname: str
    dob: date
    gender: str
    postcode: str


@dataclass(frozen=True)
class Record:
    """One adult as one incident recorded them, with who they truly are and the error made."""

    person: int
    kind: str
    forename: str
    surname: str
    dob: date | None
    gender: str
    postcode: str


@dataclass(frozen=True)
class Incident:
    day_offset: int  # days after the start of the period
    victim: Record
    perpetrator: Record


def _someone(rng: random.Random, names: _Names, n: int, gender: str, postcode: str) -> Someone:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 56))
    forename = names.forename(gender)
    return Someone(n, forename, names.surname(), born, gender, postcode)


def _one_part_wrong(rng: random.Random, born: date) -> date:
    for _ in range(10):
        part = rng.choice(("year", "month", "day"))
        try:
            if part == "year":
                return born.replace(year=born.year + rng.choice((-1, 1)))
            if part == "month":
                return born.replace(month=rng.choice([m for m in range(1, 13) if m != born.month]))
            return born.replace(day=rng.choice([d for d in range(1, 29) if d != born.day]))
        except ValueError:
            continue
    return born


def _misspelt(rng: random.Random, name: str) -> str:
    changed = _typo(rng, name)
    return changed if changed.lower() != name.lower() else name + "e"


def record(rng: random.Random, names: _Names, who: Someone) -> Record:
    """``who`` as one agency records them: one kind of error, drawn by ``KINDS``."""
    roll, kind = rng.random(), EXACT
    for name, share in KINDS.items():
        if roll < share:
            kind = name
            break
        roll -= share
    forename, surname, dob, postcode = who.forename, who.surname, who.dob, who.postcode
    if kind == "surname misspelt":
        surname = _misspelt(rng, surname)
    elif kind == "forename misspelt":
        forename = _misspelt(rng, forename)
    elif kind == "letters transposed":
        changed = _transpose(rng, surname)
        surname = changed if changed != surname else _misspelt(rng, surname)
    elif kind == "nickname":
        nicknames = _FORMAL_TO_NICKNAMES.get(forename.lower())
        if nicknames:
            forename = rng.choice(nicknames).capitalize()
        else:
            kind = EXACT
    elif kind == "names swapped":
        forename, surname = surname, forename
    elif kind == "no date of birth":
        dob = None
    elif kind == "day and month swapped":
        if dob.day <= 12 and dob.day != dob.month:
            dob = dob.replace(month=dob.day, day=dob.month)
        else:
            kind = EXACT
    elif kind == "one part of the date wrong":
        dob = _one_part_wrong(rng, dob)
    elif kind == "moved":
        postcode = names.postcode()
    elif kind == "no postcode":
        postcode = ""
    elif kind == "new surname":
        surname, postcode = names.surname(), names.postcode()
        if surname == who.surname:
            kind = EXACT
    elif kind == "no date of birth, name misspelt":
        dob = None
        if rng.random() < 0.5:
            surname = _misspelt(rng, surname)
        else:
            forename = _misspelt(rng, forename)
    if rng.random() < 0.1:
        forename, surname = forename.upper(), surname.upper()  # some systems hold capitals
    return Record(who.id, kind, forename, surname, dob, who.gender, postcode)


def generate(*, incidents: int, days: int, seed: int) -> list[Incident]:
    """``incidents`` incidents over ``days`` days: two records each (victim, perpetrator)."""
    rng = random.Random(seed)
    names = _Names(rng)
    pool = int(incidents * 0.6)
    victims, perpetrators = [], []
    for n in range(pool):
        home = names.postcode()
        victims.append(_someone(rng, names, 2 * n, "F" if rng.random() < 0.9 else "M", home))
        # Half the couples live together; the other perpetrators live elsewhere.
        elsewhere = home if rng.random() < 0.5 else names.postcode()
        perpetrators.append(
            _someone(rng, names, 2 * n + 1, "M" if rng.random() < 0.9 else "F", elsewhere)
        )
    made = []
    for _ in range(incidents):
        if rng.random() < 0.35:
            # A repeat victim, with the same perpetrator or, now and then, another.
            index = rng.randrange(pool // 5)
            partner = index if rng.random() < 0.8 else rng.randrange(pool)
        else:
            index = rng.randrange(pool)
            partner = index if rng.random() < 0.7 else rng.randrange(pool)
        victim, perpetrator = victims[index], perpetrators[partner]
        made.append(
            Incident(
                day_offset=rng.randrange(days),
                victim=record(rng, names, victim),
                perpetrator=record(rng, names, perpetrator),
            )
        )
    return made


def scores(truth: list[tuple[int, str]], groups: list[int]) -> dict[str, tuple[int, float, float]]:
    """Pairwise precision and recall, overall and for the pairs that touch each kind of record.

    ``truth`` is each record's (person, kind); ``groups`` each record's predicted person. For
    a record r of person p in predicted group g: predicted pairs |g| - 1, true pairs |p| - 1,
    correct |p and g| - 1. Summed over the records of a kind (each pair counted from both ends):
    precision = correct / predicted, recall = correct / true. Answers {kind: (records,
    precision, recall)}, with "all" for every record; a ratio of nothing is 1.0.
    """
    from collections import Counter

    group_size = Counter(groups)
    person_size = Counter(person for person, _ in truth)
    both = Counter(zip((person for person, _ in truth), groups, strict=True))
    sums: dict[str, list[int]] = {}
    for (person, kind), group in zip(truth, groups, strict=True):
        for key in (kind, "all"):
            entry = sums.setdefault(key, [0, 0, 0, 0])
            entry[0] += 1
            entry[1] += both[(person, group)] - 1
            entry[2] += group_size[group] - 1
            entry[3] += person_size[person] - 1
    return {
        kind: (n, correct / predicted if predicted else 1.0, correct / true if true else 1.0)
        for kind, (n, correct, predicted, true) in sums.items()
    }
