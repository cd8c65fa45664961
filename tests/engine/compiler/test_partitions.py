"""Packing compiled rules into durable_rules rulesets, and what each partition's facts hold."""

from __future__ import annotations

from probity.engine.compiler.partitions import (
    CATCH_ALL,
    NODE_BUDGET,
    fact_keys,
    partition,
    rule_nodes,
)


def test_fact_keys_are_the_keys_read_not_the_fact_aliases() -> None:
    condition = {"$and": [{"$eq": {"a": 1}}, {"$lte": {"h": 6}}, {"$gt": {"q": {"$m": "b"}}}]}
    assert fact_keys([{"m": condition}]) == {"a", "h", "q", "b"}
    assert fact_keys([{"m": {"$ex": {"i": 1}}}]) == set()  # the index is always sent


def test_partitions_stay_under_the_node_budget_and_each_has_a_catch_all() -> None:
    rules = {f"r{n}": {"all": [{"m": {"$eq": {f"k{n}": 1}}}]} for n in range(200)}
    parts = partition(rules)
    assert len(parts) > 1
    for part in parts:
        assert CATCH_ALL in part
        assert sum(rule_nodes(rule) for rule in part.values()) <= NODE_BUDGET
    assert sorted(name for part in parts for name in part if name != CATCH_ALL) == sorted(rules)
