"""Estimate the matching model from the partnership's own records, with Splink's training.

Pure of Django: children and roll in, a new ``MatchModel`` and a report out. The caller (the
``safeguard children train-model`` command, through ``services.match_model_train``) stores the
result as a new version; nothing here touches the database.

* u (how often two different children fall in each level) by random sampling of pairs of an
  incident child and a pupil, Splink's ``estimate_u_using_random_sampling``: almost every
  random pair is two different children.
* m (how often the same child falls in each level) by expectation maximisation on the real
  incident children against the roll, Splink's
  ``estimate_parameters_using_expectation_maximisation``, in three sessions blocked on two
  fields each (``EM_BLOCKING_RULES``), which between them estimate every comparison. No labels
  are needed: EM finds the matches itself.

The conditional levels (``linkage.CONDITIONAL_LEVELS``) come out of Splink joint, P(postcode
level and surname level); they are divided by the surname level's own m and u, so that the
surname is not counted twice. The school's levels likewise are divided by "not person_differs"
(ADR 0016). A level no pair reached keeps its value from before. Every m is
kept at least ``M_FLOOR``, so that no single disagreement vetoes a match (real records have
errors the training set did not show), and every u at least ``U_FLOOR``. A neutral level
(``linkage.NEUTRAL_LEVELS``: the school of a pair whose forename and date of birth clearly
differ) is not trained: its m stays equal to its u.

Thresholds and the prior are not trained: they are the partnership's choice of risk. The
report says what the new numbers do with them: how the training children are decided under
the model before and after (automatic, review, none).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb

from safeguard.children import linkage

M_FLOOR = 0.01
U_FLOOR = 0.000001
DEFAULT_MAX_PAIRS = 5_000_000
# Splink estimates no comparison that uses a column of the session's blocking rule, and EM
# works when the blocked pairs are neither almost all matches nor almost none. Each session
# pairs on two fields, so that on a large roll the same child is a fair share of the pairs:
# date of birth and postcode district (estimates names and gender), forename and postcode
# (date of birth, surname), forename and date of birth (surname, postcode). The postcode
# comparison reads the surname too, so no session blocks on the surname.
EM_BLOCKING_RULES = [
    "l.dob = r.dob AND l.postcode_district = r.postcode_district",
    "l.forename = r.forename AND l.postcode = r.postcode",
    "l.forename = r.forename AND l.dob = r.dob",
    # The school comparison reads forename and date of birth (its neutral level), so only a
    # session blocked on neither estimates it: surname and postcode (households).
    "l.surname = r.surname AND l.postcode = r.postcode",
]
MIN_CHILDREN = 20


@dataclass(frozen=True)
class LevelChange:
    comparison: str
    level: str
    m_before: float
    m_after: float
    u_before: float
    u_after: float


@dataclass(frozen=True)
class Training:
    """The trained model, what changed in it, and the decisions before and after."""

    model: linkage.MatchModel
    changes: list[LevelChange]
    decisions_before: dict[str, int]
    decisions_after: dict[str, int]
    children: int
    roll: int
    # The trained model on the same children with the school the police recorded left out:
    # what the school comparison adds (ADR 0016). Empty when no child had a school recorded.
    decisions_after_without_school: dict[str, int] = field(default_factory=dict)
    children_with_school: int = 0

    def report(self) -> dict[str, Any]:
        """A JSON-ready summary, stored with the version and shown on the model's page."""
        return {
            "children": self.children,
            "roll": self.roll,
            "decisions_before": self.decisions_before,
            "decisions_after": self.decisions_after,
            "decisions_after_without_school": self.decisions_after_without_school,
            "children_with_school": self.children_with_school,
            "levels": [
                {
                    "comparison": c.comparison,
                    "level": c.level,
                    "m_before": c.m_before,
                    "m_after": c.m_after,
                    "u_before": c.u_before,
                    "u_after": c.u_after,
                }
                for c in self.changes
            ],
        }


