from __future__ import annotations

import copy
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.engine.errors import SubmissionError
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import to_dict, to_json
from tests.conftest import MINI_STRONG, ROOT


@pytest.fixture(scope="module")
def evaluator(mini):  # type: ignore[no-untyped-def]
    return Evaluator(mini)


def with_(**changes: object) -> dict[str, object]:
    answers = copy.deepcopy(MINI_STRONG)
    for path, value in changes.items():
        head, _, tail = path.partition("__")
        if tail:
            answers[head][tail] = value  # type: ignore[index]
        else:
            answers[head] = value
    return answers


def test_golden_explanations_and_evidence(evaluator: Evaluator) -> None:
    result = evaluator.evaluate(Submission("s1", with_(staff__ethics_training_pct=70, policies=[])))
    findings = {f.criterion: f for f in result.findings}
    assert (
        findings["INT-01"].explanation
        == "The supplier has declared its interests (declared = yes)."
    )
    assert findings["INT-02"].explanation == "No whistleblowing policy among: none."
    assert findings["INT-02"].remedy == "Adopt a whistleblowing policy."
    assert findings["LEAD-01"].explanation == "Only 70% of staff are trained."
    assert findings["LEAD-01"].outcome == "partly_met" and findings["LEAD-01"].level == "Adequate"
    (evidence,) = findings["LEAD-01"].evidence
    assert (evidence.field, evidence.value, evidence.given) == (
        "staff.ethics_training_pct",
        70.0,
        True,
    )
    assert evidence.label == "Staff trained in the code of conduct"  # the input's label
    assert evidence.expected == "at least 90% for 4 points; at least 60% for 2 points"
    assert findings["INT-01"].evidence[0].expected == "yes"
    # integrity: INT-02 0 of 2 → 0; leadership 2 of 4 → 20 of 40
    assert (result.total, result.maximum, result.band) == (20.0, 100.0, "non_compliant")


def test_a_finding_for_every_criterion_met_or_not(evaluator: Evaluator, mini) -> None:  # type: ignore[no-untyped-def]
    result = evaluator.evaluate(Submission("s", with_(policies=[])))
    assert [f.criterion for f in result.findings] == [c.id for c in mini.criteria]


def test_gate_failure_excludes_whatever_the_score(evaluator: Evaluator) -> None:
    result = evaluator.evaluate(Submission("s", with_(coi__declared=False)))
    assert result.band == "rejected" and result.rejected
    assert result.exclusion_reasons == ("INT-01: Interests declared",)
    assert result.total == 100.0  # the score is still reported, for the record


def test_missing_optional_answer_is_evidence_missing(evaluator: Evaluator) -> None:
    answers = with_()
    del answers["policies"]
    finding = {f.criterion: f for f in evaluator.evaluate(Submission("s", answers)).findings}[
        "INT-02"
    ]
    assert finding.outcome == "evidence_missing"
    assert finding.explanation == (
        "Evidence missing: no answer was given for Policies adopted, so this could not be assessed."
    )
    assert finding.evidence[0].given is False


def test_invalid_submission_names_the_field_and_evaluates_nothing(evaluator: Evaluator) -> None:
    outcomes = evaluator.evaluate_many(
        [Submission("bad", with_(staff__ethics_training_pct="lots")), Submission("good", with_())]
    )
    assert isinstance(outcomes[0], SubmissionError)
    assert [v.field for v in outcomes[0].violations] == ["staff.ethics_training_pct"]
    assert not isinstance(outcomes[1], SubmissionError) and outcomes[1].band == "compliant"


def test_or_that_fires_twice_counts_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from probity.engine.compiler.pipeline import compile_text
    from tests.conftest import FIXTURES

    text = (
        (FIXTURES / "mini.yaml")
        .read_text()
        .replace(
            'when: policies contains "whistleblowing"',
            'when: policies contains "whistleblowing" or coi.declared',
        )
    )
    result = Evaluator(compile_text(text, "or.yaml")).evaluate(Submission("s", with_()))
    finding = {f.criterion: f for f in result.findings}["INT-02"]
    assert (finding.points, finding.max_points) == (2, 2)
    assert result.principles[0].points == 2


