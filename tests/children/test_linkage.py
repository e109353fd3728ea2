from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.children.identifiers import upn_check_letter
from safeguard.children.linkage import (
    AUTOMATIC,
    LEVELS,
    NONE,
    REVIEW,
    MatchModel,
    Person,
    match,
)


def upn(serial: int) -> str:
    body = f"{800000000000 + serial:012d}"
    return upn_check_letter(body) + body


# A small roll with the hard cases: siblings, twins (same surname, dob and postcode), a
# namesake in another family, and a neighbour.
ROLL = [
    Person(upn(1), "William", "Smith", date(2015, 3, 14), "M", "ZZ1 1AB"),
    Person(upn(2), "Grace", "Smith", date(2012, 11, 2), "F", "ZZ1 1AB"),
    Person(upn(3), "Jack", "Brown", date(2016, 6, 21), "M", "ZZ2 4CD"),
    Person(upn(4), "Amelia", "Brown", date(2016, 6, 21), "F", "ZZ2 4CD"),
    Person(upn(5), "Eleanor", "Whitworth", date(2011, 2, 7), "F", "ZZ3 9EF"),
    Person(upn(6), "Alfred", "Patel", date(2019, 8, 30), "M", "ZZ4 2GH"),
    Person(upn(7), "William", "Smith", date(2013, 1, 5), "M", "ZZ7 7QR"),
    Person(upn(8), "Katherine", "O'Brien", date(2014, 4, 9), "F", "ZZ5 5JK"),
    Person(upn(9), "Muhammad", "Khan", date(2010, 12, 25), "M", "ZZ6 1LM"),
    Person(upn(10), "Sophia", "Lindqvist", date(2017, 10, 3), "F", "ZZ6 1LN"),
    Person(upn(11), "Noah", "Ellison", date(2020, 1, 15), "M", "ZZ8 3NP"),
    Person(upn(12), "Noah", "Ellison", date(2020, 1, 15), "M", "ZZ8 3NP"),
]


def child(pupil: Person, ref: str = "C1", **changes: object) -> Person:
    return replace(pupil, key=ref, **changes)  # type: ignore[arg-type]


def only(children: list[Person], model: MatchModel | None = None) -> tuple[str | None, str]:
    [result] = match(children, ROLL, model)
    return result.upn, result.decision


@pytest.mark.parametrize(
    ("pupil", "changes"),
    [
        (ROLL[0], {}),
        (ROLL[0], {"forename": "Bill"}),  # nickname
        (ROLL[5], {"forename": "Alfie"}),  # nickname
        (ROLL[4], {"forename": "Ellie"}),  # nickname
        (ROLL[7], {"forename": "Katie", "surname": "OBrien"}),  # nickname, punctuation
        (ROLL[4], {"surname": "Whitwroth"}),  # transposed letters
        (ROLL[8], {"forename": "Muhamad"}),  # a letter missing
        (ROLL[9], {"surname": "Lindquist"}),  # a typo
        (ROLL[0], {"dob": date(2015, 3, 14).replace(month=3, day=14)}),
        (ROLL[7], {"dob": date(2014, 9, 4)}),  # day and month swapped
        (ROLL[5], {"dob": date(2019, 8, 31)}),  # one component differs
        (ROLL[4], {"surname": "Jackson"}),  # changed surname
        (ROLL[9], {"postcode": None}),  # missing postcode
        (ROLL[9], {"gender": None}),  # missing gender
        (ROLL[8], {"dob": None}),  # missing date of birth
        (ROLL[8], {"postcode": "zz61lm"}),  # postcode written differently
        (ROLL[2], {"forename": "JACK", "surname": "brown"}),  # case
    ],
)
def test_each_kind_of_corruption_still_matches(pupil: Person, changes: dict[str, object]) -> None:
    assert only([child(pupil, **changes)]) == (pupil.key, AUTOMATIC)


def test_twins_are_not_confused() -> None:
    results = match(
        [child(ROLL[2], "jack"), child(ROLL[3], "amelia"), child(ROLL[3], "amy", forename="Amy")],
        ROLL,
    )
    assert [(r.upn, r.decision) for r in results[:2]] == [
        (ROLL[2].key, AUTOMATIC),
        (ROLL[3].key, AUTOMATIC),
    ]
    # "Amy" is not Jack, but it is not clearly Amelia either: no automatic link to Jack.
    assert results[2].upn != ROLL[2].key


def test_two_pupils_that_fit_equally_go_to_a_person() -> None:
    # Two pupils with the same name, date of birth and address (a data entry duplicate, or
    # twins given one name on a record): neither may be chosen automatically.
    [result] = match([child(ROLL[10], "noah")], ROLL)
    assert result.decision == REVIEW
    assert result.upn in {ROLL[10].key, ROLL[11].key}
    assert 0.4 < result.probability < 0.5


