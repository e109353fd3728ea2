"""Household evidence: the pure rule, and what it does inside ``linkage.match``."""

from __future__ import annotations

import io
import itertools
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.children.household import (
    HOUSEHOLD_M,
    MIN_POSTCODE_SHARE,
    MIN_SUPPORT,
    Candidate,
    household_factors,
    shared_pupils,
)
from safeguard.children.identifiers import upn_check_letter
from safeguard.children.importers.roll import read_children
from safeguard.children.linkage import AUTOMATIC, NONE, REVIEW, Person, match

SHARE = 0.00004  # two pupils of a 50,000 roll at one postcode


def factors(
    candidates: list[Candidate],
    households: dict[int, str],
    child_postcodes: dict[int, str | None] | None = None,
    pupil_postcodes: dict[int, str | None] | None = None,
) -> dict[tuple[int, int], float]:
    pupils = {c.pupil for c in candidates}
    return household_factors(
        candidates=candidates,
        households=households,
        child_postcodes=child_postcodes or {},
        pupil_postcodes=pupil_postcodes or dict.fromkeys(pupils, "ZY1 1AA"),
    )


def c(child: int, pupil: int, probability: float, share: float = SHARE) -> Candidate:
    return Candidate(child, pupil, probability, 1e3, share)


def expected(support: float, share: float = SHARE) -> float:
    return 1 + support * (HOUSEHOLD_M / share - 1)


# --- the rule, case by case --------------------------------------------------------------


def test_no_incident_no_evidence() -> None:
    candidates = [c(0, 10, 0.05), c(1, 11, 0.9)]
    assert factors(candidates, {}) == {}


def test_a_sibling_at_the_same_roll_address_supports_by_its_probability() -> None:
    candidates = [c(0, 10, MIN_SUPPORT / 2), c(1, 11, 0.9)]
    found = factors(candidates, {0: "INC1", 1: "INC1"})
    assert found[(0, 10)] == expected(0.9)
    # The other way round the sibling is too unsure of its own pupil to vouch for an address.
    assert (1, 11) not in found
    # A weak but real guess for the sibling counts by its probability.
    weak = factors([c(0, 10, 0.05), c(1, 11, 0.9)], {0: "INC1", 1: "INC1"})
    assert weak[(1, 11)] == expected(0.05)


def test_support_starts_at_the_minimum() -> None:
    for probability in (MIN_SUPPORT - 1e-9, MIN_SUPPORT):
        candidates = [c(0, 10, 0.05), c(1, 11, probability)]
        found = factors(candidates, {0: "INC1", 1: "INC1"})
        assert found.get((0, 10)) == (expected(probability) if probability >= MIN_SUPPORT else None)


def test_a_postcode_as_common_as_its_evidence_is_no_evidence() -> None:
    # A rare surname's only family: its address says nothing the surname did not.
    candidates = [c(0, 10, 0.05, share=1.0), c(1, 11, 0.9)]
    assert (0, 10) not in factors(candidates, {0: "INC1", 1: "INC1"})


def test_siblings_in_different_incidents_are_no_evidence() -> None:
    candidates = [c(0, 10, 0.05), c(1, 11, 0.9)]
    assert factors(candidates, {0: "INC1", 1: "INC2"}) == {}


def test_a_different_roll_address_is_no_evidence() -> None:
    candidates = [c(0, 10, 0.05), c(1, 11, 0.9)]
    found = factors(
        candidates, {0: "INC1", 1: "INC1"}, pupil_postcodes={10: "ZY1 1AA", 11: "ZY2 2BB"}
    )
    assert found == {}


def test_an_address_the_child_was_recorded_at_is_not_counted_twice() -> None:
    candidates = [c(0, 10, 0.3), c(1, 11, 0.9)]
    found = factors(candidates, {0: "INC1", 1: "INC1"}, child_postcodes={0: "ZY1 1AA"})
    assert (0, 10) not in found
    assert found[(1, 11)] == expected(0.3)


def test_a_pupil_without_a_postcode_gains_nothing() -> None:
    candidates = [c(0, 10, 0.05), c(1, 11, 0.9)]
    found = factors(candidates, {0: "INC1", 1: "INC1"}, pupil_postcodes={10: None, 11: "ZY1 1AA"})
    assert (0, 10) not in found


