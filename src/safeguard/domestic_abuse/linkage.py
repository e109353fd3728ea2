"""Link the adults of domestic abuse incidents across incidents: deduplication, not a roll.

Pure of Django. Victims and perpetrators are recorded differently by each agency and each
time ("Jo Bloggs", "Joanne Blogs", "BLOGGS Joanne"), so counting "3 incidents in 12 months"
or "the same victim and perpetrator" needs the records grouped into people first.

Deterministic and fuzzy rules, in order (the first that holds links two records):

1. same date of birth, and forename (nicknames resolved) and surname each agree closely
   (Jaro-Winkler at least 0.88, the children module's "typo" level), or are swapped;
2. same date of birth with day and month transposed, and both names exactly equal;
3. no date of birth on one side: both names exactly equal and the same postcode district.

Records are compared only within blocks (date of birth; exact names), so three years of a
city's incidents link in seconds. Links are transitive (union-find). A person's confirmation or
split (``Decision``) overrides the rules for that pair: a split keeps the two apart even when a
chain of other links would join them.

Beside these rules, ``model_pairs`` scores pairs with Splink (Fellegi-Sunter) as a dedupe
(``link_type="dedupe_only"``), on the children module's normalised columns but with the adults'
own comparisons, blocking rules and trained parameters (``adult_model``, ADR 0021). Its pairs at
or above ``MODEL_THRESHOLD`` join people like the rules' pairs do, under the same splits.
The rules stay: they are instant at an incident's arrival; the model runs as a background job
over every record and finds what the rules cannot (a missing date of birth with a misspelt name
and the same address, names swapped and a date typed wrong).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import combinations
from typing import Any

from safeguard.children import normalise
from safeguard.domestic_abuse import adult_model

CLOSE = 0.88


@dataclass(frozen=True)
class Adult:
    id: int
    forename: str
    surname: str
    dob: date | None = None
    postcode: str = ""
    gender: str = ""


@dataclass(frozen=True)
class Decision:
    """A person's word on a pair of records: ``same`` True confirms, False splits. Given in
    the order they were made: the last on a pair stands."""

    left: int
    right: int
    same: bool


@lru_cache(maxsize=1 << 16)
def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity (prefix scale 0.1, up to 4 letters), 1.0 for equal strings."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    reach = max(len(a), len(b)) // 2 - 1
    a_hit = [False] * len(a)
    b_hit = [False] * len(b)
    matches = 0
    for i, char in enumerate(a):
        for j in range(max(0, i - reach), min(i + reach + 1, len(b))):
            if not b_hit[j] and b[j] == char:
                a_hit[i] = b_hit[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    a_seq = [c for c, hit in zip(a, a_hit, strict=True) if hit]
    b_seq = [c for c, hit in zip(b, b_hit, strict=True) if hit]
    transpositions = sum(1 for x, y in zip(a_seq, b_seq, strict=True) if x != y) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


@dataclass(frozen=True)
class _Clean:
    id: int
    forename: str
    surname: str
    dob: date | None
    district: str


def _clean(adult: Adult) -> _Clean:
    postcode = normalise.postcode(adult.postcode or None)
    return _Clean(
        id=adult.id,
        forename=normalise.canonical_forename(adult.forename or None) or "",
        surname=normalise.name(adult.surname or None) or "",
        dob=adult.dob,
        district=normalise.postcode_district(postcode) or "",
    )


def _close(a: str, b: str) -> bool:
    return bool(a) and bool(b) and jaro_winkler(a, b) >= CLOSE


def same_person(left: Adult, right: Adult) -> bool:
    """The rules above for one pair (no decisions)."""
    return _same(_clean(left), _clean(right))


def transposed(day: date) -> date | None:
    """The date with day and month swapped, when that is a date (3 April for 4 March)."""
    if day.day > 12:
        return None
    try:
        return date(day.year, day.day, day.month)
    except ValueError:
        return None


def _same(a: _Clean, b: _Clean) -> bool:
    names_equal = bool(a.forename) and a.forename == b.forename and a.surname == b.surname
    if a.dob is not None and b.dob is not None:
        if a.dob == b.dob:
            swapped = bool(a.forename) and a.forename == b.surname and a.surname == b.forename
            return swapped or (_close(a.forename, b.forename) and _close(a.surname, b.surname))
        return a.dob == transposed(b.dob) and names_equal and bool(a.surname)
    return names_equal and bool(a.surname) and bool(a.district) and a.district == b.district


def _blocks(cleaned: Sequence[_Clean]) -> Iterable[list[_Clean]]:
    by_dob: dict[date, list[_Clean]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[_Clean]] = defaultdict(list)
    for row in cleaned:
        if row.dob is not None:
            by_dob[row.dob].append(row)
            swapped = transposed(row.dob)
            if swapped is not None and swapped != row.dob:
                by_dob[swapped].append(row)
        if row.forename and row.surname:
            by_name[(row.forename, row.surname)].append(row)
    yield from by_dob.values()
    yield from by_name.values()


class _Sets:
    def __init__(self, ids: Iterable[int]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def link(
    adults: Sequence[Adult],
    decisions: Iterable[Decision] = (),
    model_pairs: Iterable[tuple[int, int]] = (),
) -> dict[int, int]:
    """Each record's person: the smallest record id of its group. ``model_pairs`` (from
    ``model_pairs``) join like the rules' pairs, under the same splits."""
    cleaned = [_clean(adult) for adult in adults]
    sets = _Sets(a.id for a in adults)
    known = {a.id for a in adults}
    # The last word on a pair stands: a confirmation after a split undoes the split.
    last: dict[frozenset[int], bool] = {}
    for decision in decisions:
        if decision.left in known and decision.right in known and decision.left != decision.right:
            last[frozenset((decision.left, decision.right))] = decision.same
    split = {pair for pair, same in last.items() if not same}
    confirmed = [tuple(sorted(pair)) for pair, same in last.items() if same]
    pairs: set[tuple[int, int]] = set()
    for block in _blocks(cleaned):
        for a, b in combinations(block, 2):
            if a.id == b.id:
                continue
            key = (min(a.id, b.id), max(a.id, b.id))
            if key in pairs or frozenset(key) in split:
                continue
            if _same(a, b):
                pairs.add(key)
    for left, right in model_pairs:
        if left in known and right in known and left != right:
            key = (min(left, right), max(left, right))
            if frozenset(key) not in split:
                pairs.add(key)
    # Confirmed pairs first, then the rules' pairs; a join that would put a split pair in one
    # person is refused (a cannot-link constraint), so a chain cannot undo a person's split.
    for left, right in confirmed + sorted(pairs):
        _join_unless_split(sets, left, right, split)
    return {adult.id: sets.find(adult.id) for adult in adults}


