"""Link children named in an incident to pupils on a school roll. Pure of Django.

Probabilistic record linkage (Fellegi-Sunter) with Splink on an in-memory DuckDB: each pair of
records that share a blocking key is compared field by field; each comparison falls into a
level (exact, nickname, typo, ... , else) whose m and u probabilities give a weight of
evidence; the weights and the prior give a match probability.

The model is fixed, not trained at match time: the same records and the same ``MatchModel``
always give the same answer, and an administrator can read and adjust every number in it
(``safeguard children model``). ``MatchModel.default()`` holds parameters estimated once on
synthetic data by ``bench/estimate_model.py``.

The prior is "the share of incident children expected to be on the roll", spread over the
roll: a pupil on a roll of N is a priori the child with probability ``share / N``, so the same
model stays calibrated as the roll grows. N is taken as at least ``min_roll_size``: a shorter
list is a sample (one school, a test) of the children an incident can involve, and a generous
prior on it would let a brother pass for his sister.

The reported probability is normalised over the candidates of each child (see ``match``).
Children named in one incident (``Person.household``) are then weighed together: a sibling's
pupil is evidence for where the others live on the roll (``household``, ADR 0009).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from safeguard.children import household, normalise

AUTOMATIC = "automatic"
REVIEW = "review"
NONE = "none"
DECISIONS = (AUTOMATIC, REVIEW, NONE)

# Where Splink scores the pairs (ADR 0026): an in-memory DuckDB, or Spark in local mode
# (``linkage_spark``, needs pyspark and Java) for rolls beyond one machine's DuckDB. Every other
# step runs in DuckDB either way, so both give the same decisions.
DUCKDB = "duckdb"
SPARK = "spark"
BACKENDS = (DUCKDB, SPARK)

# Each comparison's levels, most specific first, as DuckDB SQL over the two records (_l, _r).
# The first level of each is the null level: missing on either side is no evidence at all (a
# child the police recorded without a date of birth is judged on the rest).
_JW = "jaro_winkler_similarity"
_DL = "damerau_levenshtein"
# Forename and surname the wrong way round, as police systems often hold them. The level sits
# in both name comparisons (each with its own m and u): together they weigh about as much as
# both names agreeing, so a swapped name is matched rather than sent to review.
_SWAPPED = "forename_l = surname_r AND surname_l = forename_r"
# A double-barrelled surname recorded in part ("Jones" for "Smith-Jones"); hyphen and space
# variants ("Smith Jones", "SmithJones") already agree once normalised.
_SURNAME_PART = "list_has_any(surname_parts_l, surname_parts_r)"
_SURNAME_DIFFERS = (
    f"NOT ({_SWAPPED}) AND NOT ({_SURNAME_PART}) AND {_JW}(surname_l, surname_r) < 0.85"
)
# No school to compare: neither URN nor name on both sides.
_SCHOOL_MISSING = (
    "(len(school_urns_l) = 0 OR len(school_urns_r) = 0)"
    " AND (len(school_names_l) = 0 OR len(school_names_r) = 0)"
)
# The pair is two different children whatever their school: the forename clearly differs (it
# falls in the forename comparison's "else" level) and the date of birth is not the same (or is
# missing), or the date of birth differs in two of its three parts (not a day-month swap).
_DOB_SWAPPED = "dob_year_l = dob_year_r AND dob_day_l = dob_month_r AND dob_month_l = dob_day_r"
_FORENAME_DIFFERS = (
    "coalesce(NOT (forename_l = forename_r OR forename_canonical_l = forename_canonical_r"
    f" OR {_JW}(forename_l, forename_r) >= 0.85"
    f" OR {_DL}(forename_l, forename_r) <= 1), false)"
)
_DOB_AGREES = f"coalesce(dob_l = dob_r OR ({_DOB_SWAPPED}), false)"
_DOB_DIFFERS = (
    "coalesce((CASE WHEN dob_year_l = dob_year_r THEN 1 ELSE 0 END"
    " + CASE WHEN dob_month_l = dob_month_r THEN 1 ELSE 0 END"
    f" + CASE WHEN dob_day_l = dob_day_r THEN 1 ELSE 0 END) < 2 AND NOT ({_DOB_SWAPPED}), false)"
)
_PERSON_DIFFERS = f"({_FORENAME_DIFFERS} AND NOT {_DOB_AGREES}) OR {_DOB_DIFFERS}"
LEVELS: dict[str, list[tuple[str, str]]] = {
    "forename": [
        ("null", "forename_l IS NULL OR forename_r IS NULL"),
        ("exact", "forename_l = forename_r"),
        ("swapped", _SWAPPED),
        ("nickname", "forename_canonical_l = forename_canonical_r"),
        (
            "close",
            f"{_JW}(forename_l, forename_r) >= 0.92 OR {_DL}(forename_l, forename_r) <= 1",
        ),
        ("similar", f"{_JW}(forename_l, forename_r) >= 0.85"),
        ("else", "ELSE"),
    ],
    "surname": [
        ("null", "surname_l IS NULL OR surname_r IS NULL"),
        ("exact", "surname_l = surname_r"),
        ("swapped", _SWAPPED),
        ("part", _SURNAME_PART),
        ("close", f"{_JW}(surname_l, surname_r) >= 0.92 OR {_DL}(surname_l, surname_r) <= 1"),
        ("similar", f"{_JW}(surname_l, surname_r) >= 0.85"),
        ("else", "ELSE"),
    ],
    "dob": [
        ("null", "dob_l IS NULL OR dob_r IS NULL"),
        ("exact", "dob_l = dob_r"),
        (
            "day_month_swapped",
            "dob_year_l = dob_year_r AND dob_day_l = dob_month_r AND dob_month_l = dob_day_r",
        ),
        (
            "one_part_differs",
            "(CASE WHEN dob_year_l = dob_year_r THEN 1 ELSE 0 END"
            " + CASE WHEN dob_month_l = dob_month_r THEN 1 ELSE 0 END"
            " + CASE WHEN dob_day_l = dob_day_r THEN 1 ELSE 0 END) = 2",
        ),
        ("within_a_year", "abs(date_diff('day', dob_l, dob_r)) <= 366"),
        ("else", "ELSE"),
    ],
    "gender": [
        ("null", "gender_l IS NULL OR gender_r IS NULL"),
        ("exact", "gender_l = gender_r"),
        ("else", "ELSE"),
    ],
    "postcode": [
        ("null", "postcode_l IS NULL OR postcode_r IS NULL"),
        ("exact_same_surname", "postcode_l = postcode_r AND surname_l = surname_r"),
        ("exact", "postcode_l = postcode_r"),
        ("sector", "postcode_sector_l = postcode_sector_r"),
        ("district", "postcode_district_l = postcode_district_r"),
        ("moved_with_new_surname", _SURNAME_DIFFERS),
        ("else", "ELSE"),
    ],
    # The school the police recorded for the child (a URN, a name or both) against the
    # pupil's school(s) on the roll (ADR 0016). Missing on either side is no evidence. A pair
    # that is clearly two children ("person_differs": another forename and not the same date
    # of birth, or a date of birth off in two parts) takes no evidence from the school either:
    # brothers and sisters share schools, and a shared school must not make one child of a
    # family pass for another. That level is neutral by rule (m = u).
    "school": [
        ("null", _SCHOOL_MISSING),
        ("person_differs", _PERSON_DIFFERS),
        ("same_urn", "list_has_any(school_urns_l, school_urns_r)"),
        (
            "similar_name",
            "list_has_any(school_names_l, school_names_r)"
            f" OR {_JW}(school_name_l, school_name_r) >= 0.9",
        ),
        ("different", "ELSE"),
    ],
}

# Levels that carry no evidence by rule: their m equals their u, whatever training finds.
NEUTRAL_LEVELS: frozenset[tuple[str, str]] = frozenset({("school", "person_differs")})

# Levels whose m and u are conditional probabilities: P(this postcode level | the surname
# level named here), for true matches (m) and non-matches (u); "not else" is every surname
# level but "else". Training estimates them joint and divides by the surname level's own m
# and u (see ``training``).
CONDITIONAL_LEVELS: dict[tuple[str, str], tuple[str, str]] = {
    ("postcode", "exact_same_surname"): ("surname", "exact"),
    ("postcode", "exact"): ("surname", "not exact"),
    ("postcode", "moved_with_new_surname"): ("surname", "else"),
    ("postcode", "else"): ("surname", "not else"),
    # The school's levels hold P(level | the pair is not clearly two children): random pairs
    # almost all fall in "person_differs", and the school must not count the forename and date
    # of birth that keep a pair out of it a second time (ADR 0016).
    ("school", "same_urn"): ("school", "not person_differs"),
    ("school", "similar_name"): ("school", "not person_differs"),
    ("school", "different"): ("school", "not person_differs"),
}

# Term-frequency adjustment: agreeing on "Oliver" or "Smith" is weaker evidence than agreeing
# on a rare name, so the exact level's u is replaced by how often the value itself occurs
# (Splink computes the frequencies from the records being linked). The floor caps the boost a
# very rare name can give: a name held by one pupil is rare, not proof. Half the adjustment
# is applied: a common surname recorded with one other slip (no date of birth, a typo in the
# forename) should still reach the automatic threshold when the address agrees.
TERM_FREQUENCY_WEIGHT = 0.5
TERM_FREQUENCY_LEVELS: dict[tuple[str, str], float] = {
    ("forename", "exact"): 0.0002,
    ("surname", "exact"): 0.0001,
}

# Siblings share a surname and a postcode, so for two records with the same surname an equal
# postcode is much weaker evidence than for two strangers. The level "exact_same_surname"
# therefore holds conditional probabilities, P(same postcode | same surname), for true
# matches (m) and for non-matches (u): the surname comparison has already counted the surname.
# Without it a brother would look like a typo of his sister.
# "moved_with_new_surname" is the other side of the same coin: a child whose surname changed
# (a parent's new partner) has usually moved too, so once the surname disagrees a different
# postcode adds little against the match. Without it a child known by forename and date of
# birth, with a new surname and address, would count the one change twice and be missed.

# Pairs are only scored if they share one of these keys. Together they keep recall for every
# single corruption and most pairs of corruptions, without scoring every pupil of the roll.
BLOCKING_RULES: list[str] = [
    "l.dob = r.dob",
    "l.forename = r.surname AND l.surname = r.forename",
    "l.forename_canonical = r.forename_canonical AND l.surname = r.surname",
    "l.surname = r.surname AND l.dob_year = r.dob_year",
    "l.postcode = r.postcode",
    "l.surname = r.surname AND l.dob_month = r.dob_month AND l.dob_day = r.dob_day",
    "l.surname = r.surname AND l.forename_initial = r.forename_initial",
    "l.forename_canonical = r.forename_canonical AND l.dob_year = r.dob_year"
    " AND l.dob_month = r.dob_month",
]


@dataclass(frozen=True)
class Level:
    """m: how often true matches fall in this level; u: how often non-matches do."""

    m: float
    u: float


@dataclass(frozen=True)
class MatchModel:
    """Thresholds and parameters of the linkage model; serialisable to and from JSON."""

    automatic: float
    review: float
    share_on_roll: float
    min_roll_size: int
    comparisons: dict[str, dict[str, Level]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = _model_problems(self)
        if problems:
            raise ValueError("; ".join(problems))

    @classmethod
    def default(cls) -> MatchModel:
        return cls.from_dict(DEFAULT_MODEL)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatchModel:
        try:
            thresholds = data["thresholds"]
            comparisons = {
                comparison: {
                    level: Level(m=float(values["m"]), u=float(values["u"]))
                    for level, values in levels.items()
                }
                for comparison, levels in data["comparisons"].items()
            }
            _add_new_levels(comparisons)
            automatic = float(thresholds["automatic"])
            review = float(thresholds["review"])
            share_on_roll = float(data["prior"]["share_on_roll"])
            min_roll_size = int(data["prior"]["min_roll_size"])
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"the model is missing {error} or it is not an object") from None
        except ValueError as error:
            raise ValueError(f"the model holds a value that is not a number ({error})") from None
        return cls(
            automatic=automatic,
            review=review,
            share_on_roll=share_on_roll,
            min_roll_size=min_roll_size,
            comparisons=comparisons,
        )

    @classmethod
    def from_json(cls, text: str) -> MatchModel:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"the model is not valid JSON ({error})") from None
        if not isinstance(data, dict):
            raise ValueError("the model must be a JSON object")
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return {
            "thresholds": {"automatic": self.automatic, "review": self.review},
            "prior": {"share_on_roll": self.share_on_roll, "min_roll_size": self.min_roll_size},
            "comparisons": {
                comparison: {level: {"m": p.m, "u": p.u} for level, p in levels.items()}
                for comparison, levels in self.comparisons.items()
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


# Levels added after models were first stored: a stored version (or an exported JSON file)
# without them takes this release's default for them, so an older version still loads.
ADDED_LEVELS: dict[str, list[str]] = {
    "forename": ["swapped"],
    "surname": ["swapped", "part"],
    "postcode": ["moved_with_new_surname"],
}


# Comparisons added after models were first stored: a stored version without one takes this
# release's default for it whole (the school, ADR 0016).
ADDED_COMPARISONS = ("school",)


def _add_new_levels(comparisons: dict[str, dict[str, Level]]) -> None:
    for comparison in ADDED_COMPARISONS:
        if comparison not in comparisons:
            comparisons[comparison] = {
                level: Level(m=values["m"], u=values["u"])
                for level, values in DEFAULT_MODEL["comparisons"][comparison].items()
            }
    for comparison, levels in ADDED_LEVELS.items():
        given = comparisons.get(comparison)
        if given is None:
            continue
        for level in levels:
            if level not in given:
                values = DEFAULT_MODEL["comparisons"][comparison][level]
                given[level] = Level(m=values["m"], u=values["u"])


def _model_problems(model: MatchModel) -> list[str]:
    problems = []
    if not 0 < model.review <= model.automatic <= 1:
        problems.append("thresholds must satisfy 0 < review <= automatic <= 1")
    if not 0 < model.share_on_roll <= 1:
        problems.append("prior.share_on_roll must be above 0 and at most 1")
    if model.min_roll_size < 1:
        problems.append("prior.min_roll_size must be at least 1")
    for comparison, levels in LEVELS.items():
        given = model.comparisons.get(comparison)
        if given is None:
            problems.append(f"comparison {comparison!r} is missing")
            continue
        wanted = [name for name, _ in levels if name != "null"]
        if sorted(given) != sorted(wanted):
            problems.append(f"comparison {comparison!r} needs exactly the levels {wanted}")
            continue
        for level, p in given.items():
            if not (0 < p.m <= 1 and 0 < p.u <= 1):
                problems.append(f"{comparison}.{level}: m and u must be above 0 and at most 1")
            elif (comparison, level) in NEUTRAL_LEVELS and p.m != p.u:
                problems.append(f"{comparison}.{level} carries no evidence: its m must equal its u")
    for comparison in model.comparisons:
        if comparison not in LEVELS:
            problems.append(f"unknown comparison {comparison!r}")
    return problems


@dataclass(frozen=True)
class Person:
    """A child or a pupil as both lists describe them; ``key`` is the ref or the UPN.

    ``household`` is the incident a child was named in (``None`` for a pupil, or when not
    known): children of one incident are usually siblings, and a sibling's match is evidence
    for where the others live on the roll (see ``household``).
    """

    key: str
    forename: str | None
    surname: str | None
    dob: date | None
    gender: str | None
    postcode: str | None
    household: str | None = None
    # The school(s): for a child, the one the police recorded (URN and/or name); for a pupil,
    # the school of each roll the UPN is on. Names as written; ``_table`` normalises them.
    school_urns: tuple[str, ...] = ()
    school_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """The decision on one child. ``candidates`` are the UPNs a person reviewing it is shown
    (the best pupils, best first, up to ``MAX_CANDIDATES``); empty when nothing on the roll
    came near."""

    ref: str
    upn: str | None
    probability: float
    decision: str
    candidates: tuple[str, ...] = ()
    # The probability of each candidate, in the same order.
    candidate_probabilities: tuple[float, ...] = ()


@dataclass(frozen=True)
class PreparedRoll:
    """A roll made ready for ``match`` once (``prepared``, ADR 0027): the normalised table and
    each row's key (UPN).

    ``match`` takes it wherever it takes a list of pupils; ``len`` is the roll's size.
    """

    table: pa.Table
    keys: list[str] = field(repr=False)
    digest: str = ""

    def __len__(self) -> int:
        return self.table.num_rows

    def __bool__(self) -> bool:
        return self.table.num_rows > 0


def _table(people: Sequence[Person] | PreparedRoll) -> pa.Table:
    """The normalised columns the comparisons and blocking rules use, one row per person; a
    roll prepared beforehand (``prepared``, ADR 0027) already is that table."""
    if isinstance(people, PreparedRoll):
        return people.table
    forenames = [p.forename for p in people]
    names = [normalise.name(f) for f in forenames]
    postcodes = [normalise.postcode(p.postcode) for p in people]
    dobs = [p.dob for p in people]
    school_names = [
        [n for n in (normalise.school_name(name) for name in p.school_names) if n] for p in people
    ]
    return pa.table(
        {
            "unique_id": pa.array(range(len(people)), pa.int64()),
            "forename": pa.array(names, pa.string()),
            "forename_canonical": pa.array(
                [normalise.canonical_forename(f) for f in forenames], pa.string()
            ),
            "forename_initial": pa.array([f[0] if f else None for f in names], pa.string()),
            "surname": pa.array([normalise.name(p.surname) for p in people], pa.string()),
            "surname_parts": pa.array(
                [normalise.name_parts(p.surname) for p in people], pa.list_(pa.string())
            ),
            "dob": pa.array(dobs, pa.date32()),
            "dob_year": pa.array([d.year if d else None for d in dobs], pa.int16()),
            "dob_month": pa.array([d.month if d else None for d in dobs], pa.int8()),
            "dob_day": pa.array([d.day if d else None for d in dobs], pa.int8()),
            "gender": pa.array([p.gender or None for p in people], pa.string()),
            "postcode": pa.array(postcodes, pa.string()),
            "postcode_sector": pa.array(
                [normalise.postcode_sector(pc) for pc in postcodes], pa.string()
            ),
            "postcode_district": pa.array(
                [normalise.postcode_district(pc) for pc in postcodes], pa.string()
            ),
            "school_urns": pa.array([list(p.school_urns) for p in people], pa.list_(pa.string())),
            "school_names": pa.array(school_names, pa.list_(pa.string())),
            "school_name": pa.array(
                [names[0] if names else None for names in school_names], pa.string()
            ),
        }
    )


# The pupils to match against: a list, or a roll normalised beforehand (``prepared``).
Roll = Sequence[Person] | PreparedRoll


def records_table(people: Sequence[Person]) -> pa.Table:
    """The normalised columns of ``LEVELS`` and ``BLOCKING_RULES``, one row per person, with
    ``unique_id`` the person's place in ``people``: for other lists linked with this machinery
    (the adults of domestic abuse incidents are deduplicated with it)."""
    return _table(people)


def _prior(model: MatchModel, roll_size: int) -> float:
    """The prior that a given pupil is the child: the share on the roll spread over the roll."""
    return min(model.share_on_roll / max(roll_size, model.min_roll_size, 1), 0.5)


def splink_settings(
    model: MatchModel, roll_size: int, *, term_frequencies: bool = True
) -> dict[str, Any]:
    """The Splink settings dictionary for this model: every m and u fixed, nothing to train."""
    comparisons = []
    for comparison, levels in LEVELS.items():
        comparison_levels = []
        for level, sql in levels:
            entry: dict[str, Any] = {"sql_condition": sql, "label_for_charts": level}
            if level == "null":
                entry["is_null_level"] = True
            else:
                p = model.comparisons[comparison][level]
                entry["m_probability"] = p.m
                entry["u_probability"] = p.u
            floor = TERM_FREQUENCY_LEVELS.get((comparison, level))
            if floor is not None and term_frequencies:
                entry["tf_adjustment_column"] = comparison
                entry["tf_adjustment_weight"] = TERM_FREQUENCY_WEIGHT
                entry["tf_minimum_u_value"] = floor
            comparison_levels.append(entry)
        comparisons.append(
            {"output_column_name": comparison, "comparison_levels": comparison_levels}
        )
    return {
        "link_type": "link_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": _prior(model, roll_size),
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule} for rule in BLOCKING_RULES
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }


def match(
    children: Sequence[Person],
    roll: Roll,
    model: MatchModel | None = None,
    *,
    backend: str = DUCKDB,
) -> list[Match]:
    """One ``Match`` per child, in input order: the best pupil and the decision on it.

    The probability is that the child is this pupil rather than another pupil or nobody on
    the roll: each candidate's Bayes factor over the prior, normalised over all candidates
    and "not on the roll". So a pupil with a near-identical rival (a twin, a namesake born the
    same day) cannot be near certain, whatever the two score alone.

    Children of one incident (``Person.household``) are weighed together: a candidate living
    at the roll address of a sibling's pupil gains the household evidence of ``household``,
    and every pupil living where a sibling's likely pupil lives is scored for the child even
    if no blocking rule paired them (``_household_pairs``).

    Automatic only when the best pupil reaches the automatic threshold, no other pupil
    reaches the review threshold and no other child of the same incident was matched
    automatically to the same pupil. Review when the best two together, or the candidates shown
    together, reach the review threshold (the child is probably one of them: twins recorded
    without a forename, a child known by forename and date of birth alone, go to a person).
    Otherwise none: no UPN, and the best probability seen (0 if no pupil shared a blocking key
    with the child).

    The candidates a person reviewing the child is shown are the best pupil and every other
    of the best ``MAX_CANDIDATES`` whose probability reaches ``CANDIDATE_FLOOR``.

    ``backend`` is where Splink scores the pairs: ``DUCKDB`` or ``SPARK`` (``BACKENDS``).
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    model = model or MatchModel.default()
    if not children:
        return []
    best = _ranked(children, roll, model, backend=backend) if roll else {}
    households = _households(children)
    automatic = {
        index: found[0][0]
        for index, found in best.items()
        if found[0][1] >= model.automatic and _runner_up(found) < model.review
    }
    shared = household.shared_pupils(automatic, households)
    keys = roll.keys if isinstance(roll, PreparedRoll) else [pupil.key for pupil in roll]
    results = []
    for index, child in enumerate(children):
        found = best.get(index)
        if not found:
            results.append(Match(child.key, None, 0.0, NONE))
            continue
        pupil, probability = found[0]
        shown = [found[0], *(c for c in found[1:] if c[1] >= CANDIDATE_FLOOR)]
        if index in automatic and index not in shared:
            decision = AUTOMATIC
        elif max(probability + _runner_up(found), sum(p for _, p in shown)) >= model.review:
            decision = REVIEW
        else:
            decision = NONE
        upn = keys[pupil] if decision != NONE else None
        results.append(
            Match(
                child.key,
                upn,
                probability,
                decision,
                tuple(keys[p] for p, _ in shown),
                tuple(prob for _, prob in shown),
            )
        )
    return results


