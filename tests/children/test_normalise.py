from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.children import normalise
from safeguard.children.nicknames import NICKNAMES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("O'Brien", "obrien"),
        ("  SMITH-JONES ", "smithjones"),
        ("Zoë", "zoe"),
        ("Siân", "sian"),
        ("", None),
        ("  ", None),
        ("'-", None),
        (None, None),
    ],
)
def test_name(raw: str | None, expected: str | None) -> None:
    assert normalise.name(raw) == expected


@given(st.text())
def test_name_is_lower_ascii_letters_or_none(raw: str) -> None:
    result = normalise.name(raw)
    assert result is None or (result and set(result) <= set(string.ascii_lowercase))


@given(st.text())
def test_name_is_idempotent(raw: str) -> None:
    once = normalise.name(raw)
    assert normalise.name(once) == once


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bill", "william"),
        ("billy", "william"),
        ("William", "william"),
        ("Jack", "john"),
        ("Alfie", "alfred"),
        ("Ellie", "eleanor"),
        ("Katie", "katherine"),
        ("Liz", "elizabeth"),
        ("Mary-Jane", "mary"),
        ("Mary Jane", "mary"),
        ("Zainab", "zainab"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_forename(raw: str | None, expected: str | None) -> None:
    assert normalise.canonical_forename(raw) == expected


def test_nickname_table_is_a_function_to_formal_names() -> None:
    assert len(NICKNAMES) >= 150
    for nickname, formal in NICKNAMES.items():
        assert nickname == normalise.name(nickname)
        assert formal == normalise.name(formal)
        assert formal not in NICKNAMES, f"{formal} is itself a nickname: canonical not stable"


@given(st.sampled_from(sorted(NICKNAMES)))
def test_every_nickname_agrees_with_its_formal_name(nickname: str) -> None:
    assert normalise.canonical_forename(nickname.title()) == normalise.canonical_forename(
        NICKNAMES[nickname]
    )


@pytest.mark.parametrize(
    ("raw", "expected", "sector", "district"),
    [
        ("sw1a1aa", "SW1A 1AA", "SW1A 1", "SW1A"),
        (" SW1A   1AA ", "SW1A 1AA", "SW1A 1", "SW1A"),
        ("zz9 9zz", "ZZ9 9ZZ", "ZZ9 9", "ZZ9"),
        ("M1 1AE", "M1 1AE", "M1 1", "M1"),
        ("not a postcode", "NOTAPOSTCODE", None, None),
        ("", None, None, None),
        (None, None, None, None),
    ],
)
def test_postcode(
    raw: str | None, expected: str | None, sector: str | None, district: str | None
) -> None:
    assert normalise.postcode(raw) == expected
    assert normalise.postcode_sector(expected) == sector
    assert normalise.postcode_district(expected) == district


@given(
    st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}", fullmatch=True),
    st.sampled_from(["", " ", "  "]),
    st.booleans(),
)
def test_postcode_spacing_and_case_do_not_matter(postcode: str, gap: str, lower: bool) -> None:
    written = postcode.replace(" ", gap)
    written = written.lower() if lower else written
    assert normalise.postcode(written) == postcode
    assert normalise.postcode_district(postcode) == postcode.split(" ")[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("M", "M"), ("male", "M"), (" Female ", "F"), ("f", "F"), ("U", None), ("", None)],
)
def test_gender(raw: str, expected: str | None) -> None:
    assert normalise.gender(raw) == expected


def test_unknown_gender_code_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown gender code"):
        normalise.gender("Q")


def test_iso_date() -> None:
    assert normalise.iso_date("2015-03-04") == date(2015, 3, 4)
    assert normalise.iso_date(" 2016-02-29 ") == date(2016, 2, 29)
    assert normalise.iso_date("") is None
    assert normalise.iso_date(None) is None


@pytest.mark.parametrize("raw", ["04/03/2015", "2015-3-4", "2015-02-30", "2015-13-01", "soon"])
def test_iso_date_rejects(raw: str) -> None:
    with pytest.raises(ValueError, match=raw.replace("/", ".")):
        normalise.iso_date(raw)


@given(st.dates())
def test_iso_date_round_trips(day: date) -> None:
    if day.year >= 1000:
        assert normalise.iso_date(day.isoformat()) == day
