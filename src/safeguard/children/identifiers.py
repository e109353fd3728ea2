"""Checks for the identifiers that partner systems use for a child. Pure: no Django, no I/O.

A mistyped identifier must not link two children, so identifiers are validated by their check
characters before they are trusted for matching.
"""

from __future__ import annotations

import re

# The DfE UPN check-letter alphabet: 23 letters, without I, O and S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SHAPE = re.compile(r"^[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]$")


# A character's value: digits count as themselves, letters as their place in the alphabet.
_UPN_VALUES = {**{str(d): d for d in range(10)}, **{c: i for i, c in enumerate(UPN_LETTERS)}}


def upn_check_letter(body: str) -> str:
    """The check letter for characters 2 to 13 of a UPN (12 characters).

    Each character is weighted by its position in the full UPN (2 to 13); the sum modulo 23
    indexes the alphabet. A temporary UPN ends in a letter, which counts as its alphabet index.
    """
    if len(body) != 12:
        raise ValueError("a UPN body has 12 characters")
    total = sum(_UPN_VALUES[char] * weight for weight, char in enumerate(body, start=2))
    return UPN_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def is_valid_upn(value: str) -> bool:
    upn = normalise_upn(value)
    if not _UPN_SHAPE.match(upn):
        return False
    return upn[0] == upn_check_letter(upn[1:])


def is_temporary_upn(value: str) -> bool:
    upn = normalise_upn(value)
    return is_valid_upn(upn) and upn[-1].isalpha()


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value)


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit, or None where no valid digit exists (remainder 10)."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("an NHS number starts with 9 digits")
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: str) -> bool:
    number = normalise_nhs_number(value)
    if len(number) != 10 or not number.isdigit():
        return False
    return nhs_check_digit(number[:9]) == int(number[9])