def test_a_child_is_not_its_own_sibling_and_a_pupil_not_its_own() -> None:
    # Both children's best candidate is the same pupil: that is no household evidence.
    candidates = [c(0, 10, 0.4), c(1, 10, 0.9)]
    assert factors(candidates, {0: "INC1", 1: "INC1"}) == {}


def test_the_best_sibling_counts_not_the_sum() -> None:
    candidates = [
        c(0, 10, 0.05),
        c(1, 11, 0.5),
        c(2, 12, 0.4),
    ]
    found = factors(candidates, {0: "INC1", 1: "INC1", 2: "INC1"})
    assert found[(0, 10)] == expected(0.5)


def test_one_siblings_candidates_at_one_address_add_up_to_at_most_one() -> None:
    candidates = [
        c(0, 10, 0.05),
        c(1, 11, 0.7),
        c(1, 12, 0.6),  # not a posterior sum, but the rule must still cap it
    ]
    found = factors(candidates, {0: "INC1", 1: "INC1"})
    assert found[(0, 10)] == expected(1.0)


def test_a_crowded_postcode_is_weaker_evidence() -> None:
    found_quiet = factors([c(0, 10, 0.05), c(1, 11, 0.9)], {0: "INC1", 1: "INC1"})
    crowded = [c(0, 10, 0.05, share=SHARE * 10), c(1, 11, 0.9)]
    found_crowded = factors(crowded, {0: "INC1", 1: "INC1"})
    assert 1 < found_crowded[(0, 10)] < found_quiet[(0, 10)]
    assert found_crowded[(0, 10)] == expected(0.9, SHARE * 10)


def test_no_postcode_is_proof() -> None:
    candidates = [c(0, 10, 0.05, share=0.0), c(1, 11, 1.0)]
    found = factors(candidates, {0: "INC1", 1: "INC1"})
    assert found[(0, 10)] == 1 + (HOUSEHOLD_M / MIN_POSTCODE_SHARE - 1)


def test_shared_pupils_every_small_case() -> None:
    """Every assignment of 3 children to 2 pupils and 2 incidents (or none)."""
    for pupils in itertools.product([1, 2], repeat=3):
        for incidents in itertools.product(["A", "B", None], repeat=3):
            automatic = dict(enumerate(pupils))
            households = {c: h for c, h in enumerate(incidents) if h is not None}
            found = shared_pupils(automatic, households)
            for child in automatic:
                rivals = [
                    other
                    for other in automatic
                    if other != child
                    and child in households
                    and households.get(other) == households[child]
                    and automatic[other] == automatic[child]
                ]
                assert (child in found) == bool(rivals)


# --- properties ------------------------------------------------------------------------

candidate_lists = st.lists(
    st.builds(
        Candidate,
        st.integers(0, 4),
        st.integers(10, 15),
        st.floats(0, 1),
        st.floats(1e-6, 1e9),
        st.floats(0, 1),
    ),
    max_size=12,
    unique_by=lambda c: (c.child, c.pupil),
)
household_maps = st.dictionaries(st.integers(0, 4), st.sampled_from(["A", "B"]))
postcode_maps = st.dictionaries(
    st.integers(10, 15), st.sampled_from(["ZY1 1AA", "ZY2 2BB", None]), min_size=6
)


def run(
    candidates: list[Candidate],
    households: dict[int, str],
    pupil_postcodes: dict[int, str | None],
) -> dict[tuple[int, int], float]:
    return household_factors(
        candidates=candidates,
        households=households,
        child_postcodes={},
        pupil_postcodes=pupil_postcodes,
    )


@settings(max_examples=300, deadline=None)
@given(candidate_lists, household_maps, postcode_maps)
def test_factors_are_bounded_and_only_for_siblings(
    candidates: list[Candidate],
    households: dict[int, str],
    pupil_postcodes: dict[int, str | None],
) -> None:
    found = run(candidates, households, pupil_postcodes)
    ceiling = HOUSEHOLD_M / MIN_POSTCODE_SHARE
    for (child, pupil), factor in found.items():
        assert 1 < factor <= ceiling
        assert child in households
        assert any(
            c.child != child
            and households.get(c.child) == households[child]
            and c.pupil != pupil
            and pupil_postcodes.get(c.pupil) == pupil_postcodes.get(pupil)
            and c.probability >= MIN_SUPPORT
            for c in candidates
        )


