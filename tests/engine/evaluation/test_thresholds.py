"""Minimum scores: a bid below any stated minimum is rejected, whatever its total, with a
reason for the bidder; every boundary is tested on both sides."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.pipeline import compile_text
from probity.engine.errors import Code, RuleFileError
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import Result
from probity.engine.evaluation.thresholds import stated_minimums
from tests.conftest import FIXTURES

MINI = (FIXTURES / "mini.yaml").read_text()
# Integrity 60 (INT-01 pass/fail, INT-02 0 or 2 points); leadership 40 (LEAD-01 0, 2 or 4).


def _with(thresholds: str = "", text: str = MINI) -> CompiledRuleSet:
    return compile_text(text.replace("bands:\n", f"{thresholds}bands:\n", 1), "mini.yaml")


def _bid(pct: float = 95, whistleblowing: bool = True) -> dict[str, Any]:
    policies = ["code_of_conduct"] + (["whistleblowing"] if whistleblowing else [])
    return {"coi": {"declared": True}, "staff": {"ethics_training_pct": pct}, "policies": policies}


def _score(ruleset: CompiledRuleSet, answers: dict[str, Any]) -> Result:
    return Evaluator(ruleset).evaluate(Submission("bid", answers))


def test_a_criterion_below_the_minimum_rejects_the_bid_at_the_boundary() -> None:
    ruleset = _with("thresholds:\n  criterion: 2\n")
    at_minimum = _score(ruleset, _bid(pct=60))  # LEAD-01 partly met: 2 points
    assert not at_minimum.rejected and at_minimum.band == "compliant"
    below = _score(ruleset, _bid(pct=59.9))  # 0 points
    assert below.rejected and below.band == "rejected" and below.excluded  # deprecated twin
    (why,) = below.rejections
    assert (why.kind, why.subject) == ("criterion_minimum", "LEAD-01")
    assert why.explanation == (
        "‘Ethics training’ scored 0 of 4 points; every bid must score at least 2 on it."
    )
    assert below.total == 60  # the score stays as it is: the rejection is beside it


def test_a_criterions_own_minimum_overrides_the_thresholds() -> None:
    text = MINI.replace(
        "    title: Ethics training\n", "    title: Ethics training\n    min_points: 4\n"
    )
    ruleset = _with("thresholds:\n  criterion: 1\n", text)
    assert not _score(ruleset, _bid(pct=90)).rejected
    assert [r.subject for r in _score(ruleset, _bid(pct=89)).rejections] == ["LEAD-01"]


def test_a_principle_below_its_share_rejects_the_bid() -> None:
    ruleset = _with("thresholds:\n  principle: 50\n")
    assert not _score(ruleset, _bid(pct=60)).rejected  # leadership 20 of 40: exactly 50%
    below = _score(ruleset, _bid(pct=10))
    (why,) = below.rejections
    assert (why.kind, why.subject) == ("principle_minimum", "leadership")
    assert why.explanation == (
        "Leadership scored 0.00 of 40; every bid must score at least 50% of it (20.00)."
    )


def test_a_principles_own_minimum_overrides_the_thresholds() -> None:
    text = MINI.replace("    weight: 60\n", "    weight: 60\n    min_percent: 100\n")
    ruleset = _with("", text)
    assert not _score(ruleset, _bid()).rejected
    assert [r.subject for r in _score(ruleset, _bid(whistleblowing=False)).rejections] == [
        "integrity"
    ]


def test_a_total_below_the_minimum_rejects_the_bid_at_the_boundary() -> None:
    ruleset = _with("thresholds:\n  total: 80\n")
    assert not _score(ruleset, _bid(pct=60)).rejected  # 60 + 20 = 80
    below = _score(ruleset, _bid(pct=59))  # 60 + 0
    assert [(r.kind, r.subject) for r in below.rejections] == [("total_minimum", "")]
    assert below.rejections[0].explanation == (
        "The quality score is 60.00 of 100; every bid must score at least 80."
    )


def test_missing_evidence_scores_nothing_and_falls_below_a_minimum() -> None:
    ruleset = _with("thresholds:\n  criterion: 2\n")
    answers = _bid()
    del answers["policies"]
    assert [r.subject for r in _score(ruleset, answers).rejections] == ["INT-02"]


def test_a_failed_pass_fail_criterion_comes_first_and_reads_for_the_bidder() -> None:
    ruleset = _with("thresholds:\n  total: 80\n")
    answers = _bid(pct=10)
    answers["coi"]["declared"] = False
    result = _score(ruleset, answers)
    assert [r.kind for r in result.rejections] == ["pass_fail", "total_minimum"]
    assert result.rejections[0].explanation == (
        "‘Interests declared’ is a pass/fail requirement and it is not met: "
        "The supplier has not declared its interests."
    )
    assert result.exclusion_reasons[0] == "INT-01: Interests declared"  # deprecated, as before


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 100), st.booleans(), st.sampled_from([None, 1, 2, 4]), st.integers(0, 100))
def test_rejected_exactly_when_a_plain_reading_of_the_minimums_says_so(
    pct: float, whistleblowing: bool, least: int | None, total_min: int
) -> None:
    lines = (
        ["thresholds:"]
        + ([f"  criterion: {least}"] if least else [])
        + [f"  total: {total_min}" if total_min else ""]
    )
    text = MINI.replace("    points: 2\n", "    points: 4\n")  # every criterion can reach 4
    ruleset = _with("\n".join(lines) + "\n" if (least or total_min) else "", text)
    result = _score(ruleset, _bid(pct, whistleblowing))
    lead = 4 if pct >= 90 else 2 if pct >= 60 else 0
    whistle = 4 if whistleblowing else 0
    total = 60 * whistle / 4 + 40 * lead / 4
    expected = (least is not None and min(lead, whistle) < least) or total < total_min
    assert result.rejected == expected


@pytest.mark.parametrize(
    ("change", "code", "says"),
    [
        (("bands:\n", "thresholds:\n  criterion: 3\nbands:\n"), Code.THRESHOLDS,
         "INT-02 gives at most 2 points, below the minimum of 3"),
        (("    gate: true\n", "    gate: true\n    min_points: 1\n"), Code.THRESHOLDS,
         "a pass/fail criterion has no points"),
        (("  - id: rejected\n    label: Rejected\n    gate_failure: true\n", ""), Code.BANDS,
         "exactly one band needs 'gate_failure: true'"),
        (("bands:\n", "thresholds:\n  total: 120\nbands:\n"), Code.SCHEMA, "100"),
    ],
)  # fmt: skip
def test_minimums_that_cannot_work_are_refused_at_their_line(
    change: tuple[str, str], code: Code, says: str
) -> None:
    with pytest.raises(RuleFileError) as caught:
        compile_text(MINI.replace(*change, 1), "mini.yaml")
    assert any(d.code is code and says in d.message for d in caught.value.diagnostics), (
        caught.value.diagnostics
    )


def test_monitoring_rule_sets_take_no_minimum_scores() -> None:
    text = (FIXTURES / "patterns-monitoring.yaml").read_text()
    with pytest.raises(RuleFileError) as caught:
        compile_text(
            text.replace("ratings:\n", "thresholds:\n  total: 50\nratings:\n", 1), "m.yaml"
        )
    assert [d.code for d in caught.value.diagnostics] == [Code.WRONG_KIND]


def test_the_minimums_are_stated_up_front_in_sentences_for_the_bidder() -> None:
    ruleset = _with("thresholds:\n  criterion: 2\n  principle: 25\n  total: 50\n")
    stated = stated_minimums(ruleset)
    assert [(m.kind, m.subject, m.least) for m in stated] == [
        ("criterion_minimum", "INT-02", 2),
        ("criterion_minimum", "LEAD-01", 2),
        ("principle_minimum", "integrity", 15.0),
        ("principle_minimum", "leadership", 10.0),
        ("total_minimum", "", 50),
    ]  # the pass/fail criterion INT-01 has no points, so no minimum
    sentences = [m.statement for m in stated]
    assert sentences[1].endswith("at least 2 of its 4 points.")
    assert sentences[2] == "Integrity: at least 25% of its weight of 60 (15.00)."
    assert sentences[4] == "A quality score of at least 50 in all."
    assert stated_minimums(_with()) == ()  # none stated, none listed
