"""Every indicator for several period ends in one pass: the series the XmR charts need.

``indicators.compute`` answers one period with one query per indicator; asked for five year ends
it reads every table five times. Here each query joins a small ``period_ends`` table and groups
by it, and the work that does not depend on the period (the previous referral of each referral,
the earlier plans of each plan, each child's continuous periods of care) is done once for all of
them. The definitions are exactly those of ``indicators`` (its module docstring says what each
counts) and the figures are made by the same ``indicators.assemble``; the tests hold that this
gives, period by period, what ``indicators.compute`` gives.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import duckdb
import pyarrow as pa

from safeguard.core.clock import WorkingCalendar
from safeguard.performance.census.indicators import (
    Counts,
    Indicator,
    assemble,
    load_working_days,
    period_start,
)


def compute_many(
    con: duckdb.DuckDBPyConnection,
    *,
    period_ends: list[date],
    population: int | None,
    calendar: WorkingCalendar,
) -> dict[date, list[Indicator]]:
    """Every indicator for the twelve months ending on each of ``period_ends``."""
    ends = sorted(set(period_ends))
    if not ends:
        return {}
    table = pa.table(
        {
            "period_end": pa.array(ends, pa.date32()),
            "start": pa.array([period_start(end) for end in ends], pa.date32()),
        }
    )
    con.register("period_ends_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE period_ends AS SELECT * FROM period_ends_arrow")
    con.unregister("period_ends_arrow")
    _working_days(con, calendar)
    con.execute(_SHARED)

    def pairs(sql: str) -> dict[date, tuple[int, int]]:
        return {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in con.execute(sql).fetchall()}

    on_plan = pairs(_ON_PLAN)
    bands: dict[date, dict[str, int]] = defaultdict(dict)
    for end, band, count in con.execute(_AGE_PROFILE).fetchall():
        bands[end][band] = int(count)
    icpc = pairs(_ICPC_TIMELY)
    reviews = pairs(_REVIEWS_ON_TIME)
    re_referrals = pairs(_RE_REFERRALS)
    long_plans = pairs(_LONG_PLANS)
    on_plan_2_years = pairs(_ON_PLAN_2_YEARS)
    re_referred_after_plan = pairs(_RE_REFERRED_AFTER_PLAN)
    repeat_plans = pairs(_REPEAT_PLANS)
    looked_after = pairs(_LOOKED_AFTER)
    health = {
        row[0]: (int(row[1] or 0), int(row[2] or 0), int(row[3] or 0))
        for row in con.execute(_HEALTH).fetchall()
    }
    zero = (0, 0)
    return {
        end: assemble(
            Counts(
                on_plan=on_plan.get(end, zero)[0],
                age_bands=bands.get(end, {}),
                icpc_timely=icpc.get(end, zero),
                reviews_on_time=reviews.get(end, zero),
                re_referrals=re_referrals.get(end, zero),
                long_plans=long_plans.get(end, zero),
                on_plan_2_years=on_plan_2_years.get(end, zero),
                re_referred_after_plan=re_referred_after_plan.get(end, zero),
                repeat_plans=repeat_plans.get(end, zero),
                looked_after=looked_after.get(end, zero)[0],
                health=health.get(end, (0, 0, 0)),
            ),
            population,
        )
        for end in ends
    }


def _working_days(con: duckdb.DuckDBPyConnection, calendar: WorkingCalendar) -> None:
    """The ``working_days`` table of ``indicators._working_days``, spanning every period's ICPCs.

    Differences ``n(b) - n(a)`` do not depend on where the table starts, so one wider table
    serves every period; it spans only ICPCs inside some period, so holiday data is asked for
    exactly the days one of the per-period tables would ask for.
    """
    span = con.execute(
        "SELECT min(s.icpc_date), max(s.icpc_date) FROM section47 s"
        " JOIN period_ends e ON s.icpc_date BETWEEN e.start AND e.period_end"
    ).fetchall()[0]
    load_working_days(con, calendar, span[0], span[1])


# Work that does not depend on the period, done once; and the cohorts at each period end.
_SHARED = """
    CREATE OR REPLACE TEMP TABLE open_plans_at AS
        SELECT e.period_end, e.start, p.*
        FROM period_ends e JOIN cp_plans p
          ON p.start_date <= e.period_end AND (p.end_date IS NULL OR p.end_date > e.period_end);
    CREATE OR REPLACE TEMP TABLE looked_after_at AS
        SELECT DISTINCT e.period_end, e.start, c.child_id
        FROM period_ends e JOIN cla_episodes c
          ON c.start_date <= e.period_end
         AND (c.end_date IS NULL OR c.end_date > e.period_end)
        WHERE coalesce(c.legal_status, '') NOT IN ('V3', 'V4');
