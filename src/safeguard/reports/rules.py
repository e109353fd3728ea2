"""The report's pure rules: small-number suppression for the public version, and the narrative
workflow's steps. No Django, no I/O: exhaustively tested (tests/reports/test_rules.py).

Suppression. A count of people from 1 to ``threshold - 1`` could identify a child in a small
area, so the public version shows it as "fewer than 5" (primary suppression); 0 is shown, as it
identifies no one. A table whose last row (or column) is the total of the others would give a
lone suppressed count away by subtraction, so in every such line (a column summed by a total row,
a row summed by a total column) that holds exactly one suppressed cell, another is suppressed
too (secondary suppression): the smallest other non-zero count of the line, else a zero, else
the total.
Suppressing one cell can leave a crossing line with a lone suppressed cell, so the rule repeats
until no line has exactly one.

Percentages (and any rate) made from counts carry those counts, their numerator and
denominator (``fractions``). A percentage whose numerator or denominator is a small number is
withheld ("not shown: small numbers"): 50% of 4 children tells who as surely as the 2. It is
withheld too when a count withheld in its row or column equals its numerator or denominator (it
may well be made from that count, and with the other would give it back): this can hold back a
percentage that was safe, never show one that was not. Where a table's columns are shares of
one whole (``shares``: the percentages of each column add up to 100), that known 100 is a
total no one can withhold, so a column with one withheld share has its smallest other share
withheld too. Charts are drawn from what the table shows, so they hide what it hides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5

Position = tuple[int, int]
# The counts a percentage is made from: (numerator, denominator); either may be unknown.
Fraction = tuple[int | None, int | None]

# --- narrative workflow ------------------------------------------------------------------------

DRAFT, IN_REVIEW, REVIEWED, SIGNED_OFF = "draft", "in_review", "reviewed", "signed_off"


def may_edit(status: str) -> bool:
    """Only a draft's text changes: once with its owner, what they review is what is signed."""
    return status == DRAFT


def may_submit(status: str, body: str) -> bool:
    return status == DRAFT and bool(body.strip())


def may_review(status: str) -> bool:
    return status == IN_REVIEW


def may_sign(status: str) -> bool:
    return status == REVIEWED


def signed_by_all(signed: set[int], required: set[int]) -> bool:
    """Every statutory partner has signed (and there is at least one to sign)."""
    return bool(required) and required <= signed


def may_publish(statuses: Sequence[str]) -> bool:
    """A report is published only when every narrative section has been signed off."""
    return bool(statuses) and all(status == SIGNED_OFF for status in statuses)


# --- small numbers -----------------------------------------------------------------------------


def is_small(value: object, *, threshold: int) -> bool:
    """A count of 1 to ``threshold - 1`` (booleans are not counts)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold


def _count(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _number(value: object) -> float | None:
    """A count, a percentage or a rate (Decimal, float); not text, not a boolean."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def small_fraction(fraction: Fraction | None, *, threshold: int) -> bool:
    """A percentage made from a small numerator or denominator."""
    if fraction is None:
        return False
    numerator, denominator = fraction
    return is_small(numerator, threshold=threshold) or is_small(denominator, threshold=threshold)


@dataclass(frozen=True)
class Suppression:
    primary: frozenset[Position]
    secondary: frozenset[Position]

    @property
    def cells(self) -> frozenset[Position]:
        return self.primary | self.secondary


def _lines(
    values: Sequence[Sequence[object]], *, total_row: bool, total_column: bool
) -> list[tuple[list[Position], Position | None]]:
    """Each line that a total sums: its counted members and its total cell (a count)."""
    lines: list[tuple[list[Position], Position | None]] = []
    rows = len(values)
    columns = len(values[0]) if rows else 0
    if total_row and rows >= 2:
        last = rows - 1
        for c in range(columns):
            members = [(r, c) for r in range(last) if _count(values[r][c]) is not None]
            total = (last, c) if _count(values[last][c]) is not None else None
            if members and total:
                lines.append((members, total))
    if total_column and columns >= 2:
        last = columns - 1
        for r in range(rows):
            members = [(r, c) for c in range(last) if _count(values[r][c]) is not None]
            total = (r, last) if _count(values[r][last]) is not None else None
            if members and total:
                lines.append((members, total))
    return lines


def _preference(values: Sequence[Sequence[object]], cell: Position) -> tuple[bool, float, Position]:
    """The smallest non-zero count (or share) first (a withheld 0 protects little: zeros are
    often known to be zero), then the zeros."""
    value = _number(values[cell[0]][cell[1]]) or 0.0
    return (value == 0, value, cell)


def _share_lines(
    values: Sequence[Sequence[object]], *, total_row: bool, total_column: bool
) -> list[list[Position]]:
    """Each column of shares of one whole: its numeric members (not a total row or column)."""
    rows = len(values) - (1 if total_row and len(values) >= 2 else 0)
    columns = len(values[0]) if values else 0
    last = columns - 1 if total_column and columns >= 2 else columns
    lines = []
    for c in range(last):
        members = [(r, c) for r in range(rows) if _number(values[r][c]) is not None]
        if len(members) >= 2:
            lines.append(members)
    return lines


def suppress(
    values: Sequence[Sequence[object]],
    small: Sequence[Sequence[bool]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    total_row: bool = False,
    total_column: bool = False,
    fractions: Sequence[Sequence[Fraction | None]] | None = None,
    shares: bool = False,
) -> Suppression:
    """Which cells the public version withholds. ``small[r][c]`` marks a count of people (the
    module's ``Cell.small_number``); only those are suppressed for being small, any count may
    be suppressed to protect one. ``fractions[r][c]`` gives the counts a percentage is made
    from; ``shares`` says each column's figures are shares of one whole (add up to 100)."""
    made_of: dict[Position, Fraction] = {
        (r, c): fraction
        for r, row in enumerate(fractions or ())
        for c, fraction in enumerate(row)
        if fraction is not None
    }
    primary = {
        (r, c)
        for r, row in enumerate(values)
        for c, value in enumerate(row)
        if (small[r][c] and (r, c) not in made_of and is_small(value, threshold=threshold))
        or small_fraction(made_of.get((r, c)), threshold=threshold)
    }
    withheld = set(primary)
    lines = _lines(values, total_row=total_row, total_column=total_column)
    share_lines = _share_lines(values, total_row=total_row, total_column=total_column)
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            cells = members + ([total] if total else [])
            if sum(1 for cell in cells if cell in withheld) != 1:
                continue
            open_members = [cell for cell in members if cell not in withheld]
            if open_members:
                pick = min(open_members, key=lambda cell: _preference(values, cell))
            elif total is not None and total not in withheld:
                pick = total
            else:
                continue
            withheld.add(pick)
            changed = True
        for members in share_lines if shares else ():
            if sum(1 for cell in members if cell in withheld) != 1:
                continue
            open_members = [cell for cell in members if cell not in withheld]
            withheld.add(min(open_members, key=lambda cell: _preference(values, cell)))
            changed = True
        for at, (numerator, denominator) in made_of.items():
            if at in withheld:
                continue
            made_from = {n for n in (numerator, denominator) if n}
            if any(
                (r == at[0] or c == at[1])
                and (r, c) not in made_of
                and _count(values[r][c]) in made_from
                for r, c in withheld
            ):
                withheld.add(at)
                changed = True
    return Suppression(frozenset(primary), frozenset(withheld - primary))


def fewer_than(threshold: int) -> str:
    return f"fewer than {threshold}"


WITHHELD = "withheld"
NOT_SHOWN = "not shown: small numbers"
