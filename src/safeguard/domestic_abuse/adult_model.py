"""The Splink model that deduplicates the adults of domestic abuse incidents. Pure of Django.

Adults are not children on a school roll (ADR 0021, replacing the children's model that ADR
0015 borrowed): every record is compared with every other (a dedupe, not a link to a roll);
most carry a date of birth, often an address shared with the other party, and a victim's
surname may change when she leaves. So the adults have their own comparisons, blocking rules
and trained parameters, on the columns the children module's ``records_table`` already
normalises (names in capitals and accents folded, nicknames resolved, postcodes parsed):

- **forename**: exact; swapped with the surname; nickname ("Jo" for Joanne); close
  (Jaro-Winkler 0.92 or one edit, a typo or two letters transposed); similar (0.85); else;
- **surname**: exact; swapped; a part of a double-barrelled name; close; similar; else;
- **date of birth**: exact; day and month swapped; one of day, month, year wrong; a generation
  (12 years or more) apart; else;
- **postcode**: exact; same sector; same district; else;
- **gender**: exact; else.

Missing on either side is no evidence (the null level). No term frequencies: a city's adults
give every name enough records, and the date of birth carries most of the weight.

Blocking: a pair is scored only if it shares the date of birth (or the day and month swapped),
both names (nickname resolved), both names swapped, or the postcode and the forename's initial.
Every single error of ``bench/synthetic_adults.py`` keeps one of these keys, and so does a
missing date of birth with a misspelt name at the same address. Unlike the children's rules
(surname with initial, surname with year of birth), none of them groups a common surname, so
the model scores a city's three years in seconds of CPU (ADR 0021).

The m and u probabilities (``PARAMETERS``) were trained by ``bench/estimate_adult_model.py``
on synthetic adults the benchmark never measures (another seed): u by random sampling of pairs,
m by expectation maximisation (Splink), no labels; rounded, with floors (m at least 0.001, u at
least 1e-7) so no single level vetoes or proves a match on its own.
"""

from __future__ import annotations

from typing import Any

_JW = "jaro_winkler_similarity"
_DL = "damerau_levenshtein"
_SWAPPED = "forename_l = surname_r AND surname_l = forename_r"

LEVELS: dict[str, list[tuple[str, str]]] = {
    "forename": [
        ("null", "forename_l IS NULL OR forename_r IS NULL"),
        ("exact", "forename_l = forename_r"),
        ("swapped", _SWAPPED),
        ("nickname", "forename_canonical_l = forename_canonical_r"),
        ("close", f"{_JW}(forename_l, forename_r) >= 0.92 OR {_DL}(forename_l, forename_r) <= 1"),
        ("similar", f"{_JW}(forename_l, forename_r) >= 0.85"),
        ("else", "ELSE"),
    ],
    "surname": [
        ("null", "surname_l IS NULL OR surname_r IS NULL"),
        ("exact", "surname_l = surname_r"),
        ("swapped", _SWAPPED),
        ("part", "list_has_any(surname_parts_l, surname_parts_r)"),
        ("close", f"{_JW}(surname_l, surname_r) >= 0.92 OR {_DL}(surname_l, surname_r) <= 1"),
        ("similar", f"{_JW}(surname_l, surname_r) >= 0.85"),
        ("else", "ELSE"),
    ],
    "dob": [
        ("null", "dob_l IS NULL OR dob_r IS NULL"),
        ("exact", "dob_l = dob_r"),
        (
            "day_month_swapped",
            "dob_year_l = dob_year_r AND dob_day_l = dob_month_r AND dob_month_l = dob_day_r",
        ),
        (
            "one_part_differs",
            "(CASE WHEN dob_year_l = dob_year_r THEN 1 ELSE 0 END"
            " + CASE WHEN dob_month_l = dob_month_r THEN 1 ELSE 0 END"
            " + CASE WHEN dob_day_l = dob_day_r THEN 1 ELSE 0 END) = 2",
        ),
        # A generation apart: the father and son (or mother and daughter) who share a name and
        # an address. Without it the name and address, which a family shares, outweigh the
        # date of birth (independence does not hold within a household).
        ("generation_apart", "abs(dob_year_l - dob_year_r) >= 12"),
        ("else", "ELSE"),
    ],
    "postcode": [
        ("null", "postcode_l IS NULL OR postcode_r IS NULL"),
        ("exact", "postcode_l = postcode_r"),
        ("sector", "postcode_sector_l = postcode_sector_r"),
        ("district", "postcode_district_l = postcode_district_r"),
        ("else", "ELSE"),
    ],
    "gender": [
        ("null", "gender_l IS NULL OR gender_r IS NULL"),
        ("exact", "gender_l = gender_r"),
        ("else", "ELSE"),
    ],
}

