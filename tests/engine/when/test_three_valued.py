"""when.three_valued.part_holds: which part of a compound condition a submission fell short
on, in Kleene's three-valued logic."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from probity.engine.when.expression import parse
from probity.engine.when.three_valued import part_holds, truth

REVIEWED = parse("register and months <= 12")


def test_the_part_that_failed_is_told_apart_from_the_part_that_held() -> None:
    no_register = {"register": False}
    assert part_holds(REVIEWED, "register", no_register) is False
    assert part_holds(REVIEWED, "months", no_register) is None  # not given: unknown
    stale = {"register": True, "months": 30}
    assert part_holds(REVIEWED, "register", stale) is True
    assert part_holds(REVIEWED, "months", stale) is False


def test_a_field_the_condition_does_not_read_has_no_part() -> None:
    assert part_holds(REVIEWED, "elsewhere", {"register": True}) is None


def test_ors_and_nots_keep_their_meaning_for_the_part() -> None:
    either = parse("not (a or b > 3)")
    assert part_holds(either, "a", {"a": True, "b": 1}) is False  # not (a) fails
    assert part_holds(either, "b", {"a": True, "b": 1}) is True  # not (b > 3) holds


@given(
    a=st.booleans() | st.none(),
    b=st.integers(-5, 5) | st.none(),
    text=st.sampled_from(["a and b > 0", "a or b > 0", "not (a and b > 0)", "a"]),
)
def test_a_condition_that_holds_has_no_part_that_fails(a: Any, b: Any, text: str) -> None:
    """When every answer is given and the whole condition holds, no part of an and-only
    condition fails; when the whole condition of a single field fails, so does its part."""
    node = parse(text)
    values = {k: v for k, v in (("a", a), ("b", b)) if v is not None}
    whole = truth(node, values)
    if text == "a and b > 0" and whole is True:
        assert part_holds(node, "a", values) is True and part_holds(node, "b", values) is True
    if text == "a and b > 0" and whole is False:
        parts = [part_holds(node, f, values) for f in ("a", "b")]
        assert False in parts  # an and that fails has a part that fails
    if text == "a":
        assert part_holds(node, "a", values) == whole
