"""The school the police recorded as matching evidence (ADR 0016): normalising and validating
it, the comparison's levels, its guard for brothers and sisters, older stored models, training
and the model form, and the children and roll CSV columns."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.children import linkage, normalise, training
from safeguard.children.forms import MatchModelForm, field_name
from safeguard.children.importers.roll import CsvError, read_children, read_roll
from safeguard.children.linkage import AUTOMATIC, MatchModel, Person, match
from tests.children.test_linkage import ROLL, upn

URN = {pupil.key: f"{140000 + number:06d}" for number, pupil in enumerate(ROLL)}
PLACES = [
    "Oakfield", "Beechwood", "Elmhurst", "Ashgrove", "Cedarpark", "Hollybank", "Willowdene",
    "Birchcroft", "Hazelmead", "Rowanside", "Maplegate", "Alderley",
]  # fmt: skip
NAME = {pupil.key: f"{PLACES[number]} Primary School" for number, pupil in enumerate(ROLL)}
SCHOOLED = [
    replace(p, school_urns=(URN[p.key],), school_names=(NAME[p.key],)) for p in ROLL
]  # every pupil at a school of their own (so that a sibling's is not theirs by accident)


# --- normalising and validating ------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("St. Mary's C of E Primary School", "st marys primary"),
        ("ST MARYS PRIMARY", "st marys primary"),
        ("The Oakfield Academy", "oakfield"),
        ("Hart & Vale Junior School", "hart vale junior"),
        ("École Élodie", "ecole elodie"),
        ("School", None),
        ("", None),
    ],
)
def test_school_names_are_compared_without_their_filler(written: str, normalised: str) -> None:
    assert normalise.school_name(written) == normalised


@given(st.text(max_size=60))
def test_a_normalised_school_name_normalises_to_itself(text: str) -> None:
    once = normalise.school_name(text)
    assert once is None or normalise.school_name(once) == once


@settings(deadline=None)
@given(
    st.sampled_from(["", "EY", "ey", "Ey", "7"]),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
)
def test_six_digits_or_an_ofsted_early_years_number_is_a_urn(prefix: str, digits: str) -> None:
    urn = prefix + digits  # six digits; seven; EY and six
    assert normalise.school_urn(f" {urn} ") == urn.upper()


@given(st.text(max_size=12))
def test_anything_else_is_refused_as_a_urn(text: str) -> None:
    cleaned = "".join(text.split()).upper()
    if re.fullmatch(r"[0-9]{6,7}|EY[0-9]{6}", cleaned, flags=re.ASCII):
        assert normalise.school_urn(text) == cleaned
    elif not cleaned:
        assert normalise.school_urn(text) is None
    else:
        with pytest.raises(ValueError, match="six or seven"):
            normalise.school_urn(text)


def test_a_urn_with_non_ascii_digits_is_refused() -> None:
    with pytest.raises(ValueError):
        normalise.school_urn("١٢٣٤٥٦")  # Arabic-Indic digits


# --- the comparison -------------------------------------------------------------------------


def _level(child: Person, pupil: Person) -> str:
    """The school level the pair falls in, as Splink's SQL decides it."""
    import duckdb

    connection = duckdb.connect()
    connection.register("l", linkage._table([child]))
    connection.register("r", linkage._table([pupil]))
    columns = [c for c in linkage._table([]).column_names if c != "unique_id"]
    select = ", ".join([f"l.{c} AS {c}_l" for c in columns] + [f"r.{c} AS {c}_r" for c in columns])
    whens = " ".join(
        f"ELSE '{name}'" if sql == "ELSE" else f"WHEN {sql} THEN '{name}'"
        for name, sql in linkage.LEVELS["school"]
    )
    query = f"SELECT CASE {whens} END FROM (SELECT {select} FROM l, r)"  # noqa: S608 - our SQL
    row = connection.execute(query).fetchone()
    connection.close()
    assert row is not None
    return str(row[0])


def test_each_school_level_is_reached() -> None:
    pupil = SCHOOLED[4]  # Eleanor Whitworth
    recorded = replace(pupil, key="C1", school_urns=(), school_names=())
    assert _level(recorded, pupil) == "null"
    assert _level(replace(recorded, school_urns=(URN[pupil.key],)), pupil) == "same_urn"
    written = replace(recorded, school_names=("CEDARPARK PRIMARY",))
    assert _level(written, pupil) == "similar_name"
    misspelt = replace(recorded, school_names=("Cedarprak Primary Schol",))
    assert _level(misspelt, pupil) == "similar_name"
    assert _level(replace(recorded, school_urns=("999999",)), pupil) == "different"
    # A brother at the same school: another forename, born years apart.
    brother = replace(
        recorded, forename="Thomas", dob=date(2015, 9, 1), school_urns=(URN[pupil.key],)
    )
    assert _level(brother, pupil) == "person_differs"
    # A child whose surname changed keeps forename and date of birth: the school counts.
    renamed = replace(recorded, surname="Marsh", school_urns=(URN[pupil.key],))
    assert _level(renamed, pupil) == "same_urn"
    # A second roll (dual registration) counts as the child's school too.
    dual = replace(pupil, school_urns=("123123", URN[pupil.key]))
    assert _level(replace(recorded, school_urns=("123123",)), dual) == "same_urn"