def _runner_up(found: list[tuple[int, float]]) -> float:
    return found[1][1] if len(found) > 1 else 0.0


def splink_linker(
    connection: duckdb.DuckDBPyConnection,
    children: Sequence[Person],
    roll: Roll,
    model: MatchModel,
) -> Any:
    """A Splink linker of ``children`` to ``roll`` on ``connection``, with this model.

    Term frequencies are counted over the roll alone (the children must not change how common
    a name is) and only on a roll of at least ``min_roll_size``: a short list is a sample, in
    which every name looks rare or common by chance.
    """
    term_frequencies = _load(connection, children, roll, model)
    return _linker(connection, model, len(roll), term_frequencies=term_frequencies)


def _load(
    connection: duckdb.DuckDBPyConnection,
    children: Sequence[Person],
    roll: Roll,
    model: MatchModel,
) -> bool:
    """The tables ``children``, ``roll`` and (when counted) ``tf_<column>`` of ``connection``;
    whether term frequencies were counted (see ``splink_linker``)."""
    connection.register("children_arrow", _table(children))
    connection.register("roll_arrow", _table(roll))
    connection.execute("CREATE TABLE children AS SELECT * FROM children_arrow")
    connection.execute("CREATE TABLE roll AS SELECT * FROM roll_arrow")
    term_frequencies = len(roll) >= model.min_roll_size
    if term_frequencies:
        for column in _TERM_FREQUENCY_COLUMNS:
            connection.execute(
                f"CREATE TABLE tf_{column} AS SELECT {column}, "  # noqa: S608 - our own names
                f"count(*) / (SELECT count(*) FROM roll) AS tf_{column} "
                f"FROM roll WHERE {column} IS NOT NULL GROUP BY {column}"
            )
    return term_frequencies


