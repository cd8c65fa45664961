"""Package compiled rules as durable_rules rulesets it can run safely.

durable_rules walks its condition tree with a fixed stack of 64 nodes (MAX_STACK_SIZE in its
events.c): a fact matching more conditions at once fails with "error code: 303", and the
process may crash after. Each node is pushed at most once, so a ruleset of fewer than 64
condition nodes is safe: a rule set is split into partitions of at most NODE_BUDGET nodes,
each a durable_rules ruleset of its own with a catch-all rule.
"""

from __future__ import annotations

from typing import Any

NODE_BUDGET = 48
# Facts per durable_rules session; each rule hands back up to this many matches at once.
BATCH_CAP = 1024
# Every fact must match some rule, or durable_rules drops the batch's actions and may crash
# when the session is deleted (ARCHITECTURE.md, "durable_rules").
CATCH_ALL = "seen"
CATCH_ALL_RULE = {"all": [{"m": {"$ex": {"i": 1}}}], "cap": BATCH_CAP}


def condition_nodes(condition: dict[str, Any]) -> tuple[int, int]:
    """(paths, nodes) of a durable_rules condition once `$or` is expanded into its paths."""
    if "$and" in condition or "$or" in condition:
        parts = [condition_nodes(c) for c in condition.get("$and", condition.get("$or", []))]
        if "$or" in condition:
            return sum(p for p, _ in parts), sum(n for _, n in parts)
        paths = 1
        for p, _ in parts:
            paths *= p
        return paths, sum(n * (paths // p) for p, n in parts)
    return 1, 1


def rule_nodes(rule: dict[str, Any]) -> int:
    """Condition nodes of a rule, over all its facts (a multi-fact rule has one per fact)."""
    return sum(condition_nodes(body)[1] for leg in rule["all"] for body in leg.values())


def fact_keys(legs: list[dict[str, Any]]) -> set[str]:
    """The fact keys a single-fact rule reads, given its `all` ([{alias: condition}]; the
    alias names the fact, not a key). For a tender rule set's partitions: monitoring's
    multi-fact rules are given whole facts."""
    keys: set[str] = set()
    stack: list[Any] = [condition for leg in legs for condition in leg.values()]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "$m":
                    keys.add(value)
                elif not key.startswith("$"):
                    keys.add(key)
                stack.append(value)
    return keys - {"i"}


def partition(rules: dict[str, Any], budget: int = NODE_BUDGET) -> tuple[dict[str, Any], ...]:
    """Rules packed in order into durable_rules rulesets under NODE_BUDGET, each with a
    catch-all so that no fact is ever unhandled there."""
    parts: list[dict[str, Any]] = []
    used = budget
    for name, rule in rules.items():
        nodes = rule_nodes(rule)
        if used + nodes > budget:
            parts.append({CATCH_ALL: CATCH_ALL_RULE})
            used = 1
        parts[-1][name] = rule
        used += nodes
    return tuple(parts) or ({CATCH_ALL: CATCH_ALL_RULE},)
