"""What a value may be, given its unit, and how it reads: pure, no Django."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

COUNT, PERCENTAGE, RATE = "count", "percentage", "rate_per_10000"
RATE_WOMEN = "rate_per_10000_women"  # SafeLives's MARAC volume: per 10,000 women aged 16+
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def value_problem(value: Decimal, unit: str) -> str | None:
    """Why ``value`` cannot be a value of this unit, or None if it can."""
    if not value.is_finite():
        return "Value must be a number"
    if value < 0:
        return "Value cannot be negative"
    if unit == PERCENTAGE and value > 100:
        return "A percentage cannot be more than 100"
    if unit == COUNT and value != value.to_integral_value():
        return "A count must be a whole number"
    if unit == RATE and value > 10000:
        return "A rate per 10,000 cannot be more than 10,000"
    if unit == RATE_WOMEN and value > 10000:
        return "A rate per 10,000 cannot be more than 10,000"
    if value >= Decimal("1e10"):
        return "Value is too large"
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        return "Value can have at most 4 decimal places"
    return None


def parse_value(text: str, unit: str) -> tuple[Decimal | None, str | None]:
    """Read a value as written (a ``%`` sign or thousands commas allowed); (value, problem)."""
    cleaned = text.strip().replace(",", "")
    if unit == PERCENTAGE and cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    if not cleaned:
        return None, "Enter a value"
    if not _PLAIN.fullmatch(cleaned):  # no exponent (1e3), NaN or infinity: plain decimals only
        return None, "Value must be a number, like 42 or 87.5"
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, "Value must be a number, like 42 or 87.5"
    problem = value_problem(value, unit)
    return (None, problem) if problem else (value, None)


def display(value: Decimal | float | None, unit: str) -> str:
    if value is None:
        return "No value"
    number = Decimal(str(value))
    if unit == COUNT:
        return f"{number:,.0f}"
    text = f"{number:,.1f}"
    return f"{text}%" if unit == PERCENTAGE else text


def plain(value: float) -> str:
    """A limit or mean: two decimal places, so close limits stay distinguishable."""
    return f"{value:,.2f}"


def as_text(value: Decimal) -> str:
    """A value as plain digits for the audit trail: 80, not 8E+1 or 80.0000."""
    return format(value.normalize(), "f")


def clip(limit: float, unit: str) -> float:
    """A process limit as shown: a percentage's limits stay within 0 to 100 (a limit past them
    is a statistical artefact, not a value the indicator could take)."""
    if unit == PERCENTAGE:
        return min(max(limit, 0.0), 100.0)
    return limit
