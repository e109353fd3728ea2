"""The child protection and looked-after indicators, counted by DuckDB from the census tables.

Every indicator is for the twelve months ending on ``period_end`` (31 March for the DfE years;
any date works) and is returned as numerator, denominator and value, so the scorecard can show
the figures behind a percentage. Definitions follow the DfE's published measures:

- children on a child protection plan at the end: a plan started on or before the end and not
  ended by it (ending ON the last day means no longer on a plan); the rate is per 10,000
  children of the population given;
- the age profile of that cohort at the end (under 1, 1-4, 5-9, 10-15, 16+, and "unborn"
  for a child with no birth date yet);
- initial conferences within 15 working days: ICPCs held in the period whose section 47
  strategy discussion was at most 15 working days before (the start date is day 0, as in
  ``safeguard.core.clock``; bank holidays come from the kernel's ``WorkingCalendar``);
- plan reviews on time: plans open at the end that had lasted at least 3 months, whose first
  review came within 3 months of the start and each later one within 6 months of the one before,
  with none overdue at the end;
- re-referrals: referrals in the period with an earlier referral of the same child no more than
  12 months before;
- plans ending in the period that had lasted 2 years or more (to the day: a plan that ended on
  the second anniversary of its start counts);
- children on a plan at the end who had been on it for 2 years or more (the DfE's "on a plan
  at 31 March for two years or more"; a plan that started on the day two years before counts),
  as a share of the children on a plan at the end;
- re-referral after a plan ended: of the children whose plan ended 12 to 24 months before the
  end (in the year before the period), those referred again within 12 months of that end (a
  referral dated after it), so the 12 months are wholly seen by the end;
- plans starting in the period that were a second or subsequent plan (an earlier plan in the
  data, or ``NumberOfPreviousCPP`` above 0);
- children looked after at the end (SSDA903; short breaks, legal status V3 and V4, excluded as
  the DfE excludes them) and the rate per 10,000;
- of the children looked after throughout the year to the end (12 months or more), those whose
  health assessment and whose dental check were up to date (OC2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from safeguard.core.clock import WorkingCalendar

AGE_BANDS = ("unborn", "under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over")


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    unit: str  # "count", "percentage" or "rate_per_10000"
    numerator: int
    denominator: int | None
    value: float | None


def year_end(year: int) -> date:
    """The last day of the DfE reporting year that ends in ``year`` (31 March)."""
    return date(year, 3, 31)


def period_start(period_end: date) -> date:
    """The first day of the twelve months ending on ``period_end``."""
    try:
        return period_end.replace(year=period_end.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        return date(period_end.year - 1, 3, 1)


def _percentage(numerator: int, denominator: int) -> float | None:
    return round(100.0 * numerator / denominator, 1) if denominator else None


def _rate(numerator: int, population: int | None) -> float | None:
    return round(10_000.0 * numerator / population, 1) if population else None


def _share(key: str, name: str, pair: tuple[int, int]) -> Indicator:
    numerator, denominator = (int(pair[0] or 0), int(pair[1] or 0))
    return Indicator(
        key, name, "percentage", numerator, denominator, _percentage(numerator, denominator)
    )


def compute(
    con: duckdb.DuckDBPyConnection,
    *,
    period_end: date,
    population: int | None,
    calendar: WorkingCalendar,
) -> list[Indicator]:
    """Every indicator for the twelve months ending on ``period_end``, in scorecard order."""
    start = period_start(period_end)
    params = {"start": start, "end": period_end}
    _working_days(con, calendar, start, period_end)
    con.execute(_MACROS)

    def one(sql: str) -> tuple[int, int]:
        row = _row(con, sql, params)
        return int(row[0] or 0), int(row[1] or 0)

    counts = Counts(
        on_plan=one(_ON_PLAN)[0],
        age_bands=dict(con.execute(_AGE_PROFILE, {"end": period_end}).fetchall()),
        icpc_timely=one(_ICPC_TIMELY),
        reviews_on_time=one(_REVIEWS_ON_TIME),
        re_referrals=one(_RE_REFERRALS),
        long_plans=one(_LONG_PLANS),
        on_plan_2_years=one(_ON_PLAN_2_YEARS),
        re_referred_after_plan=one(_RE_REFERRED_AFTER_PLAN),
        repeat_plans=one(_REPEAT_PLANS),
        looked_after=one(_LOOKED_AFTER)[0],
        health=tuple(int(v or 0) for v in _row(con, _HEALTH, params)),  # type: ignore[arg-type]
    )
    return assemble(counts, population)


@dataclass(frozen=True)
class Counts:
    """The raw counts of one period, before they become indicators."""

    on_plan: int
    age_bands: dict[str, int]
    icpc_timely: tuple[int, int]
    reviews_on_time: tuple[int, int]
    re_referrals: tuple[int, int]
    long_plans: tuple[int, int]
    on_plan_2_years: tuple[int, int]
    re_referred_after_plan: tuple[int, int]
    repeat_plans: tuple[int, int]
    looked_after: int
    health: tuple[int, int, int]  # health assessed, teeth checked, cohort


def assemble(counts: Counts, population: int | None) -> list[Indicator]:
    """The indicators of one period from its counts, in scorecard order.

    Shared by ``compute`` (one period) and ``year_ends.compute_many`` (several in one pass), so
    the two can differ only in how they count, never in how a count becomes a figure.
    """
    on_plan = counts.on_plan
    results: list[Indicator] = []
    results.append(
        Indicator(
            "cp_plans_at_end",
            "Children on a child protection plan",
            "count",
            on_plan,
            None,
            float(on_plan),
        )
    )
    results.append(
        Indicator(
            "cp_plans_rate",
            "Children on a child protection plan per 10,000",
            "rate_per_10000",
            on_plan,
            population,
            _rate(on_plan, population),
        )
    )
    for band in AGE_BANDS:
        count = int(counts.age_bands.get(band, 0))
        results.append(
            Indicator(
                f"cp_age_{band.replace(' ', '_')}",
                f"Children on a plan aged {band}",
                "percentage",
                count,
                on_plan,
                _percentage(count, on_plan),
            )
        )
    results.append(
        _share(
            "icpc_within_15_days", "Initial conferences within 15 working days", counts.icpc_timely
        )
    )
    results.append(
        _share(
            "cp_reviews_on_time", "Child protection plan reviews on time", counts.reviews_on_time
        )
    )
    results.append(
        _share("re_referrals_12_months", "Re-referrals within 12 months", counts.re_referrals)
    )
    results.append(
        _share(
            "plans_lasting_2_years", "Plans ending that lasted 2 years or more", counts.long_plans
        )
    )
    results.append(
        _share(
            "cp_on_plan_2_years_at_end",
            "Children on a plan at the end for 2 years or more",
            counts.on_plan_2_years,
        )
    )
    results.append(
        _share(
            "re_referred_after_plan",
            "Re-referred within 12 months of a plan ending (plans ended 12 to 24 months before)",
            counts.re_referred_after_plan,
        )
    )
    results.append(
        _share("second_or_subsequent_plans", "Second or subsequent plans", counts.repeat_plans)
    )
    looked_after = counts.looked_after
    results.append(
        Indicator(
            "cla_at_end", "Children looked after", "count", looked_after, None, float(looked_after)
        )
    )
    results.append(
        Indicator(
            "cla_rate",
            "Children looked after per 10,000",
            "rate_per_10000",
            looked_after,
            population,
            _rate(looked_after, population),
        )
    )
    health, dental, cohort = counts.health
    results.append(
        _share(
            "cla_health_assessments",
            "Health assessments of children looked after 12 months",
            (health, cohort),
        )
    )
    results.append(
        _share(
            "cla_dental_checks",
            "Dental checks of children looked after 12 months",
            (dental, cohort),
        )
    )
    return results


def _row(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, date]) -> tuple[Any, ...]:
    """The single row of an aggregate query, fetched to the end so the connection is free."""
    used = {name: value for name, value in params.items() if f"${name}" in sql}
    rows = con.execute(sql, used).fetchall()
    return tuple(rows[0])


def _working_days(
    con: duckdb.DuckDBPyConnection, calendar: WorkingCalendar, start: date, end: date
) -> None:
    """A ``working_days`` table: each day and how many working days fell on or before it.

    Working days after ``a`` up to and including ``b`` are then ``n(b) - n(a)``, the kernel's
    counting convention. The table spans the ICPCs of the period and the year before them;
    a strategy discussion earlier than that is late whatever the holidays. Counting past the
    holiday data raises ``HolidayDataExhausted`` rather than guessing.
    """
    span = _row(
        con,
        "SELECT min(icpc_date), max(icpc_date) FROM section47"
        " WHERE icpc_date BETWEEN $start AND $end",
        {"start": start, "end": end},
    )
    load_working_days(con, calendar, span[0] if span else None, span[1] if span else None)


def load_working_days(
    con: duckdb.DuckDBPyConnection,
    calendar: WorkingCalendar,
    first_icpc: date | None,
    last_icpc: date | None,
) -> None:
    """Write the ``working_days`` table for ICPCs from ``first_icpc`` to ``last_icpc``.

    It starts a year before the first ICPC (an earlier strategy discussion is late whatever
    the holidays) and asks the kernel's calendar about every day, so it shares its holidays.
    """
    days: list[date] = []
    numbers: list[int] = []
    if first_icpc is not None and last_icpc is not None:
        day, count = max(first_icpc - timedelta(days=400), calendar.covers_from), 0
        while day <= last_icpc:
            if calendar.is_working_day(day):
                count += 1
            days.append(day)
            numbers.append(count)
            day += timedelta(days=1)
    table = pa.table({"day": pa.array(days, pa.date32()), "n": pa.array(numbers, pa.int32())})
    con.register("working_days_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE working_days AS SELECT * FROM working_days_arrow")
    con.unregister("working_days_arrow")


# Table macros shared by several indicators, created on the connection before they run.
_MACROS = """
    CREATE OR REPLACE TEMP MACRO open_plans(period_end) AS TABLE
        SELECT * FROM cp_plans
        WHERE start_date <= period_end AND (end_date IS NULL OR end_date > period_end);
    CREATE OR REPLACE TEMP MACRO looked_after(period_end) AS TABLE
        SELECT DISTINCT child_id FROM cla_episodes
        WHERE start_date <= period_end AND (end_date IS NULL OR end_date > period_end)
          AND coalesce(legal_status, '') NOT IN ('V3', 'V4');