def test_namesakes_are_told_apart_by_date_of_birth_and_address() -> None:
    results = match([child(ROLL[0], "a"), child(ROLL[6], "b")], ROLL)
    assert [(r.upn, r.decision) for r in results] == [
        (ROLL[0].key, AUTOMATIC),
        (ROLL[6].key, AUTOMATIC),
    ]


def test_a_child_not_on_the_roll_gets_none() -> None:
    stranger = Person("S1", "Theodore", "Nakamura", date(2014, 5, 17), "M", "ZZ9 9XY")
    sibling_not_on_roll = Person("S2", "Harry", "Smith", date(2018, 9, 1), "M", "ZZ1 1AB")
    results = match([stranger, sibling_not_on_roll], ROLL)
    assert [(r.ref, r.upn, r.decision) for r in results] == [
        ("S1", None, NONE),
        ("S2", None, NONE),
    ]
    assert results[0].probability == 0.0
    assert results[1].probability < 0.5


def test_one_result_per_child_in_input_order() -> None:
    children = [child(ROLL[i], f"ref-{i}") for i in (4, 0, 8)] + [
        Person("nobody", None, None, None, None, None)
    ]
    results = match(children, ROLL)
    assert [r.ref for r in results] == ["ref-4", "ref-0", "ref-8", "nobody"]
    assert results[3].decision == NONE
    assert match([], ROLL) == []
    assert [r.decision for r in match(children[:1], [])] == [NONE]


def test_thresholds_change_decisions() -> None:
    corrupted = child(ROLL[4], surname="Jackson", gender=None)
    default = MatchModel.default()
    upn_found, decision = only([corrupted], default)
    assert (upn_found, decision) == (ROLL[4].key, AUTOMATIC)
    [result] = match([corrupted], ROLL, default)
    strict = replace(default, automatic=min(1.0, result.probability + (1 - result.probability) / 2))
    assert only([corrupted], strict) == (ROLL[4].key, REVIEW)
    stricter = replace(strict, review=strict.automatic)
    assert only([corrupted], stricter) == (None, NONE)


def test_parameters_change_probabilities() -> None:
    corrupted = child(ROLL[4], surname="Jackson")
    default = MatchModel.default()
    data = default.to_dict()
    data["comparisons"]["surname"]["else"]["m"] = 0.00001  # surnames never change
    harsh = MatchModel.from_dict(data)
    [before] = match([corrupted], ROLL, default)
    [after] = match([corrupted], ROLL, harsh)
    assert after.probability < before.probability


def test_model_round_trips_through_json() -> None:
    model = MatchModel.default()
    assert MatchModel.from_json(model.to_json()) == model
    data = json.loads(model.to_json())
    assert set(data["comparisons"]) == set(LEVELS)
    assert data["thresholds"] == {"automatic": model.automatic, "review": model.review}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["thresholds"].update(review=0.99, automatic=0.9), "review <= automatic"),
        (lambda d: d["thresholds"].pop("review"), "missing 'review'"),
        (lambda d: d["comparisons"].pop("dob"), "'dob' is missing"),
        (lambda d: d["comparisons"]["dob"].pop("exact"), "'dob' needs exactly the levels"),
        (lambda d: d["comparisons"]["gender"]["exact"].update(m=0), "gender.exact"),
        (lambda d: d["comparisons"].update(shoe_size={}), "unknown comparison 'shoe_size'"),
        (lambda d: d["prior"].update(share_on_roll="lots"), "not a number"),
    ],
)
def test_bad_models_are_refused_with_the_reason(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    data = MatchModel.default().to_dict()
    edit(data)
    with pytest.raises(ValueError, match=message):
        MatchModel.from_dict(data)


def test_model_json_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        MatchModel.from_json("{")
    with pytest.raises(ValueError, match="JSON object"):
        MatchModel.from_json("[]")


@settings(max_examples=5, deadline=None)
@given(st.permutations(ROLL), st.permutations(range(len(ROLL))))
def test_results_do_not_depend_on_the_order_of_either_list(
    roll: list[Person], order: list[int]
) -> None:
    children = [child(ROLL[i], f"c{i}", dob=None if i % 3 == 0 else ROLL[i].dob) for i in order]
    shuffled = {r.ref: r for r in match(children, roll)}
    reference = {r.ref: r for r in match(sorted(children, key=lambda c: c.key), ROLL)}
    for ref, result in reference.items():
        other = shuffled[ref]
        assert (other.decision, other.probability) == pytest.approx(
            (result.decision, result.probability)
        )
        if result.decision == AUTOMATIC:
            assert other.upn == result.upn