def test_a_pattern_in_a_rule_file_matches_as_its_documentation_says() -> None:
    """Issue 19, item 3: `matches "Acme \\\\(UK\\\\) Ltd"` was not met for "Acme (UK) Ltd", and
    `.` did not match a quote, a backslash or a tab. Issue 30: ".*ab." was not met for
    "aba", nor ".*[ab]{2}.." for "aaxb"."""
    from probity.engine.compiler.pipeline import compile_text
    from tests.conftest import FIXTURES

    text = (
        (FIXTURES / "mini.yaml")
        .read_text()
        .replace(
            "inputs:\n",
            "inputs:\n  - {path: org.name, type: string, required: false,"
            " description: The supplier's name., question: What is your name?, label: Name}\n",
        )
        .replace(
            'when: policies contains "whistleblowing"',
            'when: org.name matches "Acme \\\\(UK\\\\) (Ltd|Limited)|a.b|.*ab.|.*[xy]{2}.."',
        )
    )
    evaluator = Evaluator(compile_text(text, "patterns.yaml"))
    for name, met in [
        ("Acme (UK) Ltd", True),
        ("Acme (UK) Limited", True),
        ("Acme UK Ltd", False),
        ('a"b', True),
        ("a\\b", True),
        ("a\tb", True),
        ('a""b', False),
        # Issue 30: durable_rules' own regex engine said not met to both
        ("aba", True),
        ("xxzy", True),
        ("xzy", False),
    ]:
        answers = dict(with_(), org={"name": name})
        finding = {f.criterion: f for f in evaluator.evaluate(Submission("s", answers)).findings}
        assert (finding["INT-02"].outcome == "met") == met, name


def test_output_is_byte_identical_across_runs_and_processes(evaluator: Evaluator) -> None:
    submission = Submission("d1", with_(staff__ethics_training_pct=61.5))
    first = to_json(evaluator.evaluate(submission))
    # 70 and 70.0 are equal in Python but not in JSON text: a finding shows a whole number
    # without a fraction, however it was sent, so the finding cache may hand one's JSON to
    # the other; 61.5 stays as it is.
    evaluator.evaluate(Submission("d2", with_(staff__ethics_training_pct=70)))
    as_float = to_dict(evaluator.evaluate(Submission("d3", with_(staff__ethics_training_pct=70.0))))
    assert isinstance(as_float["findings"][2]["evidence"][0]["value"], int)
    assert b'"value":61.5' in first
    assert to_json(evaluator.evaluate(submission)) == first
    code = (
        "import sys; from probity.engine.compiler.pipeline import load_file;"
        " from probity.engine.evaluation.evaluator import Evaluator, Submission;"
        " from probity.engine.evaluation.result import to_json;"
        " from tests.engine.evaluation.test_evaluator import"
        " with_; ev = Evaluator(load_file('tests/fixtures/mini.yaml'));"
        " sys.stdout.buffer.write(to_json(ev.evaluate(Submission('d1',"
        " with_(staff__ethics_training_pct=61.5)))))"
    )
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, check=True)
    assert other.stdout == first


answer_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 200),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.lists(
        st.sampled_from(["code_of_conduct", "whistleblowing", "complaints", "other"]), max_size=3
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "coi": st.one_of(
                answer_values,
                st.fixed_dictionaries(
                    {}, optional={"declared": answer_values, "extra": answer_values}
                ),
            ),
            "staff": st.one_of(
                answer_values,
                st.fixed_dictionaries({}, optional={"ethics_training_pct": answer_values}),
            ),
            "policies": answer_values,
            "unknown": answer_values,
        },
    )
)
def test_random_submissions_are_accepted_or_rejected_with_a_path(
    evaluator: Evaluator, answers: dict[str, object]
) -> None:
    try:
        result = evaluator.evaluate(Submission("h", answers))
    except SubmissionError as exc:
        assert exc.violations
        for violation in exc.violations:
            assert violation.field.split(".")[0] in {
                "coi",
                "staff",
                "policies",
                "unknown",
                "answers",
            }
            assert violation.reason
    else:
        assert len(result.findings) == 3
        assert 0 <= result.total <= result.maximum


