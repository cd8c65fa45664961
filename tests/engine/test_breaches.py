"""Monitoring patterns as durable_rules joins, and the durable_rules quirk they work around."""

from __future__ import annotations

import itertools
from typing import Any

import durable_rules_engine as dre
import orjson
import pytest

from engine.compiled import CompiledRuleSet
from engine.ruleset import load_file
from tests.conftest import FIXTURES

_NAMES = itertools.count()


def fired_pairs(
    first: dict[str, Any], second: dict[str, Any], facts: list[dict[str, Any]]
) -> set[tuple[int, int]]:
    """Which (first, second) facts a two-leg rule pairs, run straight on durable_rules."""
    rules = {
        "seen": {"all": [{"m": {"$ex": {"i": 1}}}], "cap": 100},
        "pair": {"all": [{"a": first}, {"b": second}], "cap": 100},
    }
    handle = dre.create_ruleset(f"join-quirk-{next(_NAMES)}", orjson.dumps(rules).decode())
    result = dre.assert_facts(handle, orjson.dumps([{**f, "sid": "s"} for f in facts]).decode())
    state, pairs = result[1], set()
    action = dre.start_action_for_state(handle, state)
    message = action[1] if action else None
    while message:
        for rule, matches in orjson.loads(message).items():
            if rule == "pair":
                pairs.update((m["a"]["i"], m["b"]["i"]) for m in matches)
        message = dre.complete_and_start_action(handle, state)
    dre.delete_state(handle, "s")
    return pairs


FACTS = [{"i": 1, "p": 10, "k": 1, "l": 31}, {"i": 2, "p": 12, "k": 1, "l": 31}]  # not consecutive
NEXT = {"p": {"$add": {"$l": {"a": "p"}, "$r": 1}}}
NESTED = {"$and": [{"$gt": {"k": 0}}, {"$gt": {"l": 30}}]}


def test_durable_rules_ignores_a_join_test_after_a_nested_group() -> None:
    # The quirk: with a nested $and (or $or) before it, the join test is not applied.
    assert fired_pairs(NESTED, {"$and": [NESTED, NEXT]}, FACTS) == {(1, 2), (2, 1)}
    # Join tests first, and it holds: nothing pairs periods 10 and 12, and 10 pairs with 11.
    assert fired_pairs(NESTED, {"$and": [NEXT, NESTED]}, FACTS) == set()
    consecutive = [FACTS[0], {**FACTS[1], "p": 11}]
    assert fired_pairs(NESTED, {"$and": [NEXT, NESTED]}, consecutive) == {(1, 2)}


@pytest.fixture(scope="module")
def patterns() -> CompiledRuleSet:
    return load_file(FIXTURES / "patterns-monitoring.yaml")


def _references(node: Any) -> bool:
    """Does a condition read another leg's fact (a join test)?"""
    if isinstance(node, dict):
        return any(k in ("r0", "r1", "r2", "k") or _references(v) for k, v in node.items())
    if isinstance(node, list):
        return any(_references(v) for v in node)
    return False


def test_every_compiled_leg_puts_its_join_tests_first(patterns: CompiledRuleSet) -> None:
    legs = 0
    for rule in patterns.rules.values():
        for leg in rule["all"][1:]:
            (body,) = leg.values()
            tests = body["$and"]
            joins = [_references(t) for t in tests]
            assert joins == sorted(joins, reverse=True), body  # joins, then the rest
            legs += 1
    assert legs >= 8


def test_a_multi_leg_check_counts_every_leg_against_the_node_budget() -> None:
    text = (FIXTURES / "patterns-monitoring.yaml").read_text()
    long_when = " and ".join(f"m.x > {n}" for n in range(8))
    bloated = text.replace("when: m.x > 5, periods: 3", f"when: {long_when}, periods: 6")
    from engine.errors import RuleFileError
    from engine.ruleset import compile_text

    with pytest.raises(RuleFileError) as caught:
        compile_text(bloated, "bloated.yaml")
    (problem,) = caught.value.diagnostics
    assert (
        "too complex for the rules engine" in problem.message
        and "across its returns" in problem.message
    )