"""

_ON_PLAN = "SELECT count(DISTINCT child_id), 0 FROM open_plans($end)"

_AGE_PROFILE = """
    WITH cohort AS (
        SELECT DISTINCT child_id FROM open_plans($end)
    ), born AS (
        SELECT cohort.child_id, max(c.birth_date) AS birth_date
        FROM cohort LEFT JOIN children c USING (child_id)
        GROUP BY cohort.child_id
    ), aged AS (
        SELECT CASE WHEN birth_date IS NULL OR birth_date > $end THEN NULL
               ELSE year($end) - year(birth_date)
                    - CASE WHEN month($end) * 100 + day($end)
                                < month(birth_date) * 100 + day(birth_date)
                           THEN 1 ELSE 0 END
               END AS age
        FROM born
    )
    SELECT CASE WHEN age IS NULL THEN 'unborn'
                WHEN age < 1 THEN 'under 1'
                WHEN age < 5 THEN '1 to 4'
                WHEN age < 10 THEN '5 to 9'
                WHEN age < 16 THEN '10 to 15'
                ELSE '16 and over' END AS band,
           count(*)
    FROM aged GROUP BY band
"""

_ICPC_TIMELY = """
    SELECT count(*) FILTER (WHERE coalesce(held.n - began.n, 1000000) <= 15), count(*)
    FROM section47 s
    JOIN working_days held ON held.day = s.icpc_date
    LEFT JOIN working_days began ON began.day = s.strategy_discussion_date
    WHERE s.icpc_date BETWEEN $start AND $end
      AND s.strategy_discussion_date <= s.icpc_date