_TERM_FREQUENCY_COLUMNS = sorted({comparison for comparison, _ in TERM_FREQUENCY_LEVELS})


def _linker(
    connection: duckdb.DuckDBPyConnection,
    model: MatchModel,
    roll_size: int,
    *,
    term_frequencies: bool,
    blocking_rules: Sequence[str] | None = None,
) -> Any:
    """A linker of the tables ``children`` and ``roll`` of ``connection`` (and its term
    frequency tables ``tf_<column>``), with the prior of a roll of ``roll_size``."""
    # Splink takes a second to import: only matching pays it, not every ``safeguard`` command.
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(connection)
    settings = _settings(model, roll_size, term_frequencies, blocking_rules)
    linker = Linker(
        [
            db_api.register("children", table_name="a_children"),
            db_api.register("roll", table_name="b_roll"),
        ],
        settings,
        log_level=logging.WARNING,
    )
    if term_frequencies:
        for column in _TERM_FREQUENCY_COLUMNS:
            linker.table_management.register_term_frequency_lookup(
                db_api.register(f"tf_{column}", table_name=f"tf_{column}_lookup"), column
            )
    return linker


def _settings(
    model: MatchModel,
    roll_size: int,
    term_frequencies: bool,
    blocking_rules: Sequence[str] | None,
) -> dict[str, Any]:
    settings = splink_settings(model, roll_size, term_frequencies=term_frequencies)
    if blocking_rules is not None:
        settings["blocking_rules_to_generate_predictions"] = [
            {"blocking_rule": rule} for rule in blocking_rules
        ]
    return settings