@settings(max_examples=300, deadline=None)
@given(candidate_lists, household_maps, postcode_maps)
def test_names_of_incidents_do_not_matter(
    candidates: list[Candidate],
    households: dict[int, str],
    pupil_postcodes: dict[int, str | None],
) -> None:
    renamed = {child: f"other-{h}" for child, h in households.items()}
    assert run(candidates, households, pupil_postcodes) == run(candidates, renamed, pupil_postcodes)


@settings(max_examples=300, deadline=None)
@given(candidate_lists, household_maps, postcode_maps, st.data())
def test_a_surer_sibling_never_weakens_the_evidence(
    candidates: list[Candidate],
    households: dict[int, str],
    pupil_postcodes: dict[int, str | None],
    data: st.DataObject,
) -> None:
    if not candidates:
        return
    at = data.draw(st.integers(0, len(candidates) - 1))
    surer = list(candidates)
    raised = candidates[at]
    surer[at] = Candidate(
        raised.child,
        raised.pupil,
        data.draw(st.floats(raised.probability, 1)),
        raised.bayes_factor,
        raised.share,
    )
    before = run(candidates, households, pupil_postcodes)
    after = run(surer, households, pupil_postcodes)
    for pair, factor in before.items():
        assert after.get(pair, 1.0) >= factor


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.integers(0, 6), st.integers(1, 3)),
    st.dictionaries(st.integers(0, 6), st.sampled_from(["A", "B"])),
)
def test_shared_pupils_are_exactly_the_clashes(
    automatic: dict[int, int], households: dict[int, str]
) -> None:
    found = shared_pupils(automatic, households)
    assert found <= set(automatic)
    for child in automatic:
        clash = child in households and any(
            other != child
            and households.get(other) == households[child]
            and automatic[other] == automatic[child]
            for other in automatic
        )
        assert (child in found) == clash


# --- inside the model ------------------------------------------------------------------


def upn(serial: int) -> str:
    body = f"{810000000000 + serial:012d}"
    return upn_check_letter(body) + body


def roll_with_namesakes() -> list[Person]:
    """Mia and Leo at ZZ1 1AB; Mia's namesakes born the same day live elsewhere."""
    roll = [
        Person(upn(1), "Mia", "Fairbrother", date(2015, 3, 14), "F", "ZZ1 1AB"),
        Person(upn(2), "Leo", "Fairbrother", date(2012, 11, 2), "M", "ZZ1 1AB"),
    ]
    for serial in range(3, 6):
        roll.append(Person(upn(serial), "Mia", f"Other{serial}", date(2015, 3, 14), "F", "ZZ9 9ZZ"))
    for serial in range(6, 400):
        roll.append(
            Person(
                upn(serial),
                f"Name{serial}",
                f"Family{serial}",
                date(2010, 1, 1 + serial % 28),
                "M",
                f"ZZ{serial % 50} 1AA",
            )
        )
    return roll


# Mia's surname changed (a parent's new partner) and the family moved; Leo kept his surname.
MIA = Person("child-mia", "Mia", "Newman", date(2015, 3, 14), "F", "ZZ8 8XY", "INC-1")
LEO = Person("child-leo", "Leo", "Fairbrother", date(2012, 11, 2), "M", "ZZ1 1AB", "INC-1")


def test_a_child_known_only_by_forename_and_birth_is_not_matched_alone() -> None:
    [mia] = match([Person(**{**MIA.__dict__, "household": None})], roll_with_namesakes())
    assert mia.decision != AUTOMATIC


def test_a_sibling_at_the_roll_address_finds_the_child() -> None:
    mia, leo = match([MIA, LEO], roll_with_namesakes())
    assert (leo.decision, leo.upn) == (AUTOMATIC, upn(2))
    assert (mia.decision, mia.upn) == (AUTOMATIC, upn(1))


def test_a_sibling_in_another_incident_is_no_evidence() -> None:
    other = Person(**{**LEO.__dict__, "household": "INC-2"})
    mia, _ = match([MIA, other], roll_with_namesakes())
    assert mia.decision != AUTOMATIC


def test_a_brother_under_school_age_is_not_matched_to_a_sibling_on_the_roll() -> None:
    baby = Person("child-baby", "Noah", "Fairbrother", date(2024, 5, 1), "M", "ZZ1 1AB", "INC-1")
    _, leo, found = match([MIA, LEO, baby], roll_with_namesakes())
    assert leo.decision == AUTOMATIC
    assert found.decision == NONE


