"""Each indicator on hand-made records whose answers are known, at the edges of each rule."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from safeguard.core.clock import HolidayDataExhausted, WorkingCalendar
from safeguard.performance.census import indicators, store
from safeguard.performance.census.schema import to_arrow

END = date(2026, 3, 31)  # the year 1 April 2025 to 31 March 2026
# Early May bank holiday, Monday 5 May 2025, is the one that matters below.
CALENDAR = WorkingCalendar.of(
    {date(2025, 5, 5), date(2025, 12, 25), date(2025, 12, 26)},
    covers_from=date(2012, 1, 1),
    covers_until=date(2028, 12, 31),
)
NO_HOLIDAYS = WorkingCalendar.of(
    set(), covers_from=date(2012, 1, 1), covers_until=date(2028, 12, 31)
)


def compute(
    tables: dict[str, list[dict[str, Any]]],
    *,
    population: int | None = 10_000,
    calendar: WorkingCalendar = CALENDAR,
    period_end: date = END,
) -> dict[str, indicators.Indicator]:
    con = store.attach({name: to_arrow(name, rows) for name, rows in tables.items()})
    try:
        found = indicators.compute(
            con, period_end=period_end, population=population, calendar=calendar
        )
    finally:
        con.close()
    return {item.key: item for item in found}


def pair(result: dict[str, indicators.Indicator], key: str) -> tuple[int, int | None]:
    return result[key].numerator, result[key].denominator


def plan(child: str, start: date, end: date | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "child_id": child,
        "episode": 1,
        "plan": 1,
        "start_date": start,
        "end_date": end,
    } | extra


def test_year_end_and_period_start() -> None:
    assert indicators.year_end(2025) == date(2025, 3, 31)
    assert indicators.period_start(date(2025, 3, 31)) == date(2024, 4, 1)
    assert indicators.period_start(date(2024, 2, 29)) == date(2023, 3, 1)


def test_children_on_a_plan_at_the_end_and_the_rate() -> None:
    result = compute(
        {
            "cp_plans": [
                plan("A", date(2025, 1, 1)),  # open
                plan("B", date(2026, 3, 31)),  # starts on the last day: counts
                plan("C", date(2025, 1, 1), date(2026, 3, 31)),  # ended on the last day: not
                plan("D", date(2025, 1, 1), date(2026, 4, 1)),  # ends after: counts
                plan("E", date(2026, 4, 1)),  # starts after: not
                {**plan("A", date(2024, 1, 1), date(2024, 6, 1)), "plan": 2},  # A once only
            ]
        },
        population=20_000,
    )
    assert result["cp_plans_at_end"].value == 3
    assert pair(result, "cp_plans_rate") == (3, 20_000)
    assert result["cp_plans_rate"].value == 1.5


def test_rate_is_empty_without_a_population() -> None:
    result = compute({"cp_plans": [plan("A", date(2025, 1, 1))]}, population=None)
    assert result["cp_plans_rate"].value is None
    assert result["cla_rate"].value is None


def test_age_profile_bands_at_their_edges() -> None:
    births = {
        "U": None,  # unborn: no birth date yet
        "A": date(2025, 4, 1),  # 11 months old
        "B": date(2025, 3, 31),  # first birthday on the last day: 1 to 4
        "C": date(2021, 4, 1),  # 4 until tomorrow
        "D": date(2021, 3, 31),  # 5 today
        "E": date(2016, 3, 31),  # 10 today
        "F": date(2010, 4, 1),  # 15
        "G": date(2010, 3, 31),  # 16 today
    }
    result = compute(
        {
            "children": [{"child_id": c, "birth_date": b} for c, b in births.items()],
            "cp_plans": [plan(c, date(2026, 1, 1)) for c in births],
        }
    )
    profile = {band: result[f"cp_age_{band.replace(' ', '_')}"] for band in indicators.AGE_BANDS}
    assert {band: item.numerator for band, item in profile.items()} == {
        "unborn": 1,
        "under 1": 1,
        "1 to 4": 2,
        "5 to 9": 1,
        "10 to 15": 2,
        "16 and over": 1,
    }
    assert all(item.denominator == 8 for item in profile.values())
    assert profile["1 to 4"].value == 25.0


def enquiry(child: str, strategy: date, icpc: date | None) -> dict[str, Any]:
    return {
        "child_id": child,
        "episode": 1,
        "enquiry": 1,
        "strategy_discussion_date": strategy,
        "icpc_date": icpc,
    }


def test_icpc_on_the_15th_working_day_across_a_bank_holiday_is_in_time() -> None:
    strategy = date(2025, 4, 24)  # a Thursday; Monday 5 May is a bank holiday
    assert CALENDAR.add_working_days(strategy, 15) == date(2025, 5, 16)
    rows = [
        enquiry("A", strategy, date(2025, 5, 16)),  # 15th working day: in time
        enquiry("B", strategy, date(2025, 5, 19)),  # 16th: late
        enquiry("C", strategy, None),  # no conference: not counted
        enquiry("D", date(2025, 5, 1), date(2025, 4, 30)),  # conference before: not counted
        enquiry("E", date(2025, 3, 20), date(2025, 3, 31)),  # held before the year
        enquiry("F", date(2024, 1, 2), date(2025, 6, 2)),  # over a year: late
    ]
    result = compute({"section47": rows})
    assert pair(result, "icpc_within_15_days") == (1, 3)
    assert result["icpc_within_15_days"].value == 33.3
    # Without the bank holiday the 16 May conference is on the 16th working day: late.
    assert pair(compute({"section47": rows}, calendar=NO_HOLIDAYS), "icpc_within_15_days") == (
        0,
        3,
    )


def test_icpc_on_the_strategy_day_is_in_time() -> None:
    result = compute({"section47": [enquiry("A", date(2025, 6, 2), date(2025, 6, 2))]})
    assert pair(result, "icpc_within_15_days") == (1, 1)


def test_counting_past_the_holiday_data_refuses_to_guess() -> None:
    short = WorkingCalendar.of(set(), covers_from=date(2012, 1, 1), covers_until=date(2025, 12, 31))
    with pytest.raises(HolidayDataExhausted):
        compute({"section47": [enquiry("A", date(2026, 1, 5), date(2026, 1, 9))]}, calendar=short)


def review(child: str, on: date) -> dict[str, Any]:
    return {"child_id": child, "episode": 1, "plan": 1, "review_date": on}


def test_plan_reviews_on_time() -> None:
    result = compute(
        {
            "cp_plans": [
                plan("A", date(2025, 12, 31)),  # exactly 3 months at the end, none due yet
                plan("B", date(2025, 1, 10)),  # 3 months then 6 months to the day: on time
                plan("C", date(2025, 1, 10)),  # first review a day late
                plan("D", date(2025, 1, 10)),  # reviewed in time but overdue at the end
                plan("E", date(2026, 1, 1)),  # under 3 months: not in the cohort
                plan("F", date(2025, 1, 10), date(2025, 12, 1)),  # ended: not in the cohort
            ],
            "cp_reviews": [
                review("B", date(2025, 4, 10)),
                review("B", date(2025, 10, 10)),
                review("B", date(2026, 3, 1)),
                review("C", date(2025, 4, 11)),
                review("C", date(2025, 10, 1)),
                review("D", date(2025, 4, 1)),
                review("D", date(2025, 9, 1)),
            ],
        }
    )
    assert pair(result, "cp_reviews_on_time") == (2, 4)


def referral(child: str, on: date, episode: int) -> dict[str, Any]:
    return {"child_id": child, "episode": episode, "referral_date": on}


def test_re_referrals_within_12_months_to_the_day() -> None:
    result = compute(
        {
            "cin_episodes": [
                referral("A", date(2024, 6, 1), 1),
                referral("A", date(2025, 6, 1), 2),  # exactly 12 months later: a re-referral
                referral("B", date(2024, 5, 31), 1),
                referral("B", date(2025, 6, 1), 2),  # 12 months and a day: not
                referral("C", date(2025, 7, 1), 1),  # first referral: not
            ]
        }
    )
    assert pair(result, "re_referrals_12_months") == (1, 3)


def test_plans_lasting_two_years_counted_from_a_plan_starting_exactly_two_years_before() -> None:
    result = compute(
        {
            "cp_plans": [
                plan("A", date(2023, 6, 1), date(2025, 6, 1)),  # exactly 2 years: counts
                plan("B", date(2023, 6, 2), date(2025, 6, 1)),  # a day short: not
                plan("C", date(2020, 1, 1), date(2025, 3, 31)),  # ended before the year
                plan("D", date(2020, 1, 1)),  # still open
            ]
        }
    )
    assert pair(result, "plans_lasting_2_years") == (1, 2)


def test_second_or_subsequent_plans() -> None:
    result = compute(
        {
            "cp_plans": [
                plan("A", date(2023, 1, 1), date(2023, 9, 1)),
                {**plan("A", date(2025, 6, 1)), "plan": 2},  # an earlier plan in the data
                plan("B", date(2025, 6, 1), previous_plans=1),  # earlier plan elsewhere
                plan("C", date(2025, 6, 1), previous_plans=0),  # first plan
            ]
        }
    )
    assert pair(result, "second_or_subsequent_plans") == (2, 3)


def episode(child: str, start: date, end: date | None = None, ls: str = "C2") -> dict[str, Any]:
    return {"child_id": child, "start_date": start, "end_date": end, "legal_status": ls}


def test_children_looked_after_and_their_health_and_dental_checks() -> None:
    result = compute(
        {
            "cla_episodes": [
                # A: looked after since before the year, two contiguous episodes
                episode("A", date(2024, 1, 10), date(2025, 6, 5)),
                episode("A", date(2025, 6, 5)),
                # B: started on the first day of the year: 12 months at the end
                episode("B", date(2025, 4, 1)),
                # C: started the day after: under 12 months
                episode("C", date(2025, 4, 2)),
                # D: a gap breaks continuity, so the current period began in the year
                episode("D", date(2023, 1, 1), date(2025, 5, 1)),
                episode("D", date(2025, 5, 2)),
                # E: short breaks are not counted as looked after
                episode("E", date(2020, 1, 1), ls="V3"),
                # F: left care on the last day
                episode("F", date(2020, 1, 1), date(2026, 3, 31)),
            ],
            "cla_health": [
                {"child_id": "A", "health_assessment": True, "teeth_check": True},
                {"child_id": "B", "health_assessment": True, "teeth_check": False},
                {"child_id": "C", "health_assessment": True, "teeth_check": True},
            ],
        },
        population=40_000,
    )
    assert result["cla_at_end"].value == 4
    assert result["cla_rate"].value == 1.0
    assert pair(result, "cla_health_assessments") == (2, 2)
    assert pair(result, "cla_dental_checks") == (1, 2)
    assert result["cla_dental_checks"].value == 50.0


def test_empty_data_gives_zero_counts_and_no_percentages() -> None:
    result = compute({})
    assert result["cp_plans_at_end"].value == 0
    assert result["icpc_within_15_days"].value is None
    assert result["cla_health_assessments"].denominator == 0


def test_children_on_a_plan_at_the_end_for_two_years_or_more() -> None:
    """The annual report's "on a plan at 31 March for over two years", not plans ending."""
    result = compute(
        {
            "cp_plans": [
                plan("A", date(2024, 3, 31)),  # exactly 2 years at the end: counts
                plan("B", date(2024, 4, 1)),  # a day short
                plan("C", date(2020, 1, 1), date(2026, 3, 31)),  # ended on the last day: off
                plan("D", date(2023, 1, 1), date(2025, 6, 1)),  # long, but ended in the year
                plan("E", date(2025, 9, 1)),
            ]
        }
    )
    assert pair(result, "cp_on_plan_2_years_at_end") == (1, 3)
    assert result["cp_on_plan_2_years_at_end"].value == 33.3
    assert pair(result, "plans_lasting_2_years") == (2, 2)  # the other measure differs


def test_re_referral_within_12_months_of_a_plan_ended_12_to_24_months_before() -> None:
    def referral(child: str, day: date, episode: int = 2) -> dict[str, Any]:
        return {"child_id": child, "episode": episode, "referral_date": day}

    result = compute(
        {
            "cp_plans": [
                plan("A", date(2023, 1, 1), date(2024, 4, 1)),  # first day of the cohort
                plan("B", date(2023, 1, 1), date(2025, 3, 31)),  # last day of the cohort
                plan("C", date(2023, 1, 1), date(2024, 3, 31)),  # too early
                plan("D", date(2023, 1, 1), date(2025, 4, 1)),  # too late: not yet 12 months
                plan("E", date(2023, 1, 1), date(2024, 10, 1)),
            ],
            "cin_episodes": [
                referral("A", date(2025, 4, 1)),  # 12 months to the day: re-referred
                referral("B", date(2026, 4, 1)),  # after the 12 months
                referral("C", date(2024, 5, 1)),
                referral("E", date(2024, 10, 1)),  # the day the plan ended: not "after"
            ],
        }
    )
    assert pair(result, "re_referred_after_plan") == (1, 3)