"""

_REVIEWS_ON_TIME = """
    WITH cohort AS (
        SELECT child_id, episode, plan, start_date FROM open_plans($end)
        WHERE start_date <= $end - INTERVAL 3 MONTH
    ), points AS (
        SELECT child_id, episode, plan, start_date AS moment, 0 AS kind FROM cohort
        UNION ALL
        SELECT r.child_id, r.episode, r.plan, r.review_date, 1
        FROM cp_reviews r JOIN cohort c USING (child_id, episode, plan)
        WHERE r.review_date >= c.start_date AND r.review_date <= $end
        UNION ALL
        SELECT child_id, episode, plan, $end, 2 FROM cohort
    ), steps AS (
        SELECT child_id, episode, plan, moment, kind,
               lag(moment) OVER w AS previous_moment, lag(kind) OVER w AS previous_kind
        FROM points
        WINDOW w AS (PARTITION BY child_id, episode, plan ORDER BY moment, kind)
    ), verdicts AS (
        SELECT child_id, episode, plan,
               bool_and(previous_moment IS NULL
                        OR moment <= previous_moment + CASE WHEN previous_kind = 0
                                                    THEN INTERVAL 3 MONTH
                                                    ELSE INTERVAL 6 MONTH END) AS on_time
        FROM steps GROUP BY child_id, episode, plan
    )
    SELECT count(*) FILTER (WHERE on_time), count(*) FROM verdicts