def _predictions(
    connection: duckdb.DuckDBPyConnection,
    model: MatchModel,
    roll_size: int,
    *,
    term_frequencies: bool,
    blocking_rules: Sequence[str] | None = None,
    backend: str,
) -> str:
    """The name of the table of ``connection`` holding Splink's predictions for its tables
    ``children`` and ``roll`` (see ``_linker``), scored on ``backend``."""
    if backend == SPARK:
        from safeguard.children import linkage_spark

        return linkage_spark.predictions(
            connection,
            _settings(model, roll_size, term_frequencies, blocking_rules),
            term_frequency_columns=_TERM_FREQUENCY_COLUMNS if term_frequencies else [],
        )
    linker = _linker(
        connection,
        model,
        roll_size,
        term_frequencies=term_frequencies,
        blocking_rules=blocking_rules,
    )
    return str(linker.inference.predict(warning_mode="never").physical_name)


def _households(children: Sequence[Person]) -> dict[int, str]:
    """child index -> incident, for children who share their incident with another child."""
    counts: dict[str, int] = {}
    for child in children:
        if child.household:
            counts[child.household] = counts.get(child.household, 0) + 1
    return {
        index: child.household
        for index, child in enumerate(children)
        if child.household and counts[child.household] > 1
    }


# child index -> its best pupils, best first, as (pupil index, probability); at most
# ``MAX_CANDIDATES`` of them.
Ranked = dict[int, list[tuple[int, float]]]
# A person reviewing a child is shown the best pupil and, of the next best, those at least this
# probable: enough to hold the right pupil when the matching hesitates between a few (a common
# forename born the same day, a family that moved), few enough to compare side by side.
MAX_CANDIDATES = 5
CANDIDATE_FLOOR = 0.01
# Candidates of children with siblings below this first-pass probability are not weighed for
# household evidence: even the strongest household factor could not lift them to review.
_HOUSEHOLD_FLOOR = 1e-7
# The pupils a sibling probably is (its best ``_PLACES_PER_SIBLING``, each at least this
# probable before household evidence) say where the family may live on the roll: every pupil
# there is scored for the child (``_household_pairs``).
_PLACES_PER_SIBLING = 5
_PLACE_FLOOR = 0.01


