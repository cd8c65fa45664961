"""Panel-scored criteria (issue 34, item 1): `scored_by: panel` mixes with rule-scored
criteria under one set of weights, gates and bands; until the panel has moderated, its
criteria await it (the result says which, and rejects nothing for them); its moderated
score and rationale then decide the finding; `probity check` explains what a panel criterion
needs, at its line and column."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.engine.compiler import panel
from probity.engine.compiler.pipeline import compile_text
from probity.engine.errors import Code, RuleFileError, SubmissionError
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.registry import library_of
from probity.engine.testing import run_tests
from tests.conftest import FIXTURES

TEXT = (FIXTURES / "panel.yaml").read_text()
LIBRARY = library_of(FIXTURES)
RULESET = compile_text(TEXT, "panel.yaml", LIBRARY)
ANSWERS: dict[str, Any] = {
    "coi": {"declared": True},
    "quality": {"safeguards": "Staffing never falls below the ratio in schedule 2."},
    "conduct": {"scrutiny_statement": "Our records are open to the commissioner at any time."},
}


def _moderated(**scores: tuple[int, str]) -> dict[str, Any]:
    given_ = {k: v for k, v in ANSWERS.items()}
    given_["panel"] = {
        panel.key(criterion.replace("_", "-")): {"points": points, "rationale": rationale}
        for criterion, (points, rationale) in scores.items()
    }
    return given_


def _problems(text: str) -> list[tuple[int, Code, str]]:
    with pytest.raises(RuleFileError) as caught:
        compile_text(text, "panel.yaml", LIBRARY)
    return [(d.line, d.code, d.message) for d in caught.value.diagnostics if d.severity == "error"]


def _line(needle: str) -> int:
    return TEXT[: TEXT.index(needle)].count("\n") + 1


def test_the_rule_files_own_tests_pass() -> None:
    report = run_tests(RULESET)
    assert [c.failures for c in report.cases] == [[], [], []]


def test_until_the_panel_has_moderated_its_criteria_await_it() -> None:
    result = Evaluator(RULESET).evaluate(Submission("bid", ANSWERS))
    assert result.awaiting_panel == ("SEL-02", "ACC-01")
    assert not result.rejected  # an awaited pass/fail criterion rejects nothing yet
    assert result.total == 40  # the rule-scored criterion alone; the panel's count 0 for now
    awaited = {f.criterion: f for f in result.findings if f.scored_by == "panel"}
    for finding in awaited.values():
        assert finding.outcome == "evidence_missing"
        assert finding.explanation == panel.AWAITING
        assert finding.descriptor == ""  # no score yet, so no descriptor
    (rule,) = [f for f in result.findings if f.scored_by == "rule"]
    assert rule.criterion == "INT-01" and rule.outcome == "met"


def test_the_moderated_score_and_rationale_decide_the_finding() -> None:
    answers = _moderated(
        SEL_02=(3, "Safeguards are named, not how the commissioner sees them."),
        ACC_01=(1, "Records are open at any time."),
    )
    result = Evaluator(RULESET).evaluate(Submission("bid", answers))
    assert result.awaiting_panel == ()
    (quality,) = [f for f in result.findings if f.criterion == "SEL-02"]
    assert (quality.outcome, quality.points, quality.max_points) == ("partly_met", 3, 4)
    assert quality.descriptor == "Good: meets the principle, with minor gaps."
    assert quality.explanation == "Safeguards are named, not how the commissioner sees them."
    narrative, score = quality.evidence
    assert narrative.field == "quality.safeguards" and narrative.shown.startswith("Staffing")
    assert score.field == "panel.sel_02.points" and score.value == 3
    assert result.band == "compliant" and result.total == 40 + 60 * 3 / 4


def test_a_failed_panel_gate_rejects_the_bid() -> None:
    answers = _moderated(SEL_02=(4, "Full."), ACC_01=(0, "No access to records is offered."))
    result = Evaluator(RULESET).evaluate(Submission("bid", answers))
    assert result.rejected and result.band == "rejected"
    assert [r.subject for r in result.rejections] == ["ACC-01"]


def test_the_panels_score_is_on_the_scale_and_the_answer_within_its_limit() -> None:
    with pytest.raises(SubmissionError) as caught:
        Evaluator(RULESET).evaluate(Submission("bid", _moderated(SEL_02=(5, "Too high."))))
    assert "panel.sel_02.points" in str(caught.value)
    long = {**ANSWERS, "quality": {"safeguards": "x" * 3001}}  # max_length: 3000
    with pytest.raises(SubmissionError) as caught:
        Evaluator(RULESET).evaluate(Submission("bid", long))
    assert "quality.safeguards" in str(caught.value)


@settings(max_examples=25, deadline=None)
@given(points=st.integers(0, 4), rationale=st.text(min_size=1, max_size=80))
def test_any_moderated_score_gives_its_points_and_says_its_rationale(
    points: int, rationale: str
) -> None:
    rationale = rationale.replace("{", "(").replace("}", ")")
    try:
        answers = _moderated(SEL_02=(points, rationale), ACC_01=(1, "Open."))
        result = Evaluator(RULESET).evaluate(Submission("bid", answers))
    except SubmissionError:
        return  # a character no text may hold (a noncharacter): refused, as any answer
    (quality,) = [f for f in result.findings if f.criterion == "SEL-02"]
    assert quality.points == points
    assert quality.explanation == rationale


@pytest.mark.parametrize(
    ("change", "needle", "said"),
    [
        (
            (
                "    reads: [quality.safeguards]\n",
                "    reads: [quality.safeguards]\n    when: coi.declared == false\n",
            ),
            "    when: coi.declared == false",
            "remove 'when': the panel's score decides it, not a condition",
        ),
        (
            ("    reads: [conduct.scrutiny_statement]", "    reads: [coi.declared]"),
            "reads: [coi.declared]",
            "'coi.declared' is a boolean answer: a panel reads text answers (type: text)",
        ),
        (
            ("    reads: [conduct.scrutiny_statement]", "    reads: [conduct.statement]"),
            "reads: [conduct.statement]",
            "no input 'conduct.statement'",
        ),
        (
            ("    max_length: 1500\n", ""),
            "  - path: conduct.scrutiny_statement",
            "a text input needs 'max_length'",
        ),
        (
            ("  - path: coi.declared", "  - path: panel.declared"),
            "  - path: panel.declared",
            "'panel' is kept for the evaluation panel's scores",
        ),
    ],
)
def test_check_says_what_a_panel_criterion_needs(
    change: tuple[str, str], needle: str, said: str
) -> None:
    text = TEXT.replace(*change, 1)
    assert text != TEXT
    found = _problems(text)
    line = text[: text.index(needle)].count("\n") + 1
    assert any(said in message for _, _, message in found), found
    assert [at for at, _, message in found if said in message] == [line], (found, line)


def test_a_panel_criterion_needs_guidance_and_reads_and_a_scale() -> None:
    guidance = "    guidance: A pass opens the contract's records and decisions"
    start = TEXT.index(guidance)
    without = TEXT[:start] + TEXT[TEXT.index("\n", start) + 1 :]
    assert any("needs 'guidance'" in m for _, _, m in _problems(without))
    no_scale = TEXT[: TEXT.index("scale:")] + TEXT[TEXT.index("inputs:") :]
    assert any("the rule set needs 'scale'" in m for _, _, m in _problems(no_scale))
    declared = "    explain:\n      met: The supplier has declared its interests.\n"
    ruled = TEXT.replace(declared, "    guidance: Read it.\n" + declared, 1)
    assert any("'guidance' is for criteria the panel scores" in m for _, _, m in _problems(ruled))


def test_a_portals_schema_of_answers_leaves_out_the_panels_scores() -> None:
    from probity.engine.evaluation.submission import input_schema

    schema = input_schema(RULESET)
    assert set(schema["properties"]) == {"coi", "quality", "conduct"}
    assert schema["additionalProperties"] is False  # so a portal's own check refuses them
    assert "3000" in str(schema["$defs"]) or "3000" in str(schema)  # the word limit
