"""Household evidence: children named in one incident are usually siblings living at one address
on the roll. Pure of Django and of Splink.

A child whose surname changed (a parent's new partner) and whose family moved is known to the
model only by forename, date of birth and perhaps sex. On a roll of 500,000 that is not enough:
about one pupil in five shares a common forename and a date of birth with someone. What the
police record does carry is the incident: if a brother named in the same incident is (probably)
the pupil at ``ZY6 4JR`` on the roll, a candidate for his sister who also lives at ``ZY6 4JR`` on
the roll is far more likely to be her than a namesake elsewhere.

In Fellegi-Sunter terms this is one more comparison, made after the pairwise model: "the
candidate's roll postcode is the roll postcode of a sibling's pupil". Its m is
``HOUSEHOLD_M``, the share of children in an incident whose roll address is a sibling's (kept
well under 1: half-siblings live apart, rolls lag behind moves); its u is the share of the roll
living at that postcode (a random pupil lives there that often), so a crowded postcode is weaker
evidence than a quiet one. The sibling's pupil is itself uncertain, so the factor is the
mixture ``1 + support * (m/u - 1)``, where support is the sibling's probability of living there.

Guards keep it from counting anything twice or inventing a match:
* siblings share a surname: a brother and sister of a family on no roll would each find a
  namesake family, and its address would then be the surname counted twice. So for a candidate
  with the child's own surname, u is the share of that surname's holders on the roll living at
  the postcode (for "Patel" at a family's address about 1 in 3,000, not 1 in 40,000; for a rare
  surname nearly 1, no evidence at all), as ``postcode.exact_same_surname`` does for one child;
* a candidate whose roll postcode the child's own recorded postcode equals gets no factor (the
  postcode comparison has counted that address);
* only a sibling's candidate with at least ``MIN_SUPPORT`` probability supports an address (a
  floor against noise; the mixture is the two children's joint model, so a weak but real
  guess for a sibling still counts by its probability);
* a sibling's support never includes the same pupil (a child cannot be its own sibling);
* of several siblings, the best support counts, not their sum or product (one household is one
  piece of evidence, however many children it has).
And after the decisions, two children of one incident matched automatically to the same pupil
are both sent to review (``shared_pupils``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# P(the child's pupil lives at the roll postcode of a sibling's pupil | same incident, a true
# match): siblings named together usually share the roll address, but not always.
HOUSEHOLD_M = 0.5
# The least share of the roll a postcode is taken to hold: no postcode is proof.
MIN_POSTCODE_SHARE = 0.000002
# A sibling's candidate supports an address only if the model gives it at least this
# probability. The factor ``1 + support * (m/u - 1)`` is the exact marginal of the two children's
# joint model, so even a weak guess for the sibling is evidence when it meets the child's
# candidate at one address (two namesakes of a family on no roll rarely share a home); the
# floor only drops the noise of the many near-impossible pupils. It was 0.2 (ADR 0009) and was
# lowered to 0.001 on a training set of 2,000 incident children (household incidents of seed
# 909 against the 500,000-pupil roll; bench/linkage.py measures the seeds 202 and 303): recall
# 0.9819 at 0.2, 0.9837 at 0.05 and at 0.01, 0.9849 at 0.001, with no wrong automatic match at
# any of them (``python -m bench household_support``).
MIN_SUPPORT = 0.001


@dataclass(frozen=True)
class Candidate:
    """A pupil the pairwise model scored for a child: its posterior probability and Bayes
    factor (likelihood ratio over the prior) before household evidence."""

    child: int
    pupil: int
    probability: float
    bayes_factor: float
    # How often a pupil who is not the child would live at this pupil's roll postcode all the
    # same: the share of the roll living there, or, when the child's surname is the pupil's,
    # the share of the roll's holders of that surname living there (see the module).
    share: float = 1.0


def household_factors(
    *,
    candidates: Sequence[Candidate],
    households: Mapping[int, str],
    child_postcodes: Mapping[int, str | None],
    pupil_postcodes: Mapping[int, str | None],
    m: float = HOUSEHOLD_M,
) -> dict[tuple[int, int], float]:
    """(child, pupil) -> the factor (> 1) household evidence multiplies that pair's Bayes
    factor by. Pairs without household evidence are left out (their factor is 1).

    ``households`` maps a child to its incident (children missing from it have no siblings).
    """
    # household -> sibling child -> roll postcode -> {pupil: probability}
    where: dict[str, dict[int, dict[str, dict[int, float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict))
    )
    for c in candidates:
        household = households.get(c.child)
        postcode = pupil_postcodes.get(c.pupil)
        if household is not None and postcode and c.probability >= MIN_SUPPORT:
            where[household][c.child][postcode][c.pupil] = c.probability
    factors: dict[tuple[int, int], float] = {}
    for c in candidates:
        household = households.get(c.child)
        postcode = pupil_postcodes.get(c.pupil)
        if household is None or not postcode or child_postcodes.get(c.child) == postcode:
            continue
        support = 0.0
        for sibling, postcodes in where[household].items():
            if sibling == c.child:
                continue
            pupils = postcodes.get(postcode, {})
            support = max(support, sum(p for pupil, p in pupils.items() if pupil != c.pupil))
        support = min(support, 1.0)
        ratio = m / max(c.share, MIN_POSTCODE_SHARE)
        if support > 0 and ratio > 1:
            factors[(c.child, c.pupil)] = 1 + support * (ratio - 1)
    return factors


def shared_pupils(automatic: Mapping[int, int], households: Mapping[int, str]) -> set[int]:
    """The children (of ``automatic``: child -> pupil) whose pupil another child of the same
    incident was also matched to automatically: one of them is wrong, a person must choose."""
    seen: dict[tuple[str, int], list[int]] = defaultdict(list)
    for child, pupil in automatic.items():
        household = households.get(child)
        if household is not None:
            seen[(household, pupil)].append(child)
    return {child for children in seen.values() if len(children) > 1 for child in children}
