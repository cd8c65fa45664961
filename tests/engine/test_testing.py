"""Coverage of a rule file's own tests counts outcomes asserted, not outcomes seen."""

from __future__ import annotations

from probity.engine.compiler.pipeline import compile_text
from probity.engine.testing import run_tests
from tests.conftest import FIXTURES

MINI = (FIXTURES / "mini.yaml").read_text()
NOT_MET = "      criteria: {INT-01: not_met, INT-02: not_met, LEAD-01: not_met}\n"


def test_a_criterion_asserted_both_ways_is_covered() -> None:
    report = run_tests(compile_text(MINI, str(FIXTURES / "mini.yaml")))
    assert report.passed and report.uncovered == []


def test_an_outcome_seen_but_not_asserted_covers_nothing() -> None:
    """The 'undeclared' test still produces not_met for every criterion; without its
    `criteria` assertions no criterion is covered."""
    text = MINI.replace(NOT_MET, "")
    report = run_tests(compile_text(text, str(FIXTURES / "mini.yaml")))
    assert report.passed
    assert report.uncovered == ["INT-01", "INT-02", "LEAD-01"]


def test_a_level_counts_as_met() -> None:
    text = MINI.replace(NOT_MET, "      criteria: {LEAD-01: not_met}\n")
    report = run_tests(compile_text(text, str(FIXTURES / "mini.yaml")))
    assert report.uncovered == ["INT-01", "INT-02"]
    assert "LEAD-01" in report.met and "LEAD-01" in report.not_met


def test_a_failed_assertion_covers_nothing() -> None:
    text = MINI.replace(
        NOT_MET, "      criteria: {INT-01: not_met, INT-02: met, LEAD-01: not_met}\n"
    )
    report = run_tests(compile_text(text, str(FIXTURES / "mini.yaml")))
    assert not report.passed
    assert "INT-02" not in report.not_met and "INT-02" in report.uncovered