def _join_unless_split(sets: _Sets, a: int, b: int, split: set[frozenset[int]]) -> None:
    ra, rb = sets.find(a), sets.find(b)
    if ra == rb:
        return
    for pair in split:
        left, right = tuple(pair)
        ends = {sets.find(left), sets.find(right)}
        if ends == {ra, rb}:
            return
    sets.join(ra, rb)


# --- The Splink model ---------------------------------------------------------------------------

# The model's own threshold and prior (``adult_model``), named here for the callers.
MODEL_THRESHOLD = adult_model.THRESHOLD
ADULTS_PRIOR = adult_model.PRIOR


def _person(adult: Adult) -> Any:
    from safeguard.children.linkage import Person

    return Person(
        key=str(adult.id),
        forename=adult.forename or None,
        surname=adult.surname or None,
        dob=adult.dob,
        gender=(adult.gender or "").upper()[:1] or None,
        postcode=adult.postcode or None,
    )


def adults_table(adults: Sequence[Adult]) -> Any:
    """The normalised columns the adults' comparisons and blocking rules use (the children
    module's ``records_table``), with ``unique_id`` each adult's place in ``adults``."""
    from safeguard.children import linkage as children_linkage

    return children_linkage.records_table([_person(a) for a in adults])


def model_pairs(
    adults: Sequence[Adult], *, threshold: float = MODEL_THRESHOLD
) -> list[tuple[int, int, float]]:
    """Pairs of records the adults' Splink model (``adult_model``) scores as one person at or
    above ``threshold``: (left id, right id, probability), left < right, best first. DuckDB in
    memory; nothing is stored."""
    if len(adults) < 2:
        return []
    import duckdb

    # Splink takes a second to import: only the model's job pays it.
    from splink import DuckDBAPI, Linker

    connection = duckdb.connect(":memory:")
    try:
        connection.register("adults_arrow", adults_table(adults))
        connection.execute("CREATE TABLE adults AS SELECT * FROM adults_arrow")
        db_api = DuckDBAPI(connection)
        linker = Linker(
            [db_api.register("adults", table_name="da_adults")],
            adult_model.splink_settings(),
            log_level=logging.WARNING,
        )
        scored = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        rows = connection.execute(
            f"SELECT unique_id_l, unique_id_r, match_probability FROM {scored.physical_name}"  # noqa: S608 - Splink's own table name
        ).fetchall()
    finally:
        connection.close()
    found = []
    for left, right, probability in rows:
        a, b = adults[int(left)].id, adults[int(right)].id
        found.append((min(a, b), max(a, b), float(probability)))
    found.sort(key=lambda row: (-row[2], row[0], row[1]))
    return found
