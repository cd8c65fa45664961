"""Answers → the facts durable_rules sees."""

from __future__ import annotations

import json

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.evaluation.evaluator import Evaluator
from tests.conftest import ROOT


def _strong(nolan: CompiledRuleSet) -> dict[str, object]:
    """The strong example's answers, with the evaluation panel's score of SEL-02."""
    path = ROOT / "rules/examples/nolan-tender/strong.json"
    answers = json.loads(path.read_text())["answers"]
    answers["panel"] = {"sel_02": {"points": 4, "rationale": "Named safeguards."}}
    values: dict[str, object] = Evaluator(nolan).validator.validate(answers)
    return values


def test_each_partition_fact_holds_exactly_the_keys_its_rules_read(nolan) -> None:  # type: ignore[no-untyped-def]
    evaluator = Evaluator(nolan)
    values = _strong(nolan)
    facts = evaluator.facts.for_partitions(values)
    assert len(facts) == len(nolan.partition_keys) > 1
    for fact, keys in zip(facts, nolan.partition_keys, strict=True):
        assert set(fact) == set(keys)  # every answer is given in the strong example
    # The whole fact (for monitoring joins) still has every key: a list's length and flags.
    whole = evaluator.facts.fact(values)
    published = nolan.layout.keys["openness.published"]
    flags = len(nolan.layout.types["openness.published"].allowed)
    assert {published, *(f"{published}_{n}" for n in range(flags))} <= set(whole)
    assert {k for fact in facts for k in fact} < set(whole)
