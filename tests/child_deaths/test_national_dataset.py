"""Issue 14 f: the dataset export checked against the National Child Mortality Database's
published material (docs/child-deaths.md, "Checked against the national sources")."""

from __future__ import annotations

from safeguard.child_deaths import rules
from safeguard.child_deaths.selectors.dataset import COLUMNS


def test_the_categories_are_numbered_as_the_ncmd_numbers_them():
    # NCMD's clarification on recording the category of death names "Category 5, Acute medical
    # or surgical condition" (ncmd.info, information for professionals).
    assert rules.CATEGORY_RANK["acute_medical_surgical"] == 5
    assert rules.CATEGORY_LABELS["acute_medical_surgical"] == "Acute medical or surgical condition"
    assert sorted(rules.CATEGORY_RANK.values()) == list(range(1, 11))
    # The hierarchy: the highest (lowest number) that applies is recorded.
    assert rules.category_of({"infection", "acute_medical_surgical"}) == "acute_medical_surgical"


def test_the_export_gives_the_category_number_beside_its_words():
    at = COLUMNS.index("category")
    assert COLUMNS[at + 1] == "category_number"


def test_the_supplementary_forms_include_the_three_the_ncmd_names():
    # NCMD's April 2021 form changes name the supplementary reporting forms for asthma and
    # anaphylaxis, drowning, and sudden unexpected deaths.
    labels = {label.lower() for label, _ in rules.SUPPLEMENTARY_FORMS.values()}
    assert "asthma or anaphylaxis" in labels
    assert any("drowning" in label for label in labels)
    assert any(label.startswith("sudden unexpected death") for label in labels)