def _ranked(children: Sequence[Person], roll: Roll, model: MatchModel, *, backend: str) -> Ranked:
    """Each child's best pupils with their probabilities (see ``Ranked``)."""
    connection = duckdb.connect(":memory:")
    try:
        term_frequencies = _load(connection, children, roll, model)
        scored = _predictions(
            connection, model, len(roll), term_frequencies=term_frequencies, backend=backend
        )
        prior = _prior(model, len(roll))
        prior_log2 = math.log2(prior / (1 - prior))
        connection.execute(
            f"""
            CREATE TABLE scored AS
            SELECT
                CASE WHEN source_dataset_l = 'a_children' THEN unique_id_l
                     ELSE unique_id_r END AS child,
                CASE WHEN source_dataset_l = 'a_children' THEN unique_id_r
                     ELSE unique_id_l END AS pupil,
                pow(2.0, match_weight - ?) AS bayes_factor
            FROM {scored}
            """,  # noqa: S608 - the table name is Splink's own, not input
            [prior_log2],
        )
        households = _households(children)
        if households:
            _household_pairs(connection, households, model, len(roll), backend=backend)
        connection.execute(
            """
            CREATE TABLE pairs AS
            WITH posterior AS (
                SELECT child, pupil, bayes_factor,
                    ? * bayes_factor
                    / (? + ? * sum(bayes_factor) OVER (PARTITION BY child)) AS probability
                FROM scored
            )
            SELECT child, pupil, bayes_factor, probability,
                row_number() OVER (
                    PARTITION BY child ORDER BY probability DESC, pupil
                ) AS rank
            FROM posterior
            """,
            [prior, 1 - model.share_on_roll, prior],
        )
        rows = connection.execute(
            "SELECT child, pupil, probability FROM pairs WHERE rank <= ? ORDER BY child, rank",
            [MAX_CANDIDATES],
        ).fetchall()
        best: Ranked = {}
        for child, pupil, probability in rows:
            best.setdefault(int(child), []).append((int(pupil), float(probability or 0.0)))
        if households:
            best.update(_with_household_evidence(connection, households, model, len(roll)))
    finally:
        connection.close()
    return best


