"""Put names, dates, genders and postcodes into one form before records are compared. Pure.

Two partner systems rarely write a value the same way ("O'Brien" / "OBRIEN", "sw1a1aa" /
"SW1A 1AA", "Male" / "M"); comparing raw strings would count those as disagreements and lose
matches. Every function returns ``None`` for an unknown value, so that matching treats it as
missing evidence rather than as a disagreement.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from safeguard.children.nicknames import NICKNAMES

_NOT_LETTER = re.compile(r"[^a-z]")
# The shape of a UK postcode once spaces are removed: outward code (area letters, district
# digit, optional letter or digit) and inward code (sector digit, two unit letters).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9])([A-Z]{2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

GENDER_CODES: dict[str, str] = {
    "m": "M",
    "male": "M",
    "boy": "M",
    "f": "F",
    "female": "F",
    "girl": "F",
    "u": "",
    "unknown": "",
    "x": "",
    "not known": "",
    "not stated": "",
}
"""Accepted gender codes (DfE census codes M, F, U and plain words) -> M, F or "" (unknown)."""


# Rolls repeat the same names and dates of birth thousands of times: the pure functions below
# are cached, which makes reading a 500,000-pupil roll several seconds faster.
_CACHE = 1 << 16


@lru_cache(maxsize=_CACHE)
def name(value: str | None) -> str | None:
    """Lower case ASCII letters only: accents folded, spaces, hyphens and apostrophes dropped."""
    if value is None:
        return None
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    letters = _NOT_LETTER.sub("", folded.lower())
    return letters or None


@lru_cache(maxsize=_CACHE)
def name_parts(value: str | None) -> tuple[str, ...] | None:
    """The parts of a name split at hyphens and spaces, each as ``name`` gives it.

    "Smith-Jones" and "Smith Jones" give ("smith", "jones"), so a double-barrelled surname
    recorded in part ("Jones") still shares a part with the roll's. A name of one part gives
    that part; single letters are dropped (an initial is not a surname).
    """
    if value is None:
        return None
    parts = [name(part) for part in re.split(r"[\s\-]+", value.strip())]
    kept = tuple(part for part in parts if part and len(part) > 1)
    return kept or None


@lru_cache(maxsize=_CACHE)
def canonical_forename(value: str | None) -> str | None:
    """The formal name a nickname stands for ("Alfie" -> "alfred"); other names normalised.

    Only the first given name counts: "Mary-Jane" and "Mary Jane" both become "mary", so a
    child recorded with and without a middle name still agrees here.
    """
    if value is None:
        return None
    parts = re.split(r"[\s\-]+", value.strip())
    first = name(parts[0]) if parts else None
    if first is None:
        return name(value)
    return NICKNAMES.get(first, first)


def postcode(value: str | None) -> str | None:
    """``SW1A 1AA`` form: upper case, one space before the inward code; None if unknown.

    A value that is not shaped like a UK postcode is kept (upper case, no spaces) so that two
    systems holding the same odd value still agree, but it has no sector or district.
    """
    if value is None:
        return None
    compact = re.sub(r"\s+", "", value).upper()
    if not compact:
        return None
    found = _POSTCODE.match(compact)
    if not found:
        return compact
    return f"{found.group(1)} {found.group(2)}{found.group(3)}"


def postcode_sector(value: str | None) -> str | None:
    """``SW1A 1``: the outward code and the sector digit, from a normalised postcode."""
    if value is None or " " not in value:
        return None
    return value[:-2]


def postcode_district(value: str | None) -> str | None:
    """``SW1A``: the outward code, from a normalised postcode."""
    if value is None or " " not in value:
        return None
    return value.split(" ", 1)[0]


def gender(value: str | None) -> str | None:
    """``M``, ``F`` or None (unknown, not stated, empty). Raises ValueError for an unknown code."""
    if value is None:
        return None
    key = " ".join(value.split()).lower()
    if not key:
        return None
    if key not in GENDER_CODES:
        raise ValueError(f"unknown gender code {value!r}: use M, F or U")
    return GENDER_CODES[key] or None


@lru_cache(maxsize=_CACHE)
def iso_date(value: str | None) -> date | None:
    """A date written ``YYYY-MM-DD``; None if empty. Raises ValueError for anything else.

    Only the ISO 8601 calendar form is accepted: ``03/04/2015`` means different days in
    different countries, and guessing would link the wrong child.
    """
    if value is None or not value.strip():
        return None
    found = _ISO_DATE.match(value.strip())
    if not found:
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD")
    year, month, day = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a real date ({error})") from None


# Words a school's name is written with or without, by the police and by GIAS alike ("St Mary's
# C of E Primary School" / "ST MARYS PRIMARY"): dropped before names are compared. Words that
# tell two schools of one place apart (primary, infant, junior, high, ...) are kept.
_SCHOOL_FILLER = frozenset(
    {
        "the", "school", "academy", "church", "of", "england", "c", "e", "cofe", "ce", "rc",
        "roman", "catholic", "and", "voluntary", "aided", "controlled", "va", "vc", "community",
        "foundation", "trust",
    }
)  # fmt: skip
_SCHOOL_WORD = re.compile(r"[a-z0-9]+")
# A school's URN as GIAS gives it (six digits), or an Ofsted early years unique reference number,
# which the police may record for a nursery: six or seven digits (the DfE's early years census
# guidance, "Ofsted EY unique reference number"), or ``EY`` and six digits as Ofsted's reports
# write the older ones.
_SCHOOL_URN = re.compile(r"^(?:[0-9]{6,7}|EY[0-9]{6})$")


@lru_cache(maxsize=_CACHE)
def school_name(value: str | None) -> str | None:
    """A school's name as words without the filler both sides may or may not write:
    "St. Mary's C of E Primary School" and "ST MARYS PRIMARY" both give "st marys primary"."""
    if value is None:
        return None
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    words = _SCHOOL_WORD.findall(folded.lower().replace("'", "").replace("&", " and "))
    kept = [word for word in words if word not in _SCHOOL_FILLER]
    return " ".join(kept) or None


def school_urn(value: str | None) -> str | None:
    """A URN as stored: six digits (GIAS), or an Ofsted early years number of seven digits or
    ``EY`` and six digits (upper case, spaces dropped). ``None`` for an empty value; raises
    ValueError for anything else."""
    if value is None or not value.strip():
        return None
    cleaned = "".join(value.split()).upper()
    if not _SCHOOL_URN.match(cleaned):
        raise ValueError(
            "A school URN is six digits (GIAS); an Ofsted early years number is six or seven"
            " digits, or EY and six digits"
        )
    return cleaned
