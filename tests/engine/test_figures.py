"""Two decimals, decimal arithmetic, half up: the figures a person checks by hand."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from probity.engine.figures import rounded, share


def test_half_up_where_floats_and_round_go_down() -> None:
    assert round(98.125, 2) == 98.12  # what binary floating point gives
    assert rounded(98.125) == 98.13
    assert rounded(2.675) == 2.68 and rounded(-1.005) == -1.01


def test_a_principle_share_is_rounded_once() -> None:
    assert share(25, 14, 16) == 21.88  # 21.875
    assert share(20, 10, 12) == 16.67  # 16.666…
    assert share(10, 0, 0) == 0.0


@given(st.integers(0, 10**7))
def test_rounding_a_number_of_three_decimals_agrees_with_decimal_half_up(thousandths: int) -> None:
    written = Decimal(thousandths) / 1000
    expected = float(written.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    assert rounded(float(written)) == expected


@given(st.integers(1, 100), st.integers(0, 20), st.integers(1, 20))
def test_a_share_never_exceeds_its_weight_and_has_two_decimals(
    w: int, part: int, whole: int
) -> None:
    part = min(part, whole)
    value = share(w, part, whole)
    assert 0 <= value <= w
    assert Decimal(repr(value)) == Decimal(repr(value)).quantize(Decimal("0.01"))