def _household_pairs(
    connection: duckdb.DuckDBPyConnection,
    households: dict[int, str],
    model: MatchModel,
    roll_size: int,
    *,
    backend: str,
) -> None:
    """Add to ``scored`` the pairs the blocking rules missed of a child and a pupil living
    where a brother or sister named in the same incident probably lives on the roll.

    A child recorded without a date of birth and with a misspelt name, at the family's new
    address, shares no blocking key with its pupil; its brother, recorded well, does. Every
    pupil at the roll postcode of the brother's likely pupils (the best ``_PLACES_PER_SIBLING``
    at ``_PLACE_FLOOR`` or more) is scored for the child with the same model, and the household
    evidence then weighs them as it weighs every other candidate.
    """
    connection.register(
        "incident_of",
        pa.table(
            {
                "child": pa.array(list(households), pa.int64()),
                "incident": pa.array(list(households.values()), pa.string()),
            }
        ),
    )
    prior = _prior(model, roll_size)
    connection.execute(
        """
        CREATE TABLE household_places AS
        WITH first AS (
            SELECT s.child, s.pupil,
                ? * s.bayes_factor
                / (? + ? * sum(s.bayes_factor) OVER (PARTITION BY s.child)) AS probability
            FROM scored s WHERE s.child IN (SELECT child FROM incident_of)
        ),
        likely AS (
            SELECT child, pupil FROM (
                SELECT child, pupil, probability, row_number() OVER (
                    PARTITION BY child ORDER BY probability DESC, pupil) AS rank
                FROM first
            ) WHERE rank <= ? AND probability >= ?
        )
        SELECT DISTINCT other.child, r.postcode AS household_postcode
        FROM likely l
        JOIN incident_of i ON i.child = l.child
        JOIN incident_of other ON other.incident = i.incident AND other.child <> l.child
        JOIN roll r ON r.unique_id = l.pupil
        WHERE r.postcode IS NOT NULL
        """,
        [prior, 1 - model.share_on_roll, prior, _PLACES_PER_SIBLING, _PLACE_FLOOR],
    )
    if not connection.execute("SELECT count(*) FROM household_places").fetchall()[0][0]:
        return
    # The child once per place, and the pupils living at those places: linked in a connection
    # of their own (Splink's tables stay apart), with the whole roll's prior and frequencies.
    children = connection.sql(
        """
        SELECT row_number() OVER (ORDER BY p.child, p.household_postcode) - 1 AS unique_id,
            c.* EXCLUDE (unique_id), p.household_postcode, p.child AS child_index
        FROM household_places p JOIN children c ON c.unique_id = p.child
        """
    ).to_arrow_table()
    pupils = connection.sql(
        """
        SELECT r.*, r.postcode AS household_postcode, r.unique_id AS child_index FROM roll r
        WHERE r.postcode IN (SELECT household_postcode FROM household_places)
        """
    ).to_arrow_table()
    frequencies = {
        column: connection.sql(f"SELECT * FROM tf_{column}").to_arrow_table()  # noqa: S608
        for column in _TERM_FREQUENCY_COLUMNS
        if connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
            [f"tf_{column}"],
        ).fetchall()[0][0]
    }
    apart = duckdb.connect(":memory:")
    try:
        apart.register("children_arrow", children)
        apart.register("roll_arrow", pupils)
        apart.execute("CREATE TABLE children AS SELECT * FROM children_arrow")
        apart.execute("CREATE TABLE roll AS SELECT * FROM roll_arrow")
        for column, table in frequencies.items():
            apart.register(f"tf_{column}_arrow", table)
            apart.execute(f"CREATE TABLE tf_{column} AS SELECT * FROM tf_{column}_arrow")  # noqa: S608 - our own names
        predicted = _predictions(
            apart,
            model,
            roll_size,
            term_frequencies=bool(frequencies),
            blocking_rules=["l.household_postcode = r.household_postcode"],
            backend=backend,
        )
        prior_log2 = math.log2(prior / (1 - prior))
        found = apart.sql(
            f"""
            SELECT DISTINCT
                c.child_index AS child, p.child_index AS pupil,
                pow(2.0, x.match_weight - {prior_log2!r}) AS bayes_factor
            FROM {predicted} x
            JOIN children c ON c.unique_id = CASE WHEN x.source_dataset_l = 'a_children'
                THEN x.unique_id_l ELSE x.unique_id_r END
            JOIN roll p ON p.unique_id = CASE WHEN x.source_dataset_l = 'a_children'
                THEN x.unique_id_r ELSE x.unique_id_l END
            """  # noqa: S608 - Splink's table name and our own number, not input
        ).to_arrow_table()
    finally:
        apart.close()
    connection.register("household_scored", found)
    connection.execute(
        """
        INSERT INTO scored
        SELECT h.child, h.pupil, h.bayes_factor FROM household_scored h
        WHERE NOT EXISTS (
            SELECT 1 FROM scored s WHERE s.child = h.child AND s.pupil = h.pupil
        )
        """
    )