"""

_ON_PLAN = "SELECT period_end, count(DISTINCT child_id), 0 FROM open_plans_at GROUP BY ALL"

_AGE_PROFILE = """
    WITH cohort AS (
        SELECT DISTINCT period_end, child_id FROM open_plans_at
    ), births AS (
        SELECT child_id, max(birth_date) AS birth_date FROM children
        WHERE child_id IN (SELECT child_id FROM cohort) GROUP BY child_id
    ), aged AS (
        SELECT period_end,
               CASE WHEN b.birth_date IS NULL OR b.birth_date > period_end THEN NULL
               ELSE year(period_end) - year(b.birth_date)
                    - CASE WHEN month(period_end) * 100 + day(period_end)
                                < month(b.birth_date) * 100 + day(b.birth_date)
                           THEN 1 ELSE 0 END
               END AS age
        FROM cohort LEFT JOIN births b USING (child_id)
    )
    SELECT period_end,
           CASE WHEN age IS NULL THEN 'unborn'
                WHEN age < 1 THEN 'under 1'
                WHEN age < 5 THEN '1 to 4'
                WHEN age < 10 THEN '5 to 9'
                WHEN age < 16 THEN '10 to 15'
                ELSE '16 and over' END AS band,
           count(*)
    FROM aged GROUP BY ALL
"""

_ICPC_TIMELY = """
    SELECT e.period_end,
           count(*) FILTER (WHERE coalesce(held.n - began.n, 1000000) <= 15), count(*)
    FROM section47 s
    JOIN period_ends e ON s.icpc_date BETWEEN e.start AND e.period_end
    JOIN working_days held ON held.day = s.icpc_date
    LEFT JOIN working_days began ON began.day = s.strategy_discussion_date
    WHERE s.strategy_discussion_date <= s.icpc_date
    GROUP BY e.period_end
"""

_REVIEWS_ON_TIME = """
    WITH cohort AS (
        SELECT period_end, child_id, episode, plan, start_date FROM open_plans_at
        WHERE start_date <= period_end - INTERVAL 3 MONTH
    ), points AS (
        SELECT period_end, child_id, episode, plan, start_date AS moment, 0 AS kind FROM cohort
        UNION ALL
        SELECT c.period_end, r.child_id, r.episode, r.plan, r.review_date, 1
        FROM cp_reviews r JOIN cohort c USING (child_id, episode, plan)
        WHERE r.review_date >= c.start_date AND r.review_date <= c.period_end
        UNION ALL
        SELECT period_end, child_id, episode, plan, period_end, 2 FROM cohort
    ), steps AS (
        SELECT period_end, child_id, episode, plan, moment, kind,
               lag(moment) OVER w AS previous_moment, lag(kind) OVER w AS previous_kind
        FROM points
        WINDOW w AS (PARTITION BY period_end, child_id, episode, plan ORDER BY moment, kind)
    ), verdicts AS (
        SELECT period_end, child_id, episode, plan,
               bool_and(previous_moment IS NULL
                        OR moment <= previous_moment + CASE WHEN previous_kind = 0
                                                    THEN INTERVAL 3 MONTH
                                                    ELSE INTERVAL 6 MONTH END) AS on_time
        FROM steps GROUP BY period_end, child_id, episode, plan
    )
    SELECT period_end, count(*) FILTER (WHERE on_time), count(*) FROM verdicts GROUP BY ALL
