from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from probity.engine.evaluation.submission import TEXT_LIMIT
from probity.engine.when.patterns import fullmatcher, problem


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(a*b*)*", "may not itself contain a repetition"),
        ("(x(y+))?", "may not itself contain a repetition"),
        ("[a-z]{1,9}" * 5, "at most 4 counted repetitions"),
        # durable_rules refused this one ("error code: 503"); hypothesis found it accepted here
        (".{2,45}[a-z]{2,45}", "allow too many lengths together"),
        (".{0,51}", "each at most 50"),
        ("a{2,}", "upper bound"),
        ("^Ltd", "not supported"),
        ("\\d+", "not supported"),
        ("a" * 201, "longer than 200"),
        ("(ab", "not valid"),
    ],
)
def test_unsafe_or_unsupported_patterns_are_refused(pattern: str, reason: str) -> None:
    found = problem(pattern)
    assert found is not None and reason in found


@pytest.mark.parametrize(
    "pattern", [".*[Ll]td.*", "[A-Z]{2}[0-9]{6}", "(ab|cd)*x?", "\\*+", "[*]*"]
)
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert problem(pattern) is None


_PIECES = [
    "a",
    "b",
    ".",
    "[a-z]",
    "[0-9]",
    "(ab|c)",
    "(a|b)",
    "x",
    "*",
    "+",
    "?",
    "{1,9}",
    "{2,50}",
    "(",
    ")",
    "|",
    "\\.",
    "[^a]",
]


def test_every_accepted_pattern_compiles_in_re2() -> None:
    rng = random.Random(11)
    accepted: list[str] = []
    while len(accepted) < 500:
        pattern = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 24)))
        if problem(pattern) is None:
            accepted.append(pattern)
    for pattern in accepted:
        matches = fullmatcher(pattern)
        assert matches("ab") == (re.fullmatch(pattern, "ab", re.DOTALL) is not None), pattern


@pytest.mark.parametrize(
    "pattern",
    ["[Ā-ᄀ]", "[一-龥]", "[Ā-ࠀ]|[ࠁ-ᄀ]", "[Ā-ჾ]|x", "[Ā-ჿ]*x"],  # each killed durable_rules
)
def test_patterns_naming_too_many_characters_are_refused(pattern: str) -> None:
    """Issue 19, item 1: these segfaulted `probity check` and the server."""
    assert "more than 2,048" in (problem(pattern) or "")


def test_the_widest_accepted_patterns_match() -> None:
    wide = "[" + chr(0x100) + "-" + chr(0x100 + 1023) + "]|[" + chr(0x500) + "-" + chr(0x8FF) + "]"
    assert problem(wide) is None and problem(wide + "x") is not None
    matches = fullmatcher(wide)
    assert matches(chr(0x500)) and not matches("x")


# -- one dialect: what RE2 matches is what the reference (Python's re) matches ------------
_DIALECT_PIECES = [
    *_PIECES,
    ".*",
    "ab",
    "[ab]",
    "[ab]{2}",
    "{,2}",
    "{,2}",
    "{2}",
    '"',
    "\\\\",
    "\t",
    "\n",
    "\t",
    "%",
    "[%\\]-]",
    "[ -~]",
    "[\x00-\x1f]",
    "é",
    "[à-ÿ]",
    "\\(",
    "\\{",
    "-",
    "]",
    "}",
    '["\\\\]',
]
_TEXT_CHARS = 'abxz05.é"\\\t\n\x00\x1f%]-(){} ~'


@st.composite
def _pattern_and_texts(draw: st.DrawFn) -> tuple[str, list[str]]:
    pieces = draw(st.lists(st.sampled_from(_DIALECT_PIECES), min_size=1, max_size=10))
    pattern = "".join(pieces)
    assume(problem(pattern) is None)
    matching = st.from_regex(re.compile(pattern, re.DOTALL), fullmatch=True)
    texts = draw(st.lists(matching, max_size=6)) + draw(
        st.lists(st.text(_TEXT_CHARS, max_size=8), min_size=1, max_size=12)
    )
    return pattern, texts


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(_pattern_and_texts())
def test_patterns_match_what_the_reference_matches(case: tuple[str, list[str]]) -> None:
    """Issue 19, item 3, and issue 30: durable_rules' regex engine disagreed with Python's re
    (".*ab." on "aba"); RE2 is held to the reference on every generated pattern and text."""
    pattern, texts = case
    matches = fullmatcher(pattern)
    for text in texts:
        expected = re.fullmatch(pattern, text, re.DOTALL) is not None
        assert matches(text) == expected, (pattern, text)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("Acme \\(UK\\) Ltd", "Acme (UK) Ltd"),
        ("a.b", 'a"b'),
        ("a.b", "a\\b"),
        ("a.b", "a\tb"),
        ("a.b", "a\nb"),
        ("50%", "50%"),
        ('["]+', '""'),
        (".*ab.", "aba"),  # issue 30: durable_rules said no to these two
        (".*[ab]{2}..", "aaxb"),
        ("a{,2}b", "aab"),  # {,m} is "0 to m", which RE2 writes {0,m}
        ("x\\{,", "x{,"),  # an escaped { stays plain
    ],
)
def test_the_reviews_mismatches_now_match(pattern: str, text: str) -> None:
    assert problem(pattern) is None
    matches = fullmatcher(pattern)
    assert matches(text) and not matches(text + "x")


def test_escaped_groups_are_plain_characters_not_a_nested_repetition() -> None:
    """\\(a+\\)+ passed the nested-repetition guard and reached durable_rules as a group."""
    plain = fullmatcher("\\(a+\\)+")
    assert plain("(aa))") and not plain("(a)(a)")
    assert problem("(a+)+") is not None and problem("(a+){,5}") is not None


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("\\x41", "only before a punctuation character"),
        ("caf\\u00e9", "only before a punctuation character"),
        ("a{b", "write { and } as"),
        ("a{}", "write { and } as"),
        ("a\ufffe", "reserves for internal use"),
    ],
)
def test_outside_the_dialect_is_refused_in_words(pattern: str, reason: str) -> None:
    assert reason in (problem(pattern) or "")


def test_the_longest_text_an_answer_may_be_is_matched_whole() -> None:
    longest = "\U0001f600" * (TEXT_LIMIT - 1)  # four bytes each
    matches = fullmatcher(".*x")
    assert matches(longest + "x") and not matches(longest + "y")