def test_not_applicable_says_why_and_shows_the_deciding_answer(nolan) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.conftest import ROOT

    answers = json.loads((ROOT / "rules/examples/nolan-tender/strong.json").read_text())["answers"]
    evaluator = Evaluator(nolan)
    findings = []
    for reports in (0, 3):  # the same finding cache serves both: values must not leak
        answers["leadership"]["whistleblowing"]["reports_last_year"] = reports
        result = evaluator.evaluate(Submission("s", answers))
        findings.append({f.criterion: f for f in result.findings}["LEA-05"])
    assert findings[0].outcome == "not_applicable"
    assert findings[0].explanation == (
        "Not applicable: this applies only when Whistleblowing reports last year more than 0."
    )
    shown = {e.field: e.value for e in findings[0].evidence}
    assert shown["leadership.whistleblowing.reports_last_year"] == 0
    assert findings[1].outcome == "met"
    assert {e.field: e.value for e in findings[1].evidence}[
        "leadership.whistleblowing.reports_last_year"
    ] == 3


def test_three_valued_truth_tells_not_met_from_evidence_missing() -> None:
    from probity.engine.when.expression import parse
    from probity.engine.when.three_valued import truth

    condition = parse("register and months <= 12")
    assert truth(condition, {"register": False}) is False  # ruled out: not met
    assert truth(condition, {"register": True}) is None  # could hold: evidence missing
    assert truth(condition, {"register": True, "months": 13}) is False
    assert truth(parse("register or months <= 12"), {"register": True}) is True
    assert truth(parse("not (months > 3)"), {}) is None
    assert truth(parse("months missing"), {}) is True
    assert truth(parse("tags contains 'x'"), {"tags": ("x",)}) is True


def test_oversized_answers_are_refused_before_they_reach_durable_rules(
    evaluator: Evaluator,
) -> None:
    from probity.engine.compiler.model import InputSpec
    from probity.engine.evaluation.submission import SubmissionValidator

    validator = SubmissionValidator(
        [InputSpec(path="note", type="string", description="Free text.")]
    )
    try:
        validator.validate({"note": "a" * 10_001})  # durable_rules' regex reads 65,535 bytes
    except SubmissionError as exc:
        assert exc.violations[0].field == "note"
        assert "at most 10000 characters" in exc.violations[0].reason
    else:
        raise AssertionError("accepted a text longer than the limit")
    too_many = with_(policies=["whistleblowing"] * 1001)
    outcome = evaluator.evaluate_many([Submission("many", too_many)])[0]
    assert isinstance(outcome, SubmissionError)
    assert outcome.violations[0].field == "policies"


def test_evidence_says_which_part_of_a_compound_condition_fell_short(nolan) -> None:  # type: ignore[no-untyped-def]
    """INT-03 asks for a conflicts register reviewed within 6 months (4 points) or 12 (2):
    a bid with no register falls short on the register, not on the review it could not give;
    one whose register is 30 months old falls short on the review alone; one reviewed 9
    months ago is measured against the next score up (6 months)."""
    import json

    bids = [json.loads(line) for line in (ROOT / "rules/examples/nolan-tender/bids.jsonl").open()]
    answers = copy.deepcopy(bids[0]["answers"])

    def parts(**integrity: object) -> dict[str, bool]:
        given = copy.deepcopy(answers)
        given["integrity"] = {**given["integrity"], **integrity}
        given["integrity"] = {k: v for k, v in given["integrity"].items() if v is not None}
        result = Evaluator(nolan).evaluate(Submission("s", given))
        (finding,) = [f for f in result.findings if f.criterion == "INT-03"]
        return {e.field.split(".")[-1]: e.met for e in finding.evidence}

    assert parts(conflicts_register=False, register_review_months=None) == {
        "conflicts_register": False,
        "register_review_months": False,  # not given: not met, and not what is named
    }
    assert parts(conflicts_register=True, register_review_months=30) == {
        "conflicts_register": True,
        "register_review_months": False,
    }
    assert parts(conflicts_register=True, register_review_months=9) == {
        "conflicts_register": True,
        "register_review_months": False,  # partly met: 6 months scores more
    }
    assert parts(conflicts_register=True, register_review_months=3) == {
        "conflicts_register": True,
        "register_review_months": True,
    }
