"""Estimate the m and u probabilities of the linkage model once, on synthetic data.

``python -m bench.estimate_model`` prints the ``comparisons`` part of a model as JSON; the
numbers in ``linkage.DEFAULT_MODEL`` were written from its output, rounded.

* m (how often a true match falls in a level) is counted over the known true pairs of the
  synthetic ground truth: every incident child drawn from the roll, against its pupil. This is
  what Splink's ``estimate_m_from_label_column`` does, with labels we know to be right.
* u (how often a non-match falls in a level) is counted over random pairs of an incident child
  and a pupil, as Splink's ``estimate_u_using_random_sampling`` does.

Both skip pairs where either side is missing the field (the null level carries no weight).
A level no pair reached gets a floor, so that no weight is infinite; m has a higher floor
(see ``_with_floor``).
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

import duckdb

from bench import synthetic_children
from safeguard.children import linkage

FLOOR = 0.000001
M_FLOOR = 0.01
ROLL = 500_000
CHILDREN = 20_000
RANDOM_PAIRS = 3_000_000


def _level_case(comparison: str) -> str:
    """The level of each pair, as SQL. ``exact_same_surname`` holds conditional probabilities
    and is counted apart (see ``_same_postcode_given_same_surname``): here its pairs are
    counted as plain ``exact``."""
    whens = []
    for level, sql in linkage.LEVELS[comparison]:
        if level == "exact_same_surname":
            continue
        if sql == "ELSE":
            whens.append(f"ELSE '{level}'")
        else:
            whens.append(f"WHEN {sql} THEN '{level}'")
    return "CASE " + " ".join(whens) + " END"


def _proportions(connection: duckdb.DuckDBPyConnection, pairs: str) -> dict[str, dict[str, float]]:
    columns = [name for name in linkage._table([]).column_names if name != "unique_id"]
    select = ", ".join(
        [f"c.{name} AS {name}_l" for name in columns]
        + [f"p.{name} AS {name}_r" for name in columns]
    )
    connection.execute(
        f"CREATE OR REPLACE TEMP VIEW joined AS SELECT {select} FROM {pairs} x "  # noqa: S608
        "JOIN children c ON c.unique_id = x.child JOIN roll p ON p.unique_id = x.pupil"
    )
    result: dict[str, dict[str, float]] = {}
    for comparison in linkage.LEVELS:
        rows = connection.execute(
            f"SELECT level, count(*) FROM (SELECT {_level_case(comparison)} AS level "  # noqa: S608
            "FROM joined) WHERE level <> 'null' GROUP BY level"
        ).fetchall()
        counts = dict(rows)
        total = sum(counts.values())
        result[comparison] = {
            level: max(counts.get(level, 0) / total, FLOOR)
            for level, _ in linkage.LEVELS[comparison]
            if level not in ("null", "exact_same_surname")
        }
    return result


def estimate(roll_size: int = ROLL, children: int = CHILDREN) -> dict[str, Any]:
    pupils = synthetic_children.roll(roll_size, seed=11)
    incident = synthetic_children.incident_children(pupils, children, seed=12)
    index = {pupil.upn: number for number, pupil in enumerate(pupils)}
    connection = duckdb.connect()
    connection.register("children_arrow", linkage._table(incident.children))
    connection.register("roll_arrow", linkage._table([p.person() for p in pupils]))
    connection.execute("CREATE TABLE children AS FROM children_arrow")
    connection.execute("CREATE TABLE roll AS FROM roll_arrow")
    true_pairs = [
        (number, index[incident.truth[child.key]])
        for number, child in enumerate(incident.children)
        if incident.truth[child.key]
    ]
    rng = random.Random(13)
    random_pairs = [
        (rng.randrange(children), rng.randrange(roll_size)) for _ in range(RANDOM_PAIRS)
    ]
    for name, pairs in (("true_pairs", true_pairs), ("random_pairs", random_pairs)):
        connection.execute(
            f"CREATE TABLE {name} AS SELECT unnest(?) AS child, unnest(?) AS pupil",
            [[c for c, _ in pairs], [p for _, p in pairs]],
        )
    m = _proportions(connection, "true_pairs")
    u = _proportions(connection, "random_pairs")
    m_household, u_household = _same_postcode_given_same_surname(connection)
    model = {
        comparison: {
            level: {"m": m_value, "u": round(u[comparison][level], 6)}
            for level, m_value in _with_floor(m[comparison]).items()
        }
        for comparison in m
    }
    model["postcode"]["exact_same_surname"] = {
        "m": round(m_household, 4),
        "u": round(u_household, 6),
    }
    return model


def _same_postcode_given_same_surname(
    connection: duckdb.DuckDBPyConnection,
) -> tuple[float, float]:
    """P(same postcode | same surname) for true pairs (m) and for all pairs of pupils (u).

    u is counted exactly over every pair of distinct pupils of the roll, from group sizes.
    """
    m_row = connection.execute(
        "SELECT count(*) FILTER (WHERE c.postcode = p.postcode), count(*) FROM true_pairs x "
        "JOIN children c ON c.unique_id = x.child JOIN roll p ON p.unique_id = x.pupil "
        "WHERE c.surname = p.surname AND c.postcode IS NOT NULL AND p.postcode IS NOT NULL"
    ).fetchone()
    u_row = connection.execute(
        "SELECT (SELECT sum(n * (n - 1)) FROM (SELECT count(*) AS n FROM roll "
        "  WHERE surname IS NOT NULL AND postcode IS NOT NULL GROUP BY surname, postcode)), "
        "(SELECT sum(n * (n - 1)) FROM (SELECT count(*) AS n FROM roll "
        "  WHERE surname IS NOT NULL AND postcode IS NOT NULL GROUP BY surname))"
    ).fetchone()
    assert m_row is not None and u_row is not None
    return m_row[0] / m_row[1], float(u_row[0]) / float(u_row[1])


def _with_floor(levels: dict[str, float]) -> dict[str, float]:
    """Raise every m to at least ``M_FLOOR`` and rescale so that they still sum to 1.

    The generator only makes the errors it was written to make; real records have others (a
    child known by a middle name, a gender recorded wrongly, a date of birth guessed), and an
    m near zero would let one such error veto an otherwise certain match.
    """
    raised = {level: max(value, M_FLOOR) for level, value in levels.items()}
    total = sum(raised.values())
    return {level: round(value / total, 4) for level, value in raised.items()}


if __name__ == "__main__":
    print(json.dumps(estimate(*(int(a) for a in sys.argv[1:])), indent=2))
