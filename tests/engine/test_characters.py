"""engine.characters: what an identifier, a name or a note may not hold."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from probity.engine.characters import problem
from probity.engine.when.patterns import NONCHARACTERS

_DIRECTION = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def _refused(char: str, lines: bool) -> bool:
    if lines and char in "\n\t":
        return False
    return (
        unicodedata.category(char) == "Cc"
        or ord(char) in _DIRECTION
        or NONCHARACTERS.fullmatch(char) is not None
    )


@given(st.text(), st.booleans())
def test_a_text_is_refused_exactly_when_it_holds_a_refused_character(
    text: str, lines: bool
) -> None:
    reason = problem(text, lines)
    assert (reason is not None) == any(_refused(c, lines) for c in text)
    if reason is not None:
        assert reason.startswith("holds ") and "U+" in reason


def test_each_kind_is_named_in_words() -> None:
    assert problem("a\x00b") == "holds a control character (U+0000); remove it"
    assert "changes the direction of the text" in (problem("exe\u202etxt") or "")
    assert problem("one\ntwo") is not None and problem("one\ntwo", lines=True) is None
    assert problem("Acme Ltd — Société") is None
