from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from probity.engine.compiler.conditions import FactLayout, compile_condition
from probity.engine.evaluation.facts import FactBuilder
from probity.engine.evaluation.matcher import Matcher
from probity.engine.when.expression import ExpressionError, Node, parse, render
from probity.engine.when.typecheck import FieldType, check
from tests.engine.reference import holds

FIELDS = {
    "a": FieldType("integer"),
    "b": FieldType("number"),
    "ok": FieldType("boolean"),
    "kind": FieldType("string", ("gold", "silver", "none")),
    "name": FieldType("string"),
    "tags": FieldType("list", ("x", "y", "z")),
}


def test_precedence_and_associativity() -> None:
    assert render(parse("a + b * 2 > 5 or ok and not kind == 'gold'")) == (
        '((a + (b * 2)) > 5 or (ok and not (kind == "gold")))'
    )
    assert render(parse("a - 1 - 2 >= 0")) == "((a - 1) - 2) >= 0"


@pytest.mark.parametrize(
    ("text", "message", "col"),
    [
        ("a >", "ends too early", 4),
        ("a == = 3", "unexpected", 6),
        ("a & b", "unexpected character '&'", 3),
        ("(a > 1", "ends too early", 7),
        ("", "empty", 1),
    ],
)
def test_syntax_errors_have_a_position(text: str, message: str, col: int) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert message in caught.value.message
    assert caught.value.pos.col == col


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ok == 'yes'", "cannot compare a yes/no value with a text"),
        ("kind == 'gld'", "did you mean 'gold'"),
        ("a", "not a yes/no condition"),
        ("nme matches 'x.*'", "unknown field 'nme'; did you mean 'name'"),
        ("name > 3", "needs numbers"),
        ("tags contains 'q'", "not an allowed value"),
        ("a / b > 1", "divide only by a fixed number"),
        ("1 < 2", "one side must read a field"),
        ("not (name matches 'x')", "'not' cannot be used with 'matches'"),
        ("name matches '^x'", "not supported"),
    ],
)
def test_type_errors_are_explained(text: str, message: str) -> None:
    errors = check(parse(text), FIELDS)
    assert any(message in e.message for e in errors), [e.message for e in errors]


def test_every_type_error_is_reported_at_once() -> None:
    errors = check(parse("nope == 1 and kind == 'gld' and name > 1"), FIELDS)
    assert len(errors) == 3


def test_deep_nesting_is_refused_not_crashing() -> None:
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("not " * 300 + "ok")
    assert render(parse("(" * 200 + "a > 1" + ")" * 200)) == "a > 1"


@given(st.text(max_size=80))
def test_random_text_parses_or_fails_with_a_position(text: str) -> None:
    try:
        node = parse(text)
    except ExpressionError as exc:
        assert exc.pos.line >= 1 and exc.pos.col >= 1
        assert exc.message
    else:
        check(node, FIELDS)  # type checking never crashes either


_TOKENS = st.sampled_from(
    [
        "a",
        "b",
        "ok",
        "kind",
        "tags",
        "(",
        ")",
        "and",
        "or",
        "not",
        "==",
        "<",
        ">=",
        "+",
        "*",
        "1",
        "2.5",
        "'gold'",
        "in",
        "[",
        "]",
        ",",
        "contains",
        "'x'",
        "exists",
        "missing",
        "-",
    ]
)


@given(st.lists(_TOKENS, max_size=12))
def test_random_token_soup_never_crashes(tokens: list[str]) -> None:
    try:
        node = parse(" ".join(tokens))
    except ExpressionError:
        return
    check(node, FIELDS)


# -- compiled conditions agree with a plain reading of the language ------------------------
_ATOMS = [
    "a > 2",
    "a <= 2",
    "a == 3",
    "a != 3",
    "b >= 1.5",
    "b < 0",
    "a + b > 4",
    "a - b <= 1",
    "a * 2 >= 5",
    "b / 2 < 1",
    "-a > -3",
    "2 < a",
    "ok",
    "not ok",
    "ok == false",
    "kind == 'gold'",
    "kind != 'none'",
    "kind in ['gold', 'silver']",
    "a not in [1, 2]",
    "tags contains 'x'",
    "not (tags contains 'y')",
    "a exists",
    "b missing",
    "name matches 'ab.*'",
    "name matches 'a.b'",  # one character, whatever JSON makes of it
    "name matches '[a-c\"]+'",
    "a + 1 > b",
    "a == b",
]


@st.composite
def conditions(draw: Any, depth: int = 2) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(_ATOMS))
    op = draw(st.sampled_from(["and", "or"]))
    left, right = draw(conditions(depth - 1)), draw(conditions(depth - 1))
    text = f"({left}) {op} ({right})"
    return f"not ({text})" if draw(st.booleans()) else text


answers_strategy = st.fixed_dictionaries(
    {},
    optional={
        "a": st.integers(-5, 5),
        "b": st.sampled_from([-1.0, 0.0, 1.5, 2.0, 3.25]),
        "ok": st.booleans(),
        "kind": st.sampled_from(["gold", "silver", "none"]),
        "name": st.sampled_from(["ab", "abc", "xab", "", 'a"b', "a\\b", "a\tb", "a\nb"]),
        "tags": st.lists(st.sampled_from(["x", "y", "z"]), unique=True),
    },
)
_names = itertools.count()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conditions(), st.lists(answers_strategy, min_size=1, max_size=8))
def test_durable_rules_agrees_with_the_reference(text: str, batch: list[dict[str, Any]]) -> None:
    node: Node = parse(text)
    errors = check(node, FIELDS)
    # The only atoms the checker may refuse: a pattern under `not`, which it must explain.
    assert all("'not' cannot be used with 'matches'" in e.message for e in errors)
    assume(not errors)
    layout = FactLayout.for_inputs(FIELDS)
    definition = {
        "r": {"all": [{"m": compile_condition(node, layout)}], "cap": 1024},
        "seen": {"all": [{"m": {"$ex": {"i": 1}}}], "cap": 1024},
    }
    matcher = Matcher(f"prop{next(_names)}", [definition])
    facts = FactBuilder(layout, ())  # the engine's own facts: a text as patterns read it too
    fired = matcher.match([[facts.fact(answers) for answers in batch]])
    for answers, rules in zip(batch, fired, strict=True):
        assert ("r" in rules) == holds(node, answers), (text, answers)
