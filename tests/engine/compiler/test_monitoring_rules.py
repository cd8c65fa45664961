"""Monitoring rule files: every problem at file:line:col, in words a policy officer can act on."""

from __future__ import annotations

import pytest

from probity.engine.compiler.pipeline import compile_text
from probity.engine.errors import Code, RuleFileError
from tests.conftest import FIXTURES
from tests.engine.compiler.test_ruleset import diagnostics

PATTERNS = (FIXTURES / "patterns-monitoring.yaml").read_text()


def problems(text: str) -> list[str]:
    with pytest.raises(RuleFileError) as caught:
        compile_text(text, "broken.yaml")
    return [str(d) for d in caught.value.diagnostics]


def at(text: str, needle: str, col: int) -> str:
    line = next(n for n, row in enumerate(text.splitlines(), 1) if needle in row)
    return f"broken.yaml:{line}:{col}"


def test_the_fixture_compiles_to_one_rule_per_check() -> None:
    compiled = compile_text(PATTERNS, "patterns.yaml")
    assert compiled.monitoring is not None
    assert compiled.criterion_ids == (
        "HIGH",
        "RISING",
        "FALLING",
        "LATE",
        "BELOW",
        "JUMP",
        "OVERDUE",
        "EACH",
    )
    assert [c.min_returns for c in compiled.monitoring.checks] == [3, 3, 3, 2, 1, 2, 1, 1]
    assert compiled.monitoring.overdue_months == (12,)
    assert compiled.monitoring.within == (4,) and compiled.monitoring.scales == (("m.x", 1.5),)


def test_every_problem_in_one_run() -> None:
    text = (
        PATTERNS.replace("measure: m.x, periods: 3", "measure: m.z, periods: 3")
        .replace("done_on: m.reviewed_on", "done_on: m.x")
        .replace("when: m.x > 5, periods: 3", "when: m.x > 'five', periods: 3")
        .replace("measure: m.y, periods: 3", "measure: m.flag, periods: 3")
        .replace('not_met: "rising {values}"', 'not_met: "rising {valeus}"')
    )
    found = problems(text)
    assert found == [
        f"{at(text, 'm.x > ', 42)}: '>' needs numbers on both sides",
        f"{at(text, 'measure: m.z', 40)}: unknown field 'm.z'; did you mean 'm.y'?",
        f"{at(text, 'rising {valeus}', 37)}: unknown placeholder '{{valeus}}'; "
        "did you mean 'values'?",
        f"{at(text, 'measure: m.flag', 41)}: 'm.flag' is boolean; "
        "this pattern needs a number input",
        f"{at(text, 'done_on: m.x', 41)}: 'm.x' is number; this pattern needs a date input",
    ]


def test_an_unknown_pattern_names_the_ones_there_are() -> None:
    (found,) = problems(PATTERNS.replace("pattern: rising", "pattern: climbing"))
    assert found == (
        f"{at(PATTERNS, 'pattern: rising', 13)}: unknown pattern 'climbing'; use one of "
        "consecutive, rising, falling, repeated, below_target, above_target, change, overdue"
    )


def test_a_misspelt_pattern_key_is_suggested_from_that_pattern() -> None:
    text = PATTERNS.replace("measure: m.x, periods: 3", "measure: m.x, perods: 3")
    assert f"{at(text, 'perods', 45)}: unknown key 'perods'; did you mean 'periods'?" in problems(
        text
    )


def test_tender_only_and_monitoring_only_keys_are_refused() -> None:
    text = (
        PATTERNS.replace("period: quarter\n", "")
        .replace(
            "  - {id: accountability, name: Accountability}",
            "  - {id: accountability, name: Accountability, weight: 100}",
        )
        .replace(
            "    action: act\n    source: *src\n  - id: FALLING",
            "    remedy: do better\n    gate: true\n    source: *src\n  - id: FALLING",
        )
    )
    found = problems(text)
    assert (
        "broken.yaml:1:1: a monitoring rule set needs 'period': quarter (2026-Q3) or month" in found
    )
    assert (
        f"{at(text, 'weight: 100', 48)}: monitoring rule sets do not score: remove 'weight'"
        in found
    )
    assert any(
        p.endswith(
            "a monitoring check gives an 'action' (what to do when breached), not a 'remedy'"
        )
        for p in found
    )
    assert any(
        p.endswith("'gate' is for tender criteria; use 'severity' and the rating rules")
        for p in found
    )
    assert any(
        p.endswith("this check needs an 'action': what to do when it is breached") for p in found
    )


def test_rating_rules_must_end_with_the_default_and_name_real_checks() -> None:
    text = PATTERNS.replace(
        "  - {id: otherwise, rating: good}",
        "  - {id: otherwise, rating: good}\n"
        "  - {id: later, rating: good, breaches: {criteria: [HIHG]}}",
    )
    assert [d.code for d in diagnostics(text)] == [
        Code.RATINGS,
        Code.RATINGS,
        Code.UNKNOWN_REFERENCE,
    ]
    found = problems(text)
    assert found == [
        f"{at(text, 'id: otherwise', 5)}: only the last rating rule may leave out 'breaches': "
        "the rules after this one could never apply",
        f"{at(text, 'id: later', 31)}: the last rating rule applies otherwise: "
        "leave out 'breaches'",
        f"{at(text, 'HIHG', 53)}: no criterion 'HIHG'; did you mean 'HIGH'?",
    ]


def test_a_monitoring_test_needs_returns_and_a_rating_not_a_band() -> None:
    text = PATTERNS + "tests:\n  - name: empty\n    expect: {band: good}\n"
    assert [d.code for d in diagnostics(text)] == [Code.TESTS, Code.WRONG_KIND]
    found = problems(text)
    assert found == [
        f"{at(text, 'name: empty', 5)}: a monitoring test needs 'returns' (the series to "
        "check) or a 'file' with a contract and its returns",
        f"{at(text, 'expect: {band', 14)}: monitoring tests expect a 'rating'",
    ]


def test_reserved_input_paths() -> None:
    text = PATTERNS.replace("path: m.y,", "path: return.y,")
    assert Code.INPUT in {d.code for d in diagnostics(text)}
    assert any("reserved for built-in fields" in p for p in problems(text))
