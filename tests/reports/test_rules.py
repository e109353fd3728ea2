"""The report's pure rules: small-number suppression (primary and secondary) and the workflow."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.reports import rules

counts = st.integers(min_value=0, max_value=40)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[object]], list[list[bool]], bool, bool]:
    """A table of counts (some cells text), with a total row and/or column that really sum."""
    rows = draw(st.integers(min_value=1, max_value=6))
    columns = draw(st.integers(min_value=1, max_value=5))
    body: list[list[object]] = [[draw(counts) for _ in range(columns)] for _ in range(rows)]
    small = [[True] * columns for _ in range(rows)]
    total_row, total_column = draw(st.booleans()), draw(st.booleans())
    if total_column:
        for r, row in enumerate(body):
            row.append(sum(int(v) for v in row))  # type: ignore[call-overload]
            small[r].append(True)
    if total_row:
        width = len(body[0])
        body.append([sum(int(body[r][c]) for r in range(rows)) for c in range(width)])  # type: ignore[call-overload]
        small.append([True] * width)
    return body, small, total_row, total_column


def _lines(values: list[list[object]], total_row: bool, total_column: bool):
    rows, columns = len(values), len(values[0])
    if total_row and rows >= 2:
        for c in range(columns):
            yield [(r, c) for r in range(rows)]
    if total_column and columns >= 2:
        for r in range(rows):
            yield [(r, c) for c in range(columns)]


@settings(max_examples=300, deadline=None)
@given(tables(), st.integers(min_value=1, max_value=10))
def test_every_small_count_is_withheld(table, threshold) -> None:
    values, small, total_row, total_column = table
    found = rules.suppress(
        values, small, threshold=threshold, total_row=total_row, total_column=total_column
    )
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            if 0 < int(value) < threshold:  # type: ignore[call-overload]
                assert (r, c) in found.primary
            else:
                assert (r, c) not in found.primary


@settings(max_examples=300, deadline=None)
@given(tables(), st.integers(min_value=1, max_value=10))
def test_no_summed_line_gives_a_lone_withheld_count_away(table, threshold) -> None:
    """In every line a total sums (with at least two cells), the withheld cells are none or
    at least two: a single one could be worked out by subtraction."""
    values, small, total_row, total_column = table
    found = rules.suppress(
        values, small, threshold=threshold, total_row=total_row, total_column=total_column
    )
    for line in _lines(values, total_row, total_column):
        withheld = [cell for cell in line if cell in found.cells]
        assert len(withheld) != 1, (line, found)


@settings(max_examples=200, deadline=None)
@given(tables(), st.integers(min_value=1, max_value=10))
def test_without_small_counts_nothing_is_withheld(table, threshold) -> None:
    values, small, total_row, total_column = table
    big = [[int(v) + threshold for v in row] for row in values]  # type: ignore[call-overload]
    found = rules.suppress(
        big, small, threshold=threshold, total_row=total_row, total_column=total_column
    )
    assert found.cells == frozenset()


def test_a_count_not_marked_small_is_shown() -> None:
    found = rules.suppress([[3, 2]], [[False, True]], threshold=5)
    assert found.primary == {(0, 1)}


def test_zero_identifies_no_one() -> None:
    assert rules.suppress([[0]], [[True]], threshold=5).cells == frozenset()


def test_the_threshold_is_the_first_count_shown() -> None:
    found = rules.suppress([[4, 5]], [[True, True]], threshold=5)
    assert found.primary == {(0, 0)}


def test_a_total_row_protects_the_lone_small_count() -> None:
    # 3 withheld; the next smallest of its column (12) is withheld with it, the total stands.
    values = [[3], [12], [20], [35]]
    found = rules.suppress(values, [[True]] * 4, threshold=5, total_row=True)
    assert found.primary == {(0, 0)}
    assert found.secondary == {(1, 0)}


def test_with_only_the_total_left_the_total_is_withheld() -> None:
    found = rules.suppress([[2], [2]], [[True], [False]], threshold=5, total_row=True)
    assert found.primary == {(0, 0)}
    assert found.secondary == {(1, 0)}


def test_text_and_booleans_are_never_counts() -> None:
    found = rules.suppress([["Police", True, 2]], [[True, True, True]], threshold=5)
    assert found.primary == {(0, 2)}


def test_workflow_steps() -> None:
    assert rules.may_edit("draft") and not rules.may_edit("in_review")
    assert rules.may_submit("draft", "Some text") and not rules.may_submit("draft", "  ")
    assert rules.may_review("in_review") and not rules.may_review("draft")
    assert rules.may_sign("reviewed") and not rules.may_sign("in_review")
    assert rules.signed_by_all({1, 2, 3}, {1, 2, 3})
    assert not rules.signed_by_all({1, 2}, {1, 2, 3})
    assert not rules.signed_by_all(set(), set())
    assert rules.may_publish(["signed_off", "signed_off"])
    assert not rules.may_publish(["signed_off", "reviewed"])
    assert not rules.may_publish([])


# --- percentages --------------------------------------------------------------------------------


@st.composite
def percentage_tables(draw: st.DrawFn):
    """A count row (the denominators: children in each column), then rows of percentages of
    it, each carrying its numerator and denominator; ``shares`` when the rows split the whole."""
    columns = draw(st.integers(min_value=1, max_value=4))
    shares = draw(st.booleans())
    rows = draw(st.integers(min_value=1, max_value=4))
    denominators = [draw(counts) for _ in range(columns)]
    numerators: list[list[int]] = []
    for denominator in denominators:
        if shares:
            cuts = sorted(draw(st.integers(0, denominator)) for _ in range(rows - 1))
            parts = [b - a for a, b in zip([0, *cuts], [*cuts, denominator], strict=True)]
        else:
            parts = [draw(st.integers(0, denominator)) for _ in range(rows)]
        numerators.append(parts)
    values: list[list[object]] = [list(denominators)]
    small: list[list[bool]] = [[True] * columns]
    fractions: list[list[object]] = [[None] * columns]
    for r in range(rows):
        values.append(
            [
                round(Decimal(100 * numerators[c][r]) / denominators[c])
                if denominators[c]
                else None
                for c in range(columns)
            ]
        )
        small.append([True] * columns)
        fractions.append([(numerators[c][r], denominators[c]) for c in range(columns)])
    return values, small, fractions, shares


@settings(max_examples=300, deadline=None)
@given(percentage_tables(), st.integers(min_value=1, max_value=10))
def test_a_percentage_of_a_small_number_is_withheld(table, threshold) -> None:
    values, small, fractions, shares = table
    found = rules.suppress(values, small, threshold=threshold, fractions=fractions, shares=shares)
    for r, row in enumerate(fractions):
        for c, fraction in enumerate(row):
            if fraction is None:
                continue
            numerator, denominator = fraction
            if 0 < numerator < threshold or 0 < denominator < threshold:
                assert (r, c) in found.primary, (r, c, fraction)


@settings(max_examples=300, deadline=None)
@given(percentage_tables(), st.integers(min_value=1, max_value=10))
def test_a_percentage_made_from_a_withheld_count_is_withheld(table, threshold) -> None:
    """The denominators' row is withheld where small: no percentage of it may then show."""
    values, small, fractions, shares = table
    found = rules.suppress(values, small, threshold=threshold, fractions=fractions, shares=shares)
    for c, denominator in enumerate(values[0]):
        if (0, c) in found.cells and denominator:
            for r in range(1, len(values)):
                assert (r, c) in found.cells


