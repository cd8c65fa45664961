"""engine.evaluation.acceptance: a condition durable_rules refuses, at its line in words."""

from __future__ import annotations

from dataclasses import replace

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.errors import Code
from probity.engine.evaluation.acceptance import REFUSED, refusals


def test_a_condition_durable_rules_refuses_is_reported_at_its_line(mini: CompiledRuleSet) -> None:
    """No condition the compiler writes is known to be refused now that patterns are matched
    outside durable_rules; this pattern, given to it directly, was ("error code: 503"), and
    stands for whatever it may refuse next."""
    name = next(iter(mini.rules))
    refused = {"all": [{"m": {"$mt": {"a": "ab+(a|b)b+(a|b)?[0-9]a[0-9](a|b)(a|b)[0-9]"}}}]}
    broken = replace(
        mini,
        rules={**mini.rules, name: refused},
        partitions=({**mini.partitions[0], name: refused},),
    )
    (problem,) = refusals(broken)
    assert (problem.line, problem.col) == mini.rule_positions[name]
    assert problem.message == REFUSED and problem.code == Code.ENGINE_REFUSED
    assert refusals(mini) == []
