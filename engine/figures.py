"""The one precision of every score a person reads: two decimals, reached by decimal
arithmetic and rounded half up, as someone checking by hand would (98.125 → 98.13, where
binary floating point and Python's round() give 98.12).

A principle's score is weight × points ÷ possible points, rounded once; a total is the sum
of the principle scores as shown, so the figures on a page always add up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")


def decimal(value: float | int | Decimal) -> Decimal:
    """A number as the decimal it is written as (0.1 is 0.1, not 0.1000000000000000055…)."""
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def rounded(value: float | int | Decimal) -> float:
    """Two decimals, half up."""
    return float(decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP))


def share(weight: float, part: float, whole: float) -> float:
    """weight × part ÷ whole, in decimal arithmetic, to two decimals half up; 0 when whole
    is 0."""
    if not whole:
        return 0.0
    return rounded(decimal(weight) * decimal(part) / decimal(whole))
