"""A rule file is untrusted input: what cannot be built safely is refused at its line, fast,
before anything is built (issue 19, items 2 and 6)."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from probity.engine.compiler.pipeline import compile_text
from probity.engine.compiler.yamlsource import YamlSyntaxError, load
from probity.engine.errors import Code, RuleFileError
from tests.conftest import FIXTURES, RULES

MINI = (FIXTURES / "mini.yaml").read_text()
TITLE = "title: Minimal rule set for engine tests"


def _bomb(levels: int = 9) -> str:
    """The 'billion laughs': each anchor nine aliases of the one before."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, levels + 1):
        name, before = chr(97 + n), chr(96 + n)
        lines.append(f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]")
    return "\n".join(lines) + "\n"


def _refused(text: str) -> tuple[int, int, str]:
    started = time.perf_counter()
    with pytest.raises(RuleFileError) as caught:
        compile_text(text, "x.yaml")
    assert time.perf_counter() - started < 5  # refused before anything is expanded
    (problem,) = caught.value.diagnostics
    assert problem.code is Code.YAML_SYNTAX
    return problem.line, problem.col, problem.message


def test_an_alias_bomb_is_refused_at_the_alias_that_overflows() -> None:
    line, _, message = _refused(_bomb())
    assert line == 6 and "expand the file to more than 200,000 values" in message


def test_a_few_aliases_still_work() -> None:
    compiled = compile_text((FIXTURES / "patterns-monitoring.yaml").read_text(), "p.yaml")
    assert len(compiled.monitoring.checks) == 8  # type: ignore[union-attr]  # *src, 8 times


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        ((TITLE, "title: a\x07"), (3, 9), "U+0007"),
        ((TITLE, "title: !!python/object/apply:os.system ['echo hi']"), (3, 8), "tags"),
        (("version: 1.0.0", "version: 1.0.0\nmade: 2026-13-45"), (3, 7), "not a date"),
        (("weight: 60", "weight: " + "9" * 5000), (None, 13), "40 or more digits"),
        ((TITLE, "title: " + "x" * 30_000), (3, 8), "over 20,000 characters"),
    ],
)
def test_unbuildable_values_are_refused_at_their_place(
    change: tuple[str, str], where: tuple[int | None, int], says: str
) -> None:
    line, col, message = _refused(MINI.replace(*change, 1))
    assert says in message
    assert (where[0] or line, where[1]) == (line, col)


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    line, _, message = _refused("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert line == 1 and "nested more than 40 deep" in message


def test_an_oversized_file_is_refused() -> None:
    _, _, message = _refused("# " + "x" * 2_100_000 + "\n" + MINI)
    assert "over 2 MB" in message


def test_a_huge_number_in_a_condition_is_refused_at_it() -> None:
    text = MINI.replace(
        "staff.ethics_training_pct >= 90", "staff.ethics_training_pct >= " + "9" * 100
    )
    with pytest.raises(RuleFileError) as caught:
        compile_text(text, "x.yaml")
    (problem,) = caught.value.diagnostics
    assert problem.code is Code.EXPRESSION_SYNTAX
    assert problem.message == "numbers in conditions have at most 15 digits"


# -- read as ruamel.yaml reads it, at libyaml's speed ---------------------------------------
def _reference(text: str) -> Any:
    """ruamel.yaml's own reading (YAML 1.2), dates kept as their text, keys as text."""

    def plain(node: Any) -> Any:
        if isinstance(node, dict):
            return {str(k): plain(v) for k, v in node.items()}
        if isinstance(node, list):
            return [plain(v) for v in node]
        if isinstance(node, datetime):
            raise AssertionError("no rule file holds a time of day")
        return node.isoformat() if isinstance(node, date) else node

    return plain(YAML(typ="safe", pure=True).load(text))


@pytest.mark.parametrize(
    "path", [*sorted(RULES.glob("*.yaml")), *sorted(FIXTURES.glob("*.yaml"))], ids=str
)
def test_every_shipped_file_reads_as_ruamel_reads_it(path: Path) -> None:
    text = path.read_text()
    data, smap = load(text, path.name)
    assert data == _reference(text)
    if " *" not in text:  # what an alias repeats is placed at the alias (SourceMap.at)
        assert all(place in smap.values for place in _places(data))  # each value's line


def _places(node: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    items = node.items() if isinstance(node, dict) else enumerate(node)
    places: list[tuple[str | int, ...]] = []
    for key, value in items:
        places.append((*path, key))
        if isinstance(value, (dict, list)):
            places += _places(value, (*path, key))
    return places


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, width=32),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12),
    st.sampled_from(["yes", "no", "on", "0o17", "0x1F", "1_000", "1e3", ".inf", "~", "-0"]),
)
documents = st.recursive(
    st.dictionaries(st.text("abcxyz_", min_size=1, max_size=6), scalars, max_size=5),
    lambda inner: st.dictionaries(
        st.text("abcxyz_", min_size=1, max_size=6),
        inner | st.lists(inner | scalars, max_size=3),
        max_size=4,
    ),
    max_leaves=15,
)


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from([False, True]))
def test_generated_documents_read_as_ruamel_reads_them(data: Any, flow: bool) -> None:
    """Written out by PyYAML in block or flow style, plain where it can; read back by
    load() and by ruamel.yaml: the same values."""
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False)
    assert load(text, "g.yaml")[0] == _reference(text)


