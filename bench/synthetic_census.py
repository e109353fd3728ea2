"""Synthetic record-level CIN census and SSDA903 data at national scale, straight to Parquet.

No real child: identifiers are sequence numbers, dates are drawn from a hash of the row number,
so a size always gives the same data. Written by DuckDB SQL (seconds even at 3 million rows)
into the same Parquet layout ``safeguard.performance.census.store`` keeps, so the benchmark
times exactly what the service runs.

Shape, per CIN episode (one referral of one child) over five years of referrals from
1 April 2020 to 31 March 2025: about 1.3 episodes per child; a section 47 enquiry for 30%,
an initial conference for about half of those and a plan after most conferences; plans last
up to about 2.5 years (20% still open) with reviews at about 3 and 9 months; an assessment on
each episode. Looked-after episodes are a tenth as many, with OC2 health rows for their
children.
"""

# The SQL below is built from this module's own numbers and the bench output folder only.
# ruff: noqa: S608

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb


def _u(seed: int, column: str = "i") -> str:
    """A deterministic draw in [0, 1) from a row number: SQL text, constants only."""
    return f"((hash({column}, {seed}) % 1000000) / 1000000.0)"


def generate(folder: Path, episodes: int) -> Path:
    """Write the census tables for ``episodes`` CIN episodes into ``folder`` (replaced)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    children = max(1, int(episodes / 1.3))
    looked_after = max(1, episodes // 10)
    con = duckdb.connect()
    sql = {
        "children": f"""
            SELECT 'C' || i AS child_id, NULL::VARCHAR AS upn, NULL::VARCHAR AS former_upn,
                   NULL::VARCHAR AS upn_unknown,
                   DATE '2003-01-01' + CAST(floor({_u(1)} * 8000) AS INTEGER) AS birth_date,
                   NULL::DATE AS expected_birth_date,
                   CASE WHEN {_u(2)} < 0.5 THEN '1' ELSE '2' END AS gender,
                   NULL::DATE AS death_date, 'WBRI' AS ethnicity
            FROM range({children}) t(i)""",
        "cin_episodes": f"""
            SELECT 'C' || CAST(floor({_u(3)} * {children}) AS BIGINT) AS child_id,
                   CAST(i AS INTEGER) AS episode,
                   DATE '2020-04-01' + CAST(floor({_u(4)} * 1826) AS INTEGER) AS referral_date,
                   '1A' AS referral_source, 'N1' AS primary_need,
                   CASE WHEN {_u(5)} < 0.85
                        THEN DATE '2020-04-01' + CAST(floor({_u(4)} * 1826) AS INTEGER)
                             + CAST(floor({_u(6)} * 400) AS INTEGER) END AS closure_date,
                   'RC1' AS closure_reason, {_u(7)} < 0.1 AS referral_nfa,
                   NULL::DATE AS initial_cpc_date
            FROM range({episodes}) t(i)""",
        "assessments": f"""
            SELECT child_id, episode, 1 AS assessment, referral_date + 1 AS start_date,
                   referral_date + 30 AS authorisation_date, '2A' AS factors
            FROM read_parquet('{folder}/cin_episodes.parquet')""",
        "section47": f"""
            WITH base AS (
                SELECT child_id, episode, referral_date,
                       {_u(8, "episode")} AS pick, {_u(9, "episode")} AS lag1,
                       {_u(10, "episode")} AS lag2
                FROM read_parquet('{folder}/cin_episodes.parquet')
            )
            SELECT child_id, episode, 1 AS enquiry,
                   referral_date + CAST(floor(lag1 * 10) AS INTEGER) AS strategy_discussion_date,
                   NULL::DATE AS icpc_target_date,
                   CASE WHEN pick < 0.15 THEN referral_date + CAST(floor(lag1 * 10) AS INTEGER)
                        + CAST(floor(lag2 * 28) AS INTEGER) END AS icpc_date,
                   pick >= 0.15 AS icpc_not_required
            FROM base WHERE pick < 0.30""",
        "cp_plans": f"""
            SELECT child_id, episode, 1 AS plan, icpc_date AS start_date,
                   CASE WHEN {_u(11, "episode")} < 0.8
                        THEN icpc_date + 30 + CAST(floor({_u(12, "episode")} * 900) AS INTEGER)
                   END AS end_date,
                   'NEG' AS initial_category, 'NEG' AS latest_category,
                   CASE WHEN {_u(13, "episode")} < 0.2 THEN 1 ELSE 0 END AS previous_plans
            FROM read_parquet('{folder}/section47.parquet')
            WHERE icpc_date IS NOT NULL AND {_u(14, "episode")} < 0.85""",
        "cp_reviews": f"""
            SELECT child_id, episode, plan,
                   start_date + 80 + CAST(floor({_u(15, "episode")} * 20) AS INTEGER)
                       + CAST(k * 180 AS INTEGER) AS review_date
            FROM read_parquet('{folder}/cp_plans.parquet'), range(2) r(k)""",
        "cla_episodes": f"""
            SELECT 'L' || CAST(floor({_u(16)} * {max(1, looked_after * 2 // 3)}) AS BIGINT)
                       AS child_id,
                   DATE '2018-04-01' + CAST(floor({_u(17)} * 2557) AS INTEGER) AS start_date,
                   'S' AS reason_new_episode,
                   CASE WHEN {_u(18)} < 0.03 THEN 'V3' ELSE 'C2' END AS legal_status,
                   'N1' AS cin_category, 'U1' AS placement,
                   CASE WHEN {_u(19)} < 0.6
                        THEN DATE '2018-04-01' + CAST(floor({_u(17)} * 2557) AS INTEGER)
                             + CAST(floor({_u(20)} * 700) AS INTEGER) END AS end_date,
                   'E11' AS reason_ended
            FROM range({looked_after}) t(i)""",
        "cla_health": f"""
            SELECT DISTINCT child_id, true AS health_check, true AS immunisations,
                   {_u(21, "child_id")} < 0.8 AS teeth_check,
                   {_u(22, "child_id")} < 0.9 AS health_assessment,
                   14 AS sdq_score
            FROM read_parquet('{folder}/cla_episodes.parquet')""",
    }
    for name, query in sql.items():
        con.execute(f"COPY ({query}) TO '{folder}/{name}.parquet' (FORMAT parquet)")
    con.close()
    (folder / "complete").write_text(str(episodes))
    return folder


def cached(root: Path, episodes: int) -> Path:
    """The data for ``episodes`` under ``root``, generated once and then reused."""
    folder = root / f"census-{episodes}"
    marker = folder / "complete"
    if not (marker.is_file() and marker.read_text() == str(episodes)):
        generate(folder, episodes)
    return folder