def _with_household_evidence(
    connection: duckdb.DuckDBPyConnection,
    households: dict[int, str],
    model: MatchModel,
    roll_size: int,
) -> Ranked:
    """The best pupils of every child with siblings, once household evidence is weighed."""
    connection.register("siblings", pa.table({"child": pa.array(sorted(households), pa.int64())}))
    size = max(roll_size, model.min_roll_size, 1)
    # The share of the roll at the pupil's postcode; for a pupil with the child's surname, the
    # share of that surname's holders there (see ``household``).
    rows = connection.execute(
        """
        WITH wanted AS (
            SELECT x.child, x.pupil, x.bayes_factor, x.probability,
                c.postcode AS child_postcode, r.postcode, r.surname,
                coalesce(c.surname = r.surname, false) AS same_surname
            FROM pairs x
            JOIN siblings s ON s.child = x.child
            JOIN children c ON c.unique_id = x.child
            JOIN roll r ON r.unique_id = x.pupil
            WHERE x.probability >= ? OR x.rank <= ?
        ),
        at_postcode AS (
            SELECT r.postcode, count(*) AS pupils FROM roll r
            WHERE r.postcode IN (SELECT postcode FROM wanted) GROUP BY r.postcode
        ),
        family AS (
            SELECT r.postcode, r.surname, count(*) AS pupils FROM roll r
            JOIN (SELECT DISTINCT postcode, surname FROM wanted WHERE same_surname) k
                ON k.postcode = r.postcode AND k.surname = r.surname
            GROUP BY r.postcode, r.surname
        ),
        surname AS (
            SELECT r.surname, count(*) AS pupils FROM roll r
            WHERE r.surname IN (SELECT surname FROM wanted WHERE same_surname)
            GROUP BY r.surname
        )
        SELECT w.child, w.pupil, w.bayes_factor, w.probability, w.child_postcode, w.postcode,
            CASE WHEN w.same_surname THEN f.pupils / s.pupils
                 ELSE coalesce(a.pupils, ?) / ? END AS share
        FROM wanted w
        LEFT JOIN at_postcode a ON a.postcode = w.postcode
        LEFT JOIN family f ON f.postcode = w.postcode AND f.surname = w.surname
        LEFT JOIN surname s ON s.surname = w.surname
        """,
        [_HOUSEHOLD_FLOOR, MAX_CANDIDATES, size, size],
    ).fetchall()
    totals = dict(
        connection.execute(
            "SELECT x.child, sum(x.bayes_factor) FROM pairs x"
            " JOIN siblings s ON s.child = x.child GROUP BY x.child"
        ).fetchall()
    )
    candidates = [
        household.Candidate(
            int(child), int(pupil), float(probability), float(bayes_factor), float(share or 1.0)
        )
        for child, pupil, bayes_factor, probability, _, _, share in rows
    ]
    factors = household.household_factors(
        candidates=candidates,
        households=households,
        child_postcodes={int(row[0]): row[4] for row in rows},
        pupil_postcodes={int(row[1]): row[5] for row in rows},
    )
    prior = _prior(model, roll_size)
    bayes_factors = {(c.child, c.pupil): c.bayes_factor for c in candidates}
    added: dict[int, float] = {}
    for (child, pupil), factor in factors.items():
        added[child] = added.get(child, 0.0) + (factor - 1) * bayes_factors[(child, pupil)]
    ranked: dict[int, list[tuple[float, int]]] = {}
    for c in candidates:
        if c.child not in added:
            continue
        total = float(totals[c.child]) + added[c.child]
        weight = c.bayes_factor * factors.get((c.child, c.pupil), 1.0)
        probability = prior * weight / (1 - model.share_on_roll + prior * total)
        ranked.setdefault(c.child, []).append((probability, c.pupil))
    best: Ranked = {}
    for child, scored in ranked.items():
        scored.sort(key=lambda item: (-item[0], item[1]))
        best[child] = [(pupil, probability) for probability, pupil in scored[:MAX_CANDIDATES]]
    return best