def test_two_children_of_one_incident_never_both_take_one_pupil() -> None:
    again = Person("child-leo-2", *list(LEO.__dict__.values())[1:])
    first, second = match([LEO, again], roll_with_namesakes())
    assert first.decision == second.decision == REVIEW
    alone = match([LEO, Person(**{**again.__dict__, "household": "INC-9"})], roll_with_namesakes())
    assert [m.decision for m in alone] == [AUTOMATIC, AUTOMATIC]


def test_the_children_csv_may_name_the_incident() -> None:
    text = (
        "ref,forename,surname,dob,gender,postcode,incident\n"
        "A1,Mia,Newman,2015-03-14,F,ZZ8 8XY,INC-1\n"
        "A2,Leo,Fairbrother,2012-11-02,M,ZZ1 1AB,\n"
    )
    first, second = read_children(io.StringIO(text), today=date(2026, 1, 1))
    assert (first.household, second.household) == ("INC-1", None)
    without = read_children(
        io.StringIO("ref,forename,surname,dob,gender,postcode\nA1,Mia,,,,\n"),
        today=date(2026, 1, 1),
    )
    assert without[0].household is None


def test_a_family_on_no_roll_does_not_borrow_a_namesake_familys_address() -> None:
    """Cai and Mia Patel are on no roll; a Patel family on the roll has an Aaron born the day
    Cai was and a Mia born a month from Mia. The shared surname explains why both children
    find that family: its address is no evidence that Cai is Aaron."""
    roll = roll_with_namesakes()
    roll += [
        Person(upn(500), "Aaron", "Patel", date(2010, 4, 3), "M", "ZZ5 5PP"),
        Person(upn(501), "Mia", "Patel", date(2012, 1, 1), "F", "ZZ5 5PP"),
    ]
    roll += [
        Person(upn(600 + n), f"Other{n}", "Patel", date(2011, 1, 1 + n), "F", f"ZZ{n} 6PP")
        for n in range(20)
    ]
    cai = Person("child-cai", "Cai", "Patel", date(2010, 4, 3), "M", "ZZ7 7AA", "INC-3")
    mia = Person("child-mia-p", "Mia", "Patel", date(2012, 2, 1), "F", "ZZ7 7AA", "INC-3")
    found_cai, _ = match([cai, mia], roll)
    assert found_cai.decision != AUTOMATIC


# --- household candidates and weak support (ADR 0020) ---------------------------------------


def test_a_sibling_finds_a_child_no_blocking_rule_pairs_with_its_pupil() -> None:
    """Leo recorded without a date of birth, his surname misspelt, at the family's new address:
    no blocking rule pairs him with his pupil. Mia, recorded well, lives there on the roll, so
    every pupil there is scored for Leo too, and the household evidence finds him."""
    mia = Person("child-mia", "Mia", "Fairbrother", date(2015, 3, 14), "F", "ZZ8 8XY", "INC-4")
    leo = Person("child-leo", "Leo", "Fairbrother", None, "M", "ZZ8 8XY", "INC-4")
    leo = Person(**{**leo.__dict__, "surname": "Fairbrothr"})
    alone = match([Person(**{**leo.__dict__, "household": None})], roll_with_namesakes())[0]
    assert upn(2) not in alone.candidates
    found_mia, found_leo = match([mia, leo], roll_with_namesakes())
    assert found_mia.upn == upn(1)
    assert upn(2) in found_leo.candidates
    assert (found_leo.decision, found_leo.upn) == (AUTOMATIC, upn(2))


def test_every_candidate_shown_is_probable_enough_and_at_most_five() -> None:
    roll = roll_with_namesakes() + [
        Person(upn(700 + n), "Mia", f"Else{n}", date(2015, 3, 14), "F", f"ZZ{n} 7AA")
        for n in range(8)
    ]
    [found] = match([Person("child-x", "Mia", None, date(2015, 3, 14), "F", None)], roll)
    assert found.decision == REVIEW
    assert len(found.candidates) == len(found.candidate_probabilities) == 5
    assert all(p >= 0.01 for p in found.candidate_probabilities)
    assert list(found.candidate_probabilities) == sorted(found.candidate_probabilities)[::-1]
