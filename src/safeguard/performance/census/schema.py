"""The tables the parsers produce and the store keeps: one Arrow schema each.

Names are plain English rather than the DfE element names; the mapping lives in the parsers.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

_DATE = pa.date32()
_TEXT = pa.string()
_INT = pa.int32()
_FLAG = pa.bool_()

TABLES: dict[str, pa.Schema] = {
    # Children in Need census
    "cin_header": pa.schema(
        [("collection", _TEXT), ("year", _TEXT), ("reference_date", _DATE), ("la_code", _TEXT)]
    ),
    "children": pa.schema(
        [
            ("child_id", _TEXT),
            ("upn", _TEXT),
            ("former_upn", _TEXT),
            ("upn_unknown", _TEXT),
            ("birth_date", _DATE),
            ("expected_birth_date", _DATE),
            ("gender", _TEXT),
            ("death_date", _DATE),
            ("ethnicity", _TEXT),
        ]
    ),
    "cin_episodes": pa.schema(
        [
            ("child_id", _TEXT),
            ("episode", _INT),
            ("referral_date", _DATE),
            ("referral_source", _TEXT),
            ("primary_need", _TEXT),
            ("closure_date", _DATE),
            ("closure_reason", _TEXT),
            ("referral_nfa", _FLAG),
            ("initial_cpc_date", _DATE),
        ]
    ),
    "assessments": pa.schema(
        [
            ("child_id", _TEXT),
            ("episode", _INT),
            ("assessment", _INT),
            ("start_date", _DATE),
            ("authorisation_date", _DATE),
            ("factors", _TEXT),
        ]
    ),
    "section47": pa.schema(
        [
            ("child_id", _TEXT),
            ("episode", _INT),
            ("enquiry", _INT),
            ("strategy_discussion_date", _DATE),
            ("icpc_target_date", _DATE),
            ("icpc_date", _DATE),
            ("icpc_not_required", _FLAG),
        ]
    ),
    "cp_plans": pa.schema(
        [
            ("child_id", _TEXT),
            ("episode", _INT),
            ("plan", _INT),
            ("start_date", _DATE),
            ("end_date", _DATE),
            ("initial_category", _TEXT),
            ("latest_category", _TEXT),
            ("previous_plans", _INT),
        ]
    ),
    "cp_reviews": pa.schema(
        [("child_id", _TEXT), ("episode", _INT), ("plan", _INT), ("review_date", _DATE)]
    ),
    # SSDA903
    "cla_children": pa.schema(
        [("child_id", _TEXT), ("sex", _TEXT), ("birth_date", _DATE), ("upn", _TEXT)]
    ),
    "cla_episodes": pa.schema(
        [
            ("child_id", _TEXT),
            ("start_date", _DATE),
            ("reason_new_episode", _TEXT),
            ("legal_status", _TEXT),
            ("cin_category", _TEXT),
            ("placement", _TEXT),
            ("end_date", _DATE),
            ("reason_ended", _TEXT),
        ]
    ),
    "cla_reviews": pa.schema([("child_id", _TEXT), ("review_date", _DATE), ("review_code", _TEXT)]),
    "cla_health": pa.schema(
        [
            ("child_id", _TEXT),
            ("health_check", _FLAG),
            ("immunisations", _FLAG),
            ("teeth_check", _FLAG),
            ("health_assessment", _FLAG),
            ("sdq_score", _INT),
        ]
    ),
}

CIN_TABLES = (
    "cin_header",
    "children",
    "cin_episodes",
    "assessments",
    "section47",
    "cp_plans",
    "cp_reviews",
)
SSDA903_TABLES = ("cla_children", "cla_episodes", "cla_reviews", "cla_health")


def to_arrow(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as an Arrow table of the named schema (missing keys become nulls)."""
    return pa.Table.from_pylist(rows, schema=TABLES[name])


def empty(name: str) -> pa.Table:
    return TABLES[name].empty_table()