"""

# The previous referral of a child is the same whichever period asks: a referral more than
# 12 months before the period cannot be within 12 months of a referral in it.
_RE_REFERRALS = """
    WITH ordered AS (
        SELECT referral_date,
               lag(referral_date) OVER (PARTITION BY child_id
                                        ORDER BY referral_date, episode) AS previous
        FROM cin_episodes
        WHERE referral_date BETWEEN (SELECT min(start) FROM period_ends) - INTERVAL 12 MONTH
                                AND (SELECT max(period_end) FROM period_ends)
    )
    SELECT e.period_end,
           count(*) FILTER (WHERE previous >= referral_date - INTERVAL 12 MONTH), count(*)
    FROM ordered JOIN period_ends e ON referral_date BETWEEN e.start AND e.period_end
    GROUP BY e.period_end
"""

_LONG_PLANS = """
    SELECT e.period_end,
           count(*) FILTER (WHERE end_date >= start_date + INTERVAL 2 YEAR), count(*)
    FROM cp_plans p JOIN period_ends e ON p.end_date BETWEEN e.start AND e.period_end
    GROUP BY e.period_end
"""

_ON_PLAN_2_YEARS = """
    SELECT period_end,
           count(DISTINCT child_id) FILTER (WHERE start_date <= period_end - INTERVAL 2 YEAR),
           count(DISTINCT child_id)
    FROM open_plans_at GROUP BY ALL
"""

_RE_REFERRED_AFTER_PLAN = """
    WITH ended AS (
        SELECT e.period_end, p.child_id, max(p.end_date) AS ended
        FROM cp_plans p JOIN period_ends e
          ON p.end_date BETWEEN e.start - INTERVAL 12 MONTH AND e.period_end - INTERVAL 12 MONTH
        GROUP BY e.period_end, p.child_id
    )
    SELECT period_end,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM cin_episodes c
               WHERE c.child_id = ended.child_id AND c.referral_date > ended.ended
                 AND c.referral_date <= ended.ended + INTERVAL 12 MONTH)),
           count(*)
    FROM ended GROUP BY period_end
"""

_REPEAT_PLANS = """
    WITH ordered AS (
        SELECT start_date, previous_plans,
               count(*) OVER (PARTITION BY child_id ORDER BY start_date
                              RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier
        FROM cp_plans
        WHERE start_date IS NOT NULL
    )
    SELECT e.period_end,
           count(*) FILTER (WHERE earlier > 0 OR coalesce(previous_plans, 0) > 0), count(*)
    FROM ordered JOIN period_ends e ON start_date BETWEEN e.start AND e.period_end
    GROUP BY e.period_end
"""

_LOOKED_AFTER = "SELECT period_end, count(*), 0 FROM looked_after_at GROUP BY ALL"

# A child's continuous periods of care do not depend on the period asked about either.
_HEALTH = """
    WITH marked AS (
        SELECT child_id, start_date, end_date,
               CASE WHEN start_date <= max(coalesce(end_date, DATE '9999-12-31')) OVER (
                        PARTITION BY child_id ORDER BY start_date, end_date NULLS LAST
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                    THEN 0 ELSE 1 END AS begins
        FROM cla_episodes
        WHERE start_date IS NOT NULL
          AND child_id IN (SELECT child_id FROM looked_after_at)
    ), periods AS (
        SELECT child_id, start_date,
               sum(begins) OVER (PARTITION BY child_id ORDER BY start_date, end_date NULLS LAST
                                 ROWS UNBOUNDED PRECEDING) AS period
        FROM marked
    ), period_starts AS (
        SELECT child_id, period, min(start_date) AS began FROM periods GROUP BY ALL
    ), current AS (
        SELECT a.period_end, a.start, a.child_id, max(s.began) AS began
        FROM looked_after_at a
        JOIN periods p ON p.child_id = a.child_id AND p.start_date <= a.period_end
        JOIN period_starts s ON s.child_id = p.child_id AND s.period = p.period
        GROUP BY ALL
    ), cohort AS (
        SELECT period_end, child_id FROM current WHERE began <= start
    ), health AS (
        SELECT child_id, bool_or(health_assessment) AS assessed, bool_or(teeth_check) AS teeth
        FROM cla_health GROUP BY child_id
    )
    SELECT c.period_end, count(*) FILTER (WHERE h.assessed), count(*) FILTER (WHERE h.teeth),
           count(*)
    FROM cohort c LEFT JOIN health h USING (child_id)
    GROUP BY c.period_end
"""
