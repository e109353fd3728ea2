from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.children.identifiers import (
    UPN_LETTERS,
    is_temporary_upn,
    is_valid_nhs_number,
    is_valid_upn,
    nhs_check_digit,
    upn_check_letter,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def test_upn_check_letter_by_hand() -> None:
    # body 201300000001: each character weighted by its position in the UPN (2 to 13)
    body = "201300000001"
    total = (
        2 * 2
        + 0 * 3
        + 1 * 4
        + 3 * 5
        + 0 * 6
        + 0 * 7
        + 0 * 8
        + 0 * 9
        + 0 * 10
        + 0 * 11
        + 0 * 12
        + 1 * 13
    )
    assert upn_check_letter(body) == UPN_LETTERS[total % 23]
    assert is_valid_upn(UPN_LETTERS[total % 23] + body)


def test_upn_rejections() -> None:
    assert not is_valid_upn("")
    assert not is_valid_upn("A20130000000")  # 12 characters
    assert not is_valid_upn("I201300000001")  # I is never a check letter
    assert not is_valid_upn("S201300000001")
    body = "201300000001"
    wrong = next(c for c in UPN_LETTERS if c != upn_check_letter(body))
    assert not is_valid_upn(wrong + body)


@given(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.sampled_from(list("0123456789" + UPN_LETTERS)),
)
def test_every_body_has_exactly_one_valid_check_letter(first_eleven: str, last: str) -> None:
    body = first_eleven + last
    valid = [c for c in UPN_LETTERS if is_valid_upn(c + body)]
    assert valid == [upn_check_letter(body)]
    assert is_temporary_upn(valid[0] + body) == last.isalpha()


@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.integers(0, 10), digits)
def test_a_changed_digit_is_caught(first_eleven: str, position: int, replacement: str) -> None:
    body = first_eleven + "1"
    upn = upn_check_letter(body) + body
    changed = upn[: position + 1] + replacement + upn[position + 2 :]
    if changed != upn:
        assert not is_valid_upn(changed)


def test_nhs_number_known_valid() -> None:
    # 943 476 5919 is the NHS's published example of a valid number.
    assert is_valid_nhs_number("943 476 5919")
    assert is_valid_nhs_number("9434765919")
    assert not is_valid_nhs_number("9434765918")
    assert not is_valid_nhs_number("943476591")
    assert not is_valid_nhs_number("94347659AA")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_nhs_check_digit_round_trip(first_nine: str) -> None:
    check = nhs_check_digit(first_nine)
    valid = [d for d in range(10) if is_valid_nhs_number(first_nine + str(d))]
    assert valid == ([] if check is None else [check])


def test_nhs_check_digit_needs_nine_digits() -> None:
    with pytest.raises(ValueError):
        nhs_check_digit("12345678")