def train(
    children: Sequence[linkage.Person],
    roll: Sequence[linkage.Person],
    model: linkage.MatchModel,
    *,
    max_pairs: float = DEFAULT_MAX_PAIRS,
    seed: int = 1,
) -> Training:
    """Estimate u and m for every level of ``model`` from ``children`` against ``roll``."""
    if len(children) < MIN_CHILDREN:
        raise ValueError(
            f"training needs at least {MIN_CHILDREN} incident children; {len(children)} given"
        )
    if not roll:
        raise ValueError("training needs a roll with at least one pupil")
    trained = _estimate(children, roll, model, max_pairs=max_pairs, seed=seed)
    after = linkage.MatchModel.from_dict(
        {**model.to_dict(), "comparisons": _comparisons(model, trained)}
    )
    changes = [
        LevelChange(comparison, level, p.m, after_p.m, p.u, after_p.u)
        for comparison, levels in model.comparisons.items()
        for level, p in levels.items()
        for after_p in [after.comparisons[comparison][level]]
    ]
    with_school = sum(1 for child in children if child.school_urns or child.school_names)
    without_school = [replace(child, school_urns=(), school_names=()) for child in children]
    return Training(
        model=after,
        changes=changes,
        decisions_before=_decisions(children, roll, model),
        decisions_after=_decisions(children, roll, after),
        children=len(children),
        roll=len(roll),
        decisions_after_without_school=(
            _decisions(without_school, roll, after) if with_school else {}
        ),
        children_with_school=with_school,
    )


def _estimate(
    children: Sequence[linkage.Person],
    roll: Sequence[linkage.Person],
    model: linkage.MatchModel,
    *,
    max_pairs: float,
    seed: int,
) -> dict[str, dict[str, tuple[float | None, float | None]]]:
    """comparison -> level -> (m, u) as Splink estimated them (None where it could not)."""
    connection = duckdb.connect(":memory:")
    logging.getLogger("splink").setLevel(logging.ERROR)
    try:
        linker = linkage.splink_linker(connection, children, roll, model)
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        for rule in EM_BLOCKING_RULES:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        settings = linker.misc.save_model_to_json()
    finally:
        connection.close()
    found: dict[str, dict[str, tuple[float | None, float | None]]] = {}
    for comparison in settings["comparisons"]:
        levels = found.setdefault(comparison["output_column_name"], {})
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            levels[level["label_for_charts"]] = (
                _probability(level.get("m_probability")),
                _probability(level.get("u_probability")),
            )
    return found


def _probability(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= 1 else None


def _comparisons(
    model: linkage.MatchModel, trained: dict[str, dict[str, tuple[float | None, float | None]]]
) -> dict[str, dict[str, dict[str, float]]]:
    """The trained m and u of every level, conditional levels made conditional, floors kept."""
    result: dict[str, dict[str, dict[str, float]]] = {}
    for comparison, levels in model.comparisons.items():
        result[comparison] = {}
        for level, before in levels.items():
            if (comparison, level) in linkage.NEUTRAL_LEVELS:
                # No evidence by rule (ADR 0016): whatever EM finds, m stays equal to u.
                result[comparison][level] = {"m": before.m, "u": before.u}
                continue
            m, u = trained.get(comparison, {}).get(level, (None, None))
            condition = linkage.CONDITIONAL_LEVELS.get((comparison, level))
            if condition is not None:
                m, u = _conditional(m, u, _given(trained.get(condition[0], {}), condition[1]))
            result[comparison][level] = {
                "m": round(max(m if m is not None else before.m, M_FLOOR), 6),
                "u": round(max(u if u is not None else before.u, U_FLOOR), 8),
            }
    return result


def _given(
    levels: dict[str, tuple[float | None, float | None]], level: str
) -> tuple[float | None, float | None] | None:
    """The m and u of ``level``, or of every level but X for "not X"."""
    if not level.startswith("not "):
        return levels.get(level)
    m_other, u_other = levels.get(level.removeprefix("not "), (None, None))
    return (
        None if m_other is None else 1 - m_other,
        None if u_other is None else 1 - u_other,
    )


def _conditional(
    m: float | None, u: float | None, given: tuple[float | None, float | None] | None
) -> tuple[float | None, float | None]:
    """P(level | given level) from P(level and given level) and P(given level)."""
    if given is None:
        return None, None
    m_given, u_given = given
    m_cond = min(m / m_given, 1.0) if m is not None and m_given else None
    u_cond = min(u / u_given, 1.0) if u is not None and u_given else None
    return m_cond, u_cond


def _decisions(
    children: Sequence[linkage.Person], roll: Sequence[linkage.Person], model: linkage.MatchModel
) -> dict[str, int]:
    counted = Counter(found.decision for found in linkage.match(children, roll, model))
    return {decision: counted.get(decision, 0) for decision in linkage.DECISIONS}
