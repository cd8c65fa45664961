"""The durable_rules limits in shared/notes/durable-rules.md, each shown to be handled."""

from __future__ import annotations

from engine.evaluator import Evaluator, Submission
from engine.matcher import Matcher
from engine.ruleset import compile_text
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
    assert [o.band for o in outcomes] == ["excluded", "compliant", "excluded"]  # type: ignore[union-attr]


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
    matcher = Matcher("forge-test", definition)
    fired = matcher.match([{"f0": 'x"},{"m":{"i":1'}, {"f0": "nope"}])
    assert fired == [{"r", "seen"}, {"seen"}]


def test_big_batches_are_split_into_sessions(mini) -> None:  # type: ignore[no-untyped-def]
    outcomes = Evaluator(mini).evaluate_many([Submission(str(n), MINI_STRONG) for n in range(2500)])
    assert all(o.band == "compliant" for o in outcomes)  # type: ignore[union-attr]