@settings(max_examples=300, deadline=None)
@given(percentage_tables(), st.integers(min_value=1, max_value=10))
def test_no_column_of_shares_gives_a_lone_withheld_share_away(table, threshold) -> None:
    """Shares add up to 100: one withheld share among shown ones is 100 less the others."""
    values, small, fractions, shares = table
    if not shares:
        return
    found = rules.suppress(values, small, threshold=threshold, fractions=fractions, shares=True)
    for c in range(len(values[0])):
        members = [(r, c) for r in range(1, len(values)) if values[r][c] is not None]
        if len(members) >= 2:
            assert sum(1 for cell in members if cell in found.cells) != 1


@settings(max_examples=200, deadline=None)
@given(percentage_tables(), st.integers(min_value=1, max_value=10))
def test_percentages_of_large_numbers_are_shown(table, threshold) -> None:
    values, small, fractions, shares = table
    if any(
        0 < n < threshold or 0 < d < threshold
        for row in fractions
        for fraction in row
        if fraction is not None
        for n, d in [fraction]
    ):
        return
    found = rules.suppress(values, small, threshold=threshold, fractions=fractions, shares=shares)
    assert found.cells == frozenset()


def test_a_percentage_of_four_children_is_not_shown() -> None:
    found = rules.suppress(
        [[Decimal(50)], [Decimal(97)]],
        [[False], [False]],
        threshold=5,
        fractions=[[(2, 4)], [(97, 100)]],
    )
    assert found.primary == {(0, 0)} and found.secondary == frozenset()


def test_the_other_shares_protect_a_withheld_one() -> None:
    # 3 of 100 children is 3%: withheld; 100 - 60 - 37 would give it back: 37 withheld too.
    found = rules.suppress(
        [[Decimal(3)], [Decimal(37)], [Decimal(60)]],
        [[False]] * 3,
        threshold=5,
        fractions=[[(3, 100)], [(37, 100)], [(60, 100)]],
        shares=True,
    )
    assert found.primary == {(0, 0)} and found.secondary == {(1, 0)}


def test_a_percentage_of_a_count_withheld_to_protect_another_is_withheld() -> None:
    # Girls 2 (withheld, small), boys 8 (withheld: 10 - 8 = 2): 80% of 10 would give the 8 back.
    found = rules.suppress(
        [[2, Decimal(20)], [8, Decimal(80)], [10, Decimal(100)]],
        [[True, False], [True, False], [True, False]],
        threshold=5,
        total_row=True,
        fractions=[[None, (2, 10)], [None, (8, 10)], [None, (10, 10)]],
    )
    assert found.primary == {(0, 0), (0, 1)}
    assert found.secondary == {(1, 0), (1, 1)}