# Estimated once by ``python -m bench.estimate_model`` on a synthetic 500,000-pupil roll and
# 20,000 incident children (bench/synthetic_children.py): u over 3,000,000 random pairs of an
# incident child and a pupil (as Splink's estimate_u_using_random_sampling does); m over the
# known true pairs of the ground truth (as Splink's estimate_m_from_label_column does), each m
# raised to at least 0.01 so that no single disagreement can veto a match (real records have
# errors the generator does not make). postcode.exact_same_surname holds P(same postcode |
# same surname), counted exactly over the roll. Surname and postcode "else" keep a real m:
# children's surnames change (a parent's new partner, a return to a birth name), families move.
# The levels added for police records (``ADDED_LEVELS``) start from values set by hand, to be
# replaced by ``safeguard children train-model`` on the partnership's own records.
# The school comparison (ADR 0016), estimated by ``python -m bench school_training``: Splink's
# own training (u by random sampling against the roll, m by expectation maximisation, no
# labels) on the held-out generator's 500,000-pupil roll and 5,000 incident children of a seed
# the linkage benchmark does not measure. Rounded. "person_differs" is neutral by rule (m = u);
# the other levels are conditional on the pair not being "person_differs".
SCHOOL_DEFAULT: dict[str, dict[str, float]] = {
    "person_differs": {"m": 0.5, "u": 0.5},
    "same_urn": {"m": 0.2537, "u": 0.000444},
    "similar_name": {"m": 0.4871, "u": 0.006655},
    "different": {"m": 0.2592, "u": 0.992902},
}
DEFAULT_MODEL: dict[str, Any] = {
    "thresholds": {"automatic": 0.95, "review": 0.2},
    "prior": {"share_on_roll": 0.9, "min_roll_size": 50_000},
    "comparisons": {
        "forename": {
            "exact": {"m": 0.8353, "u": 0.004329},
            "swapped": {"m": 0.03, "u": 0.0002},
            "nickname": {"m": 0.0477, "u": 0.000909},
            "close": {"m": 0.0674, "u": 0.00202},
            "similar": {"m": 0.0098, "u": 0.002667},
            "else": {"m": 0.0098, "u": 0.990075},
        },
        "surname": {
            "exact": {"m": 0.8412, "u": 0.001362},
            "swapped": {"m": 0.03, "u": 0.0001},
            "part": {"m": 0.02, "u": 0.001},
            "close": {"m": 0.0574, "u": 0.000527},
            "similar": {"m": 0.0099, "u": 0.002627},
            "else": {"m": 0.0415, "u": 0.995484},
        },
        "dob": {
            "exact": {"m": 0.9216, "u": 0.000202},
            "day_month_swapped": {"m": 0.0107, "u": 6e-05},
            "one_part_differs": {"m": 0.0482, "u": 0.010369},
            "within_a_year": {"m": 0.0098, "u": 0.130118},
            "else": {"m": 0.0098, "u": 0.85925},
        },
        "gender": {
            "exact": {"m": 0.99, "u": 0.499716},
            "else": {"m": 0.01, "u": 0.500284},
        },
        "postcode": {
            "exact_same_surname": {"m": 0.9331, "u": 0.001702},
            "exact": {"m": 0.9276, "u": 1.4e-05},
            "sector": {"m": 0.0099, "u": 0.000991},
            "district": {"m": 0.03, "u": 0.009059},
            "moved_with_new_surname": {"m": 0.6, "u": 0.99},
            "else": {"m": 0.0324, "u": 0.989936},
        },
        "school": SCHOOL_DEFAULT,
    },
}
