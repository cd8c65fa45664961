"""A rule file is untrusted input: what cannot be built safely is refused at its line, fast,
before anything is built (issue 19, items 2 and 6)."""

from __future__ import annotations

import time

import pytest

from probity.engine.compiler.pipeline import compile_text
from probity.engine.errors import Code, RuleFileError
from tests.conftest import FIXTURES

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