def test_dates_stay_as_their_text_and_positions_are_kept() -> None:
    data, smap = load("a:\n  when: 2026-04-01\n  list: [x, 'y']\n", "d.yaml")
    assert data == {"a": {"when": "2026-04-01", "list": ["x", "y"]}}
    assert smap.keys[("a", "when")] == (2, 3) and smap.values[("a", "when")] == (2, 9)
    assert smap.values[("a", "list", 1)] == (3, 13)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a: 1\na: 2\n", "this key appears twice"),
        ("a: *nowhere\n", "refers to no &nowhere"),
        ("? [a]\n: 1\n", "a key must be plain text"),
        ("a: 1\n---\nb: 2\n", "one YAML document"),
    ],
)
def test_what_ruamel_refused_is_still_refused_at_its_line(text: str, says: str) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        load(text, "r.yaml")
    assert says in caught.value.diagnostic.message and caught.value.diagnostic.line >= 1


# -- a syntax error is reported where the fix is ------------------------------------------------
SHIPPED_TEXT = (RULES / "nolan-tender.yaml").read_text()
_FLOW_LISTS = [
    (n, line.index("["), line.index("]"))
    for n, line in enumerate(SHIPPED_TEXT.splitlines())
    if line.count("[") == 1
    and line.count("]") == 1
    and line.index("[") < line.index("]")
    and "#" not in line
]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(_FLOW_LISTS))
def test_an_unclosed_bracket_is_reported_where_it_opened(case: tuple[int, int, int]) -> None:
    """Whichever list of a real rule file loses its ']', the problem is at its '[' (the
    parser gives up later, often lines below), and says where the reading stopped."""
    n, opened, closed = case
    lines = SHIPPED_TEXT.splitlines()
    lines[n] = lines[n][:closed] + lines[n][closed + 1 :]
    line, col, message = _refused("\n".join(lines) + "\n")
    assert (line, col) == (n + 1, opened + 1)
    assert message.startswith("YAML syntax: the list opened here with '[' is not closed")
    assert "is where the reading stopped" in message


def test_an_unclosed_quote_and_a_misindented_line_say_where_to_look() -> None:
    quoted = 'id: x\ntitle: "A title\nversion: 1.0.0\n'
    line, col, message = _refused(quoted)
    assert (line, col) == (2, 8)
    assert message == (
        "YAML syntax: the quoted text opened here is not closed with a matching quote "
        "(line 4, column 1 is where the reading stopped: the file ended first)"
    )
    indented = "id: x\nframework:\n  name: a\n document: b\n"
    line, col, message = _refused(indented)
    assert line == 4
    assert "in the block of keys that starts at line 1" in message
    line, _, message = _refused("id: x\ntitle: Fairness: open and equal\n")
    assert line == 2 and "put a text that contains ': ' in quotes" in message
