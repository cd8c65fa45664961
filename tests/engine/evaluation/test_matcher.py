"""The durable_rules limits in ARCHITECTURE.md ("durable_rules"), each shown handled."""

from __future__ import annotations

from probity.engine.compiler.pipeline import compile_text
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.matcher import Matcher
from tests.conftest import FIXTURES, MINI_STRONG


def test_sessions_are_deleted_so_the_1024_session_table_never_fills(mini) -> None:  # type: ignore[no-untyped-def]
    evaluator = Evaluator(mini)
    for n in range(1500):  # one session each: past the fixed table of 1,024 live sessions
        assert evaluator.evaluate(Submission(str(n), MINI_STRONG)).band == "compliant"


def test_a_fact_that_matches_no_criterion_does_not_drop_the_batch(mini) -> None:  # type: ignore[no-untyped-def]
    # Alone, durable_rules raises MessageNotHandledException for such a fact and runs no
    # action for the rest of the batch; the catch-all rule makes every fact handled.
    nothing = {"coi": {"declared": False}, "staff": {"ethics_training_pct": 0}, "policies": []}
    outcomes = Evaluator(mini).evaluate_many(
        [Submission("none", nothing), Submission("all", MINI_STRONG), Submission("none2", nothing)]
    )
    assert [o.band for o in outcomes] == ["rejected", "compliant", "rejected"]  # type: ignore[union-attr]


def test_a_new_version_registers_beside_the_old_one(mini) -> None:  # type: ignore[no-untyped-def]
    text = (FIXTURES / "mini.yaml").read_text()
    newer = compile_text(
        text.replace("version: 1.0.0", "version: 1.1.0").replace("min_total: 70", "min_total: 90"),
        "m.yaml",
    )
    same = compile_text(text, "again.yaml")
    assert newer.engine_name != mini.engine_name and same.engine_name == mini.engine_name
    partly = {**MINI_STRONG, "staff": {"ethics_training_pct": 70}}
    assert Evaluator(mini).evaluate(Submission("a", partly)).band == "compliant"
    assert Evaluator(newer).evaluate(Submission("a", partly)).band == "non_compliant"
    assert Evaluator(same).evaluate(Submission("a", partly)).band == "compliant"


def test_matched_indexes_cannot_be_forged_by_answer_text() -> None:
    definition = {
        "r": {"all": [{"m": {"$mt": {"f0": "x.*"}}}], "cap": 1024},
        "seen": {"all": [{"m": {"$ex": {"i": 1}}}], "cap": 1024},
    }
    matcher = Matcher("forge-test", [definition])
    fired = matcher.match([[{"f0": 'x"},{"m":{"i":1'}, {"f0": "nope"}]])
    assert fired == [{"r"}, set()]


def test_big_batches_are_split_into_sessions(mini) -> None:  # type: ignore[no-untyped-def]
    outcomes = Evaluator(mini).evaluate_many([Submission(str(n), MINI_STRONG) for n in range(2500)])
    assert all(o.band == "compliant" for o in outcomes)  # type: ignore[union-attr]


def _many_criteria(count: int) -> str:
    """A rule set of `count` criteria, each a distinct condition a high score meets."""
    text = (FIXTURES / "mini.yaml").read_text()
    head, _, _ = text.partition("criteria:\n")
    _, _, bands = text.partition("\nbands:\n")
    criteria = "".join(
        f"""  - id: N-{n}
    principle: {"integrity" if n % 2 else "leadership"}
    title: Threshold {n}
    when: staff.ethics_training_pct >= {n}
    explain: {{met: "ok", not_met: "not ok"}}
    remedy: Train more staff.
    source: {{document: cspl-ethical-standards, quote: Be truthful.}}
"""
        for n in range(count)
    )
    return head + "criteria:\n" + criteria + "bands:\n" + bands.split("tests:")[0]


def test_more_matching_conditions_than_durable_rules_stack_holds() -> None:
    # Unpartitioned, durable_rules fails once a fact matches 64 conditions ("error code:
    # 303", then it may crash); 90 criteria that all match must still all be met.
    ruleset = compile_text(_many_criteria(90), "many.yaml")
    assert len(ruleset.partitions) >= 2
    result = Evaluator(ruleset).evaluate(
        Submission("s", {**MINI_STRONG, "staff": {"ethics_training_pct": 95}})
    )
    assert [f.outcome for f in result.findings] == ["met"] * 90
    result = Evaluator(ruleset).evaluate(
        Submission("s", {**MINI_STRONG, "staff": {"ethics_training_pct": 45}})
    )
    assert sum(f.outcome == "met" for f in result.findings) == 46


def test_a_condition_too_big_for_one_partition_is_reported_at_its_line() -> None:
    from probity.engine.errors import RuleFileError

    text = (FIXTURES / "mini.yaml").read_text()
    long = "staff.ethics_training_pct in [" + ", ".join(str(n) for n in range(60)) + "]"
    text = text.replace("when: coi.declared\n", f"when: {long}\n")
    try:
        compile_text(text, "big.yaml")
    except RuleFileError as exc:
        (problem,) = exc.diagnostics
        assert "too complex for the rules engine (60 tests" in problem.message
        assert problem.line == next(n for n, t in enumerate(text.splitlines(), 1) if "58, 59" in t)
    else:
        raise AssertionError("accepted a condition durable_rules cannot match safely")


def test_a_refused_rule_set_is_an_engine_error_with_words() -> None:
    from probity.engine.evaluation.matcher import EngineError

    try:
        Matcher("refused", [{"x": {"all": [{"m": {"$bogus": {"a": 1}}}]}}])
    except EngineError as exc:
        assert "durable_rules refused the compiled rule set" in str(exc)
    else:
        raise AssertionError("durable_rules accepted an unknown operator")


def test_extreme_floats_reach_durable_rules_in_a_form_it_reads() -> None:
    # durable_rules misreads "1e-94" and "1e+16" (an exponent with no decimal point): the
    # batch is lost and the process may crash. They are written "1.0e-94" and "1.0e+16".
    definition = {
        "r": {"all": [{"m": {"$gte": {"f0": 1}}}], "cap": 1024},
        "tiny": {"all": [{"m": {"$lt": {"f0": 1e-20}}}], "cap": 1024},
        "seen": {"all": [{"m": {"$ex": {"i": 1}}}], "cap": 1024},
    }
    matcher = Matcher("extreme-floats", [definition])
    from probity.engine.evaluation.matcher import durable_number

    values = [4.6689453233253485e-94, 1e16, -1e300, 5e-324, 2.5e-7, 0.0]
    facts = [{"f0": durable_number(v)} for v in values]
    assert matcher.match([facts]) == [
        {"tiny"} if v < 1e-20 else ({"r"} if v >= 1 else set()) for v in values
    ]


def test_numbers_are_bounded_at_validation(nolan) -> None:  # type: ignore[no-untyped-def]
    import json

    from probity.engine.errors import SubmissionError
    from tests.conftest import ROOT

    answers = json.loads((ROOT / "rules/examples/nolan-tender/strong.json").read_text())["answers"]
    answers["accountability"]["kpis_proposed"] = 2**70  # beyond what JSON encoders write
    try:
        Evaluator(nolan).evaluate(Submission("big", answers))
    except SubmissionError as exc:
        (violation,) = exc.violations
        assert violation.field == "accountability.kpis_proposed"
        assert "less than or equal to 1000000000000000" in violation.reason
    else:
        raise AssertionError("accepted an integer beyond 64 bits")