def test_the_school_lifts_a_child_whose_surname_changed_and_family_moved() -> None:
    pupil = SCHOOLED[4]
    moved = replace(
        pupil,
        key="C1",
        surname="Marsh",
        postcode="ZZ9 9ZZ",
        gender=None,
        school_urns=(),
        school_names=(),
    )
    [alone] = match([moved], SCHOOLED)
    [with_school] = match([replace(moved, school_urns=(URN[pupil.key],))], SCHOOLED)
    [elsewhere] = match([replace(moved, school_urns=("999999",))], SCHOOLED)
    assert alone.decision != AUTOMATIC
    assert with_school.probability > alone.probability > elsewhere.probability


def test_a_shared_school_never_makes_a_brother_or_sister_pass_for_the_child() -> None:
    """Grace's sister, born years apart, named in the incident at Grace's school."""
    grace = SCHOOLED[1]
    sister = Person("C1", "Lily", "Smith", date(2018, 5, 5), "F", "ZZ1 1AB")
    [without] = match([sister], SCHOOLED)
    [with_school] = match([replace(sister, school_urns=(URN[grace.key],))], SCHOOLED)
    assert without.upn == with_school.upn
    assert with_school.probability == pytest.approx(without.probability)
    assert with_school.decision != AUTOMATIC


@settings(max_examples=8, deadline=None)
@given(
    forename=st.sampled_from(["Zachary", "Bethany", "Ibrahim", "William"]),
    dob=st.one_of(st.none(), st.dates(min_value=date(2008, 1, 1), max_value=date(2022, 12, 31))),
)
def test_the_school_adds_nothing_to_a_pair_that_is_clearly_two_children(
    forename: str, dob: date | None
) -> None:
    """Another forename without the same date of birth, or a date of birth off in two parts:
    whatever else the pair shares, a shared school adds nothing."""
    william = SCHOOLED[0]
    assert william.dob is not None
    if dob == william.dob:
        dob = None
    agreeing = (
        0
        if dob is None
        else sum((dob.year == william.dob.year, dob.month == william.dob.month))
        + (dob.day == william.dob.day)
    )
    parts_agree = agreeing >= 2
    if forename == "William" and (dob is None or parts_agree):
        return  # the same forename with a date of birth that nearly agrees: not clearly two
    other = Person("C1", forename, "Smith", dob, None, None)
    [without] = match([other], SCHOOLED)
    [with_school] = match([replace(other, school_urns=(URN[william.key],))], SCHOOLED)
    assert with_school.probability == pytest.approx(without.probability)


# --- the stored model, training and the form -------------------------------------------------


def test_a_model_stored_before_the_school_comparison_takes_the_default() -> None:
    data = MatchModel.default().to_dict()
    del data["comparisons"]["school"]
    loaded = MatchModel.from_dict(data)
    assert loaded.comparisons["school"] == MatchModel.default().comparisons["school"]


def test_the_neutral_level_must_carry_no_evidence() -> None:
    data = MatchModel.default().to_dict()
    data["comparisons"]["school"]["person_differs"] = {"m": 0.9, "u": 0.1}
    with pytest.raises(ValueError, match="person_differs carries no evidence"):
        MatchModel.from_dict(data)


def test_training_keeps_the_neutral_level_neutral() -> None:
    model = MatchModel.default()
    trained = training._comparisons(
        model, {"school": {"person_differs": (0.001, 0.8), "same_urn": (0.7, 0.0004)}}
    )
    neutral = trained["school"]["person_differs"]
    assert neutral["m"] == neutral["u"]
    # The others are made conditional on the pair not being clearly two children.
    assert trained["school"]["same_urn"] == {"m": round(0.7 / 0.999, 6), "u": 0.002}


def test_the_form_refuses_a_neutral_level_that_takes_sides() -> None:
    model = MatchModel.default()
    data = {
        "automatic": model.automatic,
        "review": model.review,
        "share_on_roll": model.share_on_roll,
        "min_roll_size": model.min_roll_size,
        "note": "Trying the school",
    }
    for comparison, levels in model.comparisons.items():
        for level, p in levels.items():
            data[field_name(comparison, level, "m")] = p.m
            data[field_name(comparison, level, "u")] = p.u
    data[field_name("school", "person_differs", "m")] = 0.9
    form = MatchModelForm(data, model=model)
    assert not form.is_valid()
    assert "must equal its u value" in form.errors[field_name("school", "person_differs", "m")][0]


# --- the CSV columns ---------------------------------------------------------------------------


def test_the_children_csv_reads_the_school_recorded_and_names_a_bad_urn() -> None:
    text = (
        "ref,forename,surname,dob,gender,postcode,school_urn,school_name\n"
        "C1,Robin,Ashdown,2016-03-04,F,,ey123456,Little Acorns Nursery\n"
        "C2,Alex,Cole,2017-06-15,M,,,\n"
    )
    first, second = read_children(text.splitlines(keepends=True), today=date(2026, 11, 26))
    assert first.school_urns == ("EY123456",)
    assert first.school_names == ("Little Acorns Nursery",)
    assert second.school_urns == () and second.school_names == ()
    bad = text.replace("ey123456", "12345")
    with pytest.raises(CsvError) as caught:
        read_children(bad.splitlines(keepends=True), today=date(2026, 11, 26))
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "school_urn")]


def test_the_roll_csv_reads_an_optional_school_name() -> None:
    text = (
        "upn,forename,surname,dob,gender,postcode,school_urn,school_name\n"
        f"{upn(1)},Robin,Ashdown,2016-03-04,F,,140001,Westmere Primary School\n"
    )
    [pupil] = read_roll(text.splitlines(keepends=True), today=date(2026, 11, 26))
    assert pupil.person.school_urns == ("140001",)
    assert pupil.person.school_names == ("Westmere Primary School",)