"""

_RE_REFERRALS = """
    WITH ordered AS (
        SELECT referral_date,
               lag(referral_date) OVER (PARTITION BY child_id
                                        ORDER BY referral_date, episode) AS previous
        FROM cin_episodes
        -- an earlier referral can only count if it is within 12 months of the period
        WHERE referral_date BETWEEN $start - INTERVAL 12 MONTH AND $end
    )
    SELECT count(*) FILTER (WHERE previous >= referral_date - INTERVAL 12 MONTH), count(*)
    FROM ordered WHERE referral_date BETWEEN $start AND $end
"""

_LONG_PLANS = """
    SELECT count(*) FILTER (WHERE end_date >= start_date + INTERVAL 2 YEAR), count(*)
    FROM cp_plans WHERE end_date BETWEEN $start AND $end
"""

_ON_PLAN_2_YEARS = """
    SELECT count(DISTINCT child_id) FILTER (WHERE start_date <= $end - INTERVAL 2 YEAR),
           count(DISTINCT child_id)
    FROM open_plans($end)
"""

_RE_REFERRED_AFTER_PLAN = """
    WITH ended AS (
        SELECT child_id, max(end_date) AS ended FROM cp_plans
        WHERE end_date BETWEEN $start - INTERVAL 12 MONTH AND $end - INTERVAL 12 MONTH
        GROUP BY child_id
    )
    SELECT count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM cin_episodes c
               WHERE c.child_id = ended.child_id AND c.referral_date > ended.ended
                 AND c.referral_date <= ended.ended + INTERVAL 12 MONTH)),
           count(*)
    FROM ended
"""

_REPEAT_PLANS = """
    WITH ordered AS (
        SELECT start_date, previous_plans,
               count(*) OVER (PARTITION BY child_id ORDER BY start_date
                              RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier
        FROM cp_plans
        WHERE start_date IS NOT NULL AND child_id IN (
            SELECT child_id FROM cp_plans WHERE start_date BETWEEN $start AND $end)
    )
    SELECT count(*) FILTER (WHERE earlier > 0 OR coalesce(previous_plans, 0) > 0), count(*)
    FROM ordered WHERE start_date BETWEEN $start AND $end
"""

_LOOKED_AFTER = "SELECT count(*), 0 FROM looked_after($end)"

_HEALTH = """
    WITH marked AS (
        SELECT child_id, start_date, end_date,
               CASE WHEN start_date <= max(coalesce(end_date, DATE '9999-12-31')) OVER (
                        PARTITION BY child_id ORDER BY start_date, end_date NULLS LAST
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                    THEN 0 ELSE 1 END AS begins
        FROM cla_episodes
        WHERE start_date IS NOT NULL AND child_id IN (SELECT child_id FROM looked_after($end))
    ), periods AS (
        SELECT child_id, start_date,
               sum(begins) OVER (PARTITION BY child_id ORDER BY start_date, end_date NULLS LAST
                                 ROWS UNBOUNDED PRECEDING) AS period
        FROM marked
    ), period_starts AS (
        SELECT child_id, period, min(start_date) AS began FROM periods GROUP BY ALL
    ), current AS (
        SELECT p.child_id, max(s.began) AS began
        FROM periods p JOIN period_starts s USING (child_id, period)
        WHERE p.start_date <= $end GROUP BY p.child_id
    ), cohort AS (
        SELECT c.child_id FROM current c JOIN looked_after($end) a USING (child_id)
        WHERE c.began <= $start
    ), health AS (
        SELECT child_id, bool_or(health_assessment) AS assessed, bool_or(teeth_check) AS teeth
        FROM cla_health GROUP BY child_id
    )
    SELECT count(*) FILTER (WHERE h.assessed), count(*) FILTER (WHERE h.teeth), count(*)
    FROM cohort LEFT JOIN health h USING (child_id)
"""
