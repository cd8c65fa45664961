"""Random valid submissions for the shipped rule set, generated from its declared inputs."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.model import InputSpec
from probity.engine.compiler.partitions import fact_keys, partition
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import to_json
from tests.conftest import RULES, shipped
from tests.engine.reference import holds

NOLAN = shipped(RULES / "nolan-tender.yaml")


def _leaf(spec: InputSpec) -> st.SearchStrategy[Any]:
    low = int(spec.minimum) if spec.minimum is not None else -5
    high = int(spec.maximum) if spec.maximum is not None else 200
    if spec.type == "boolean":
        return st.booleans()
    if spec.type == "integer":
        return st.integers(low, high)
    if spec.type == "number":
        return st.one_of(st.integers(low, high), st.floats(low, high, allow_nan=False))
    if spec.type == "list":
        return st.lists(st.sampled_from(spec.allowed or []), unique=True)
    return st.sampled_from(spec.allowed) if spec.allowed else st.text(max_size=8)


@st.composite
def submissions(draw: Any, ruleset: CompiledRuleSet = NOLAN) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for spec in ruleset.spec.inputs:
        if not spec.required and draw(st.booleans()):
            continue
        *parents, last = spec.path.split(".")
        node = answers
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = draw(_leaf(spec))
    return answers


def _repartitioned(ruleset: CompiledRuleSet, budget: int) -> CompiledRuleSet:
    parts = partition(ruleset.rules, budget)
    keys = tuple(
        tuple(sorted(set().union(*(fact_keys(r["all"]) for r in p.values())))) for p in parts
    )
    # Same content, new engine name: registered in durable_rules as a separate ruleset.
    return dataclasses.replace(
        ruleset, digest=ruleset.digest[::-1], partitions=parts, partition_keys=keys
    )


EVALUATOR = Evaluator(NOLAN)
MANY_PARTITIONS = Evaluator(_repartitioned(NOLAN, 8))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(submissions(), min_size=1, max_size=12))
def test_every_level_fires_exactly_when_its_condition_holds(batch: list[dict[str, Any]]) -> None:
    values = [EVALUATOR.validator.validate(answers) for answers in batch]  # all valid
    facts = [EVALUATOR.facts.for_partitions(v) for v in values]
    fired = EVALUATOR.matcher.match(list(zip(*facts, strict=True)))
    for answers, rules in zip(values, fired, strict=True):
        reference = {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}
        for criterion in NOLAN.criteria:
            for level, condition in zip(criterion.levels, criterion.conditions, strict=True):
                assert (level.rule in rules) == holds(condition, reference), (
                    criterion.id,
                    level.rule,
                    answers,
                )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(submissions(), min_size=1, max_size=12))
def test_partitioning_never_changes_a_result(batch: list[dict[str, Any]]) -> None:
    assert len(MANY_PARTITIONS.ruleset.partitions) > len(NOLAN.partitions)
    items = [Submission(str(n), answers) for n, answers in enumerate(batch)]
    few = [to_json(r) for r in EVALUATOR.evaluate_many(items)]  # type: ignore[arg-type]
    many = [to_json(r) for r in MANY_PARTITIONS.evaluate_many(items)]  # type: ignore[arg-type]
    # The copy differs only in the digest it was given, so as to register separately.
    digest = NOLAN.digest.encode()
    assert few == [m.replace(digest[::-1], digest) for m in many]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(submissions(), min_size=2, max_size=8))
def test_one_at_a_time_gives_what_a_batch_gives(batch: list[dict[str, Any]]) -> None:
    """A batch of one reads durable_rules' messages by rule name alone (matcher._fire)."""
    items = [Submission(str(n), answers) for n, answers in enumerate(batch)]
    together = [to_json(r) for r in EVALUATOR.evaluate_many(items)]  # type: ignore[arg-type]
    alone = [to_json(EVALUATOR.evaluate(item)) for item in items]  # type: ignore[arg-type]
    assert alone == together
