"""The comparison levels for police records: a swapped name, part of a double-barrelled
surname, a new surname with a move, a missing date of birth, and term frequencies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from safeguard.children.linkage import AUTOMATIC, REVIEW, MatchModel, Person, match
from tests.children.test_linkage import ROLL, child, only, upn

DOUBLE = Person(upn(40), "Ruby", "Smith-Okafor", date(2016, 2, 11), "F", "ZZ9 4TT")
WITH_DOUBLE = [*ROLL, DOUBLE]


def without(*levels: tuple[str, str]) -> MatchModel:
    """The default model with these levels weighed as their comparison's "else", as if the
    model did not have them."""
    data = MatchModel.default().to_dict()
    for comparison, name in levels:
        data["comparisons"][comparison][name] = dict(data["comparisons"][comparison]["else"])
    return MatchModel.from_dict(data)


def test_a_swapped_name_is_matched_automatically() -> None:
    # No postcode: names and date of birth alone must carry it.
    swapped = child(ROLL[4], forename="WHITWORTH", surname="ELEANOR", postcode=None)
    assert only([swapped]) == (ROLL[4].key, AUTOMATIC)
    # The swap level is what does it: without it the same record is not an automatic match.
    no_swap = without(("forename", "swapped"), ("surname", "swapped"))
    assert only([swapped], no_swap)[1] != AUTOMATIC


def test_a_swapped_namesake_with_another_date_of_birth_is_not_matched() -> None:
    namesake = child(
        ROLL[4], forename="Whitworth", surname="Eleanor", dob=date(2013, 8, 1), postcode="ZZ9 1AA"
    )
    assert only([namesake])[1] != AUTOMATIC


def test_a_namesake_with_another_date_of_birth_is_not_matched() -> None:
    namesake = child(ROLL[4], dob=date(2014, 9, 20), postcode="ZZ9 1AA")
    assert only([namesake])[1] != AUTOMATIC


def test_part_of_a_double_barrelled_surname_is_matched() -> None:
    for recorded in ("Okafor", "SMITH", "Smith Okafor", "smith - okafor"):
        [result] = match([child(DOUBLE, surname=recorded, postcode=None)], WITH_DOUBLE)
        assert (result.upn, result.decision) == (DOUBLE.key, AUTOMATIC), recorded
    # Without the part level, "Okafor" alone is not enough.
    part = child(DOUBLE, surname="Okafor", postcode=None)
    [result] = match([part], WITH_DOUBLE, without(("surname", "part")))
    assert result.decision != AUTOMATIC


def test_a_different_family_sharing_one_part_of_the_surname_is_not_matched() -> None:
    other = Person("C9", "Ruby", "Okafor", date(2012, 7, 30), "F", "ZZ3 3ZZ")
    [result] = match([other], WITH_DOUBLE)
    assert result.decision != AUTOMATIC


def test_a_new_surname_and_address_goes_to_review_with_the_right_pupil() -> None:
    moved = child(ROLL[9], surname="Okonjo", postcode="ZZ5 8XX")
    [result] = match([moved], ROLL)
    assert result.decision == REVIEW
    assert ROLL[9].key in result.candidates
    # Without the level that knows a new surname usually comes with a move, the move counts
    # against the child a second time.
    [weaker] = match([moved], ROLL, without(("postcode", "moved_with_new_surname")))
    assert weaker.probability < result.probability / 2


def test_no_date_of_birth_and_a_misspelt_name_still_match() -> None:
    assert only([child(ROLL[4], dob=None, forename="Elanor")]) == (ROLL[4].key, AUTOMATIC)
    assert only([child(ROLL[9], dob=None, surname="Lindqvst")]) == (ROLL[9].key, AUTOMATIC)


def test_a_common_name_is_weaker_evidence_than_a_rare_one() -> None:
    smiths = [
        Person(upn(100 + n), f"Name{chr(97 + n)}x", "Smith", date(2010, 1, 1 + n), "M", None)
        for n in range(20)
    ]
    roll = [*smiths, Person(upn(200), "Ada", "Smith", None, None, None)]
    roll.append(Person(upn(201), "Ada", "Whitworth", None, None, None))
    common = Person("A", "Ada", "Smith", None, None, None)
    rare = Person("B", "Ada", "Whitworth", None, None, None)
    with_frequencies = replace(MatchModel.default(), min_roll_size=len(roll))
    found = match([common, rare], roll, with_frequencies)
    assert found[0].probability < found[1].probability
    # On a roll shorter than min_roll_size (a sample) no name is counted as common or rare.
    found = match([common, rare], roll)
    assert found[0].probability == found[1].probability