BLOCKING_RULES: list[str] = [
    "l.dob = r.dob",
    "l.dob_year = r.dob_year AND l.dob_month = r.dob_day AND l.dob_day = r.dob_month",
    "l.forename_canonical = r.forename_canonical AND l.surname = r.surname",
    "l.forename = r.surname AND l.surname = r.forename",
    "l.postcode = r.postcode AND l.forename_initial = r.forename_initial",
]

# The prior that two records are one person: about one in 50,000 pairs (a city's incidents over
# three years hold 90,000 adult records, a victim on average in under two of them). A short list
# is judged as a city's would be (the prior is not raised for a test's few records).
PRIOR = 1 / 50_000

# A pair's match probability at or above this joins the two records. High: a wrong join merges
# two women's histories (and can put one on the board for the other's incidents), while a
# missed join leaves a repeat to the rules and to a person's confirmation.
THRESHOLD = 0.99

# Names swapped is one event that both name comparisons see (the condition is the same): its
# evidence is counted once, in the forename, and the surname's level carries none (m = u).
# Counted twice it outweighed both names agreeing, and joined "Grace Jones" born 1967 with
# "Jones Grace" born 1978 (the benchmark's precision for swapped names fell to 0.93).
COUNTED_ONCE: frozenset[tuple[str, str]] = frozenset({("surname", "swapped")})

# comparison -> level -> (m, u), from ``bench/estimate_adult_model.py`` (see the docstring).
PARAMETERS: dict[str, dict[str, tuple[float, float]]] = {
    # 15,000 incidents (30,000 adult records), seed 2024: ``SAFEGUARD_TRAIN_DA_INCIDENTS=15000
    # python -m bench.estimate_adult_model``. "part" and "sector" were never reached (their m
    # is the floor); the swapped level is one condition in both name comparisons.
    "forename": {
        "exact": (0.8369, 0.00417),
        "swapped": (0.0529, 3.65e-06),
        "nickname": (0.0209, 0.000733),
        "close": (0.0784, 0.00202),
        "similar": (0.001, 0.00252),
        "else": (0.0099, 0.991),
    },
    "surname": {
        "exact": (0.7197, 0.00129),
        "swapped": (0.0529, 3.65e-06),
        "part": (0.001, 0.0001),
        "close": (0.1785, 0.000643),
        "similar": (0.0036, 0.00258),
        "else": (0.0453, 0.995),
    },
    "dob": {
        "exact": (0.9049, 0.000121),
        "day_month_swapped": (0.0165, 2.26e-05),
        "one_part_differs": (0.0702, 0.00471),
        "generation_apart": (0.001, 0.63),
        "else": (0.0084, 0.365),
    },
    "postcode": {
        "exact": (0.8549, 0.00013),
        "sector": (0.001, 0.000935),
        "district": (0.0016, 0.00913),
        "else": (0.1432, 0.99),
    },
    "gender": {
        "exact": (1.0, 0.499),
        "else": (0.001, 0.501),
    },
}


def splink_settings(
    parameters: dict[str, dict[str, tuple[float, float]]] | None = None,
) -> dict[str, Any]:
    """The Splink settings of the adults' dedupe, every m and u fixed (``PARAMETERS`` unless
    others are given: the training script starts from these)."""
    parameters = PARAMETERS if parameters is None else parameters
    comparisons = []
    for comparison, levels in LEVELS.items():
        entries = []
        for level, sql in levels:
            entry: dict[str, Any] = {"sql_condition": sql, "label_for_charts": level}
            if level == "null":
                entry["is_null_level"] = True
            else:
                m, u = parameters[comparison][level]
                if (comparison, level) in COUNTED_ONCE:
                    m = u
                entry["m_probability"] = m
                entry["u_probability"] = u
            entries.append(entry)
        comparisons.append({"output_column_name": comparison, "comparison_levels": entries})
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": PRIOR,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule} for rule in BLOCKING_RULES
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }
