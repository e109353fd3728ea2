"""The pure rules at their edges: the category hierarchy, modifiable factors, the neonatal
panel, age groups, hours clocks, deprivation deciles, small numbers and one death notified
twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.child_deaths import rules

CODES = [code for code, _ in rules.CATEGORIES]


# --- categories -------------------------------------------------------------------------------


def test_the_ten_national_categories_in_their_order() -> None:
    assert len(rules.CATEGORIES) == 10
    assert CODES[0] == "deliberately_inflicted"
    assert CODES[-1] == "sudden_unexpected_unexplained"


def test_the_highest_applicable_category_wins() -> None:
    assert rules.category_of(["infection", "perinatal_neonatal"]) == "perinatal_neonatal"
    assert rules.category_of(["sudden_unexpected_unexplained", "trauma_external"]) == (
        "trauma_external"
    )
    assert rules.category_of(["malignancy"]) == "malignancy"


@given(st.sets(st.sampled_from(CODES), min_size=1))
def test_the_chosen_category_applies_and_none_applying_is_higher(applicable: set[str]) -> None:
    chosen = rules.category_of(applicable)
    assert chosen in applicable
    assert all(rules.CATEGORY_RANK[chosen] <= rules.CATEGORY_RANK[c] for c in applicable)


@given(st.sets(st.sampled_from(CODES), min_size=1), st.sampled_from(CODES))
def test_adding_a_lower_category_never_changes_the_choice(applicable: set[str], extra: str) -> None:
    chosen = rules.category_of(applicable)
    if rules.CATEGORY_RANK[extra] > rules.CATEGORY_RANK[chosen]:
        assert rules.category_of(applicable | {extra}) == chosen


def test_no_category_or_an_unknown_one_is_refused() -> None:
    with pytest.raises(ValueError):
        rules.category_of([])
    with pytest.raises(ValueError):
        rules.category_of(["drowning"])


# --- modifiable factors ---------------------------------------------------------------------

LEVEL_CODES = [code for code, _ in rules.LEVELS]
findings_strategy = st.fixed_dictionaries(
    {
        code: st.builds(
            rules.DomainFinding, level=st.sampled_from(LEVEL_CODES), modifiable=st.booleans()
        )
        for code, _ in rules.DOMAINS
    }
)


def _all(level: str) -> dict[str, rules.DomainFinding]:
    return {code: rules.DomainFinding(level) for code, _ in rules.DOMAINS}


def test_four_domains() -> None:
    assert [code for code, _ in rules.DOMAINS] == ["intrinsic", "social", "physical", "service"]


def test_one_modifiable_domain_makes_the_death_modifiable() -> None:
    findings = _all("none")
    findings["service"] = rules.DomainFinding("contributory", modifiable=True)
    assert rules.conclusion(findings) == rules.MODIFIABLE


def test_contributory_but_not_modifiable_is_not_modifiable() -> None:
    findings = _all("contributory")
    assert rules.conclusion(findings) == rules.NOT_MODIFIABLE


def test_nothing_known_anywhere_is_insufficient_information() -> None:
    assert rules.conclusion(_all("not_known")) == rules.INSUFFICIENT
    mixed = _all("not_known")
    mixed["social"] = rules.DomainFinding("none")
    assert rules.conclusion(mixed) == rules.NOT_MODIFIABLE


def test_modifiable_only_where_factors_may_have_contributed() -> None:
    findings = _all("none")
    findings["physical"] = rules.DomainFinding("none", modifiable=True)
    assert set(rules.finding_problems(findings)) == {"physical"}
    with pytest.raises(ValueError):
        rules.conclusion(findings)


def test_a_missing_domain_is_a_problem() -> None:
    findings = _all("none")
    del findings["intrinsic"]
    assert set(rules.finding_problems(findings)) == {"intrinsic"}


@given(findings_strategy)
def test_conclusion_is_modifiable_exactly_when_a_valid_domain_is(findings: dict) -> None:
    if rules.finding_problems(findings):
        with pytest.raises(ValueError):
            rules.conclusion(findings)
        return
    result = rules.conclusion(findings)
    assert (result == rules.MODIFIABLE) == any(f.modifiable for f in findings.values())


# --- the neonatal panel and age groups ------------------------------------------------------


def test_day_27_is_neonatal_and_day_28_is_not() -> None:
    born = date(2026, 1, 1)
    assert rules.panel_for(born, born) == rules.NEONATAL
    assert rules.panel_for(born, born + timedelta(days=27)) == rules.NEONATAL
    assert rules.panel_for(born, born + timedelta(days=28)) == rules.CDOP


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)), st.integers(0, 6000))
def test_neonatal_panel_and_first_age_group_agree(born: date, days: int) -> None:
    died = born + timedelta(days=days)
    neonatal = rules.panel_for(born, died) == rules.NEONATAL
    assert neonatal == (rules.age_group(born, died) == "0_27_days") == (days < 28)


def test_age_group_edges() -> None:
    born = date(2020, 2, 29)
    assert rules.age_group(born, date(2020, 3, 27)) == "0_27_days"  # day 27 (a leap year)
    assert rules.age_group(born, date(2020, 3, 28)) == "28_364_days"
    assert rules.age_group(born, date(2021, 2, 28)) == "28_364_days"
    assert rules.age_group(born, date(2021, 3, 1)) == "1_4_years"
    assert rules.age_group(born, date(2025, 3, 1)) == "5_9_years"
    assert rules.age_group(born, date(2035, 3, 1)) == "15_17_years"
    with pytest.raises(ValueError):
        rules.age_group(born, date(2038, 3, 1))
    with pytest.raises(ValueError):
        rules.age_group(born, date(2020, 2, 28))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2010, 1, 1)), st.integers(28, 6500))
def test_age_groups_never_go_backwards(born: date, days: int) -> None:
    order = [code for code, _ in rules.AGE_GROUPS]
    died = born + timedelta(days=days)
    if rules.whole_years(born, died + timedelta(days=1)) >= 18:
        return
    before = order.index(rules.age_group(born, died))
    after = order.index(rules.age_group(born, died + timedelta(days=1)))
    assert after in (before, before + 1)


# --- clocks ----------------------------------------------------------------------------------


def test_home_visit_is_due_48_hours_later_weekend_or_not() -> None:
    friday_night = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    assert rules.due_after_hours(friday_night, rules.HOME_VISIT_HOURS) == datetime(
        2026, 12, 6, 23, 0, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        rules.due_after_hours(friday_night, 0)


def test_notified_late_after_48_hours_exactly() -> None:
    died = datetime(2026, 1, 1, 8, tzinfo=UTC)
    assert not rules.notified_late(died_at=died, notified_at=died + timedelta(hours=48))
    assert rules.notified_late(died_at=died, notified_at=died + timedelta(hours=48, seconds=1))


def test_jar_for_unexpected_or_any_trigger() -> None:
    assert rules.jar_needed(expected=False, triggers=[])
    assert rules.jar_needed(expected=True, triggers=["custody_or_detained"])
    assert not rules.jar_needed(expected=True, triggers=[])
    with pytest.raises(ValueError):
        rules.jar_needed(expected=True, triggers=["made_up"])


# --- supplementary forms ----------------------------------------------------------------------


def test_supplementary_answers_checked_by_kind() -> None:
    answers = {"sleep_surface": "Cot", "shared_sleep": "no", "smoking": "yes", "position": "Back"}
    assert rules.supplementary_problems("sudi_sudc", answers) == {}
    assert set(rules.supplementary_problems("sudi_sudc", {**answers, "smoking": "maybe"})) == {
        "smoking"
    }
    assert set(rules.supplementary_problems("sudi_sudc", {})) == {
        "sleep_surface",
        "shared_sleep",
        "smoking",
        "position",
    }
    assert rules.supplementary_problems("nonsense", answers) == {
        "kind": "Select a supplementary form from the list"
    }


# --- deprivation --------------------------------------------------------------------------------


def test_decile_from_postcode_through_the_area() -> None:
    areas = {"WM1 1AB": "E01999001"}
    deciles = {"E01999001": 1}
    assert rules.decile_for("wm11ab", postcode_areas=areas, area_deciles=deciles) == 1
    assert rules.decile_for("WM9 9ZZ", postcode_areas=areas, area_deciles=deciles) is None
    assert rules.decile_for("", postcode_areas=areas, area_deciles=deciles) is None
    assert rules.decile_for("WM1 1AB", postcode_areas=areas, area_deciles={}) is None
    bad = {"E01999001": 11}
    assert rules.decile_for("WM1 1AB", postcode_areas=areas, area_deciles=bad) is None


# --- small numbers ---------------------------------------------------------------------------


@given(st.integers(0, 10_000))
def test_only_counts_of_one_to_four_are_suppressed(count: int) -> None:
    shown = rules.suppressed(count)
    if 1 <= count <= 4:
        assert shown == "fewer than 5"
    else:
        assert shown == str(count)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        rules.suppressed(-1)


# --- one death, several notifications ----------------------------------------------------------


def _who(name: str, nhs: str = "", born: date = date(2024, 5, 1), died: date = date(2026, 11, 2)):
    return rules.DeathIdentity(full_name=name, born_on=born, died_on=died, nhs_number=nhs)


def test_the_same_valid_nhs_number_is_one_death_whatever_the_names() -> None:
    assert rules.same_death(_who("Alfie Smith", "9434765919"), _who("A Jones", "943 476 5919"))


def test_two_different_valid_nhs_numbers_are_two_deaths() -> None:
    assert not rules.same_death(
        _who("Alfie Smith", "9434765919"), _who("Alfie Smith", "4010232137")
    )


def test_names_and_dates_when_no_nhs_number() -> None:
    assert rules.same_death(_who("Alfie Smith-Jones"), _who("Alfred Jones"))
    assert rules.same_death(_who("Alfie Smith"), _who("Alfie Smith", died=date(2026, 11, 3)))
    assert not rules.same_death(_who("Alfie Smith"), _who("Alfie Smith", died=date(2026, 11, 4)))
    assert not rules.same_death(_who("Alfie Smith"), _who("Alfie Smith", born=date(2024, 5, 2)))
    assert not rules.same_death(_who("Alfie Smith"), _who("Oscar Smith"))
    assert not rules.same_death(_who("Alfie"), _who("Alfie"))  # no surname: never assumed


@given(st.text(alphabet="abcdefghij -", min_size=3, max_size=30))
def test_same_death_is_symmetric(name: str) -> None:
    a, b = _who(name), _who("Alfie " + name)
    assert rules.same_death(a, b) == rules.same_death(b, a)


def test_reference_shape() -> None:
    assert rules.reference(2026, 7) == "CD-2026-0007"


# --- the national forms' questions since April 2021 --------------------------------------------

ANSWER_CODES = [code for code, _ in rules.ANSWERS]


def test_combined_answer_yes_beats_no_beats_not_known() -> None:
    assert rules.combined_answer([]) == "not_known"
    assert rules.combined_answer(["not_known", "no"]) == "no"
    assert rules.combined_answer(["no", "yes", "not_known"]) == "yes"
    with pytest.raises(ValueError):
        rules.combined_answer(["maybe"])


@given(st.lists(st.sampled_from(ANSWER_CODES)), st.lists(st.sampled_from(ANSWER_CODES)))
def test_combined_answer_ignores_order_and_grouping(a: list[str], b: list[str]) -> None:
    together = rules.combined_answer(a + b)
    assert together == rules.combined_answer(b + a)
    assert together == rules.combined_answer([rules.combined_answer(a), rules.combined_answer(b)])
    # One agency's yes always stands; adding answers never turns a yes into anything else.
    if "yes" in a:
        assert together == "yes"


def test_a_suspected_home_stillbirth_is_at_home_and_born_the_day_it_died() -> None:
    day = date(2026, 11, 3)
    assert rules.stillbirth_problems(suspected="yes", place="home", born_on=day, died_on=day) == {}
    found = rules.stillbirth_problems(
        suspected="yes", place="hospital", born_on=day - timedelta(days=1), died_on=day
    )
    assert set(found) == {"place", "born_on"}
    # No and not known ask nothing more: a baby who lived a week may have died at home.
    for answer in ("no", "not_known"):
        assert not rules.stillbirth_problems(
            suspected=answer, place="hospital", born_on=day - timedelta(days=7), died_on=day
        )
    assert "suspected_home_stillbirth" in rules.stillbirth_problems(
        suspected="", place="home", born_on=day, died_on=day
    )


def test_a_suspected_home_stillbirth_calls_for_a_jar_even_if_expected() -> None:
    assert rules.jar_needed(expected=True, triggers=[], suspected_home_stillbirth=True)
    assert not rules.jar_needed(expected=True, triggers=[], suspected_home_stillbirth=False)


KIND_CODES = [code for code, _ in rules.BARRIER_KINDS]


@given(
    st.sampled_from([*ANSWER_CODES, "", "maybe"]),
    st.sampled_from([*ANSWER_CODES, "", "maybe"]),
    st.sets(st.sampled_from([*KIND_CODES, "made_up"])),
)
def test_social_answers_are_valid_exactly_when_the_kinds_match_the_barriers_answer(
    poverty: str, barriers: str, kinds: set[str]
) -> None:
    found = rules.social_problems(poverty=poverty, barriers=barriers, barrier_kinds=kinds)
    assert ("poverty" in found) == (poverty not in ANSWER_CODES)
    assert ("barriers" in found) == (barriers not in ANSWER_CODES)
    kinds_ok = "made_up" not in kinds and (
        bool(kinds) if barriers == "yes" else (not kinds or barriers not in ANSWER_CODES)
    )
    assert ("barrier_kinds" in found) != kinds_ok
