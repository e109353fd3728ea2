"""Retention arithmetic: pure date rules, no Django; tested at every edge (29 February too).

A record expires on an anniversary of its anchor date (a child's birth, a session's end). A
person born on 29 February reaches an age on 1 March in a year without one, as the law in
England reads an age; records follow the same rule.
"""

from __future__ import annotations

from datetime import date


def anniversary(anchor: date, years: int) -> date:
    """``anchor`` moved ``years`` on; 29 February becomes 1 March in a common year."""
    if years < 0:
        raise ValueError("years must not be negative")
    try:
        return anchor.replace(year=anchor.year + years)
    except ValueError:  # 29 February into a common year
        return date(anchor.year + years, 3, 1)


def has_expired(anchor: date, years: int, today: date) -> bool:
    """True once the ``years``-th anniversary of ``anchor`` has come (on the day itself too)."""
    return anniversary(anchor, years) <= today


def latest_expired_anchor(today: date, years: int) -> date:
    """The latest anchor date whose ``years``-th anniversary has come by ``today``.

    A database query asks ``anchor <= latest_expired_anchor(today, years)``, which holds exactly
    when ``has_expired(anchor, years, today)`` does.
    """
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # today is 29 February and that year had none
        return date(today.year - years, 2, 28)
