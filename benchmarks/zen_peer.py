"""GoRules zen-engine as a peer: a rule set's criteria as one JDM decision table (hit policy
"collect", one row per criterion level, each row one condition in ZEN's expression
language), evaluated through ZenEngine.evaluate with a static loader.

It does what the matching does (which levels hold), not the scoring, explanations,
evidence and sources Probity's findings carry; the comparison says so beside its figure.
"""

from __future__ import annotations

import json
from typing import Any

import zen

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.when.expression import (
    Arith,
    BoolOp,
    Compare,
    Contains,
    Exists,
    Field,
    In,
    Literal,
    Matches,
    Neg,
    Node,
    Not,
    parse,
)

KEY = "ruleset.json"


def zen_expression(node: Node) -> str:
    """A `when` condition in ZEN's expression language."""
    match node:
        case Field():
            return node.path
        case Literal():
            return json.dumps(node.value)
        case Arith():
            return f"({zen_expression(node.left)} {node.op} {zen_expression(node.right)})"
        case Neg():
            return f"(-{zen_expression(node.operand)})"
        case Compare():
            return f"({zen_expression(node.left)} {node.op} {zen_expression(node.right)})"
        case In():
            items = ", ".join(json.dumps(i.value) for i in node.items)
            test = f"({zen_expression(node.operand)} in [{items}])"
            return f"(not {test})" if node.negated else test
        case Contains():
            return f"contains({zen_expression(node.collection)}, {zen_expression(node.item)})"
        case Matches():
            return f"matches({zen_expression(node.operand)}, {json.dumps(node.pattern)})"
        case Exists():
            return f"({zen_expression(node.operand)} {'==' if node.negated else '!='} null)"
        case Not():
            return f"(not {zen_expression(node.operand)})"
        case BoolOp():
            return "(" + f" {node.op} ".join(zen_expression(i) for i in node.items) + ")"
    raise TypeError(f"no ZEN form for {node!r}")


def levels(ruleset: CompiledRuleSet) -> list[tuple[str, int, str]]:
    """(criterion id, level number, condition) for every level of every criterion."""
    rows = []
    for criterion in ruleset.spec.criteria:
        conditions = (
            [level.when for level in criterion.levels] if criterion.levels else [criterion.when]
        )
        for n, when in enumerate(conditions):
            if when is None:
                continue
            if criterion.applies_when:  # met only where it applies
                when = f"({criterion.applies_when}) and ({when})"
            rows.append((criterion.id, n, when))
    return rows


def decision(ruleset: CompiledRuleSet) -> str:
    """The JDM graph: request → one collect decision table → response."""
    column = "condition"
    rules = [
        {"_id": f"r{n}", column: zen_expression(parse(when)), "level": json.dumps(f"{cid}:{k}")}
        for n, (cid, k, when) in enumerate(levels(ruleset))
    ]
    table = {
        "hitPolicy": "collect",
        "inputs": [{"id": column, "name": "Condition", "type": "expression"}],
        "outputs": [{"id": "level", "name": "Level", "type": "expression", "field": "level"}],
        "rules": rules,
    }
    nodes = [
        {"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
        {
            "id": "table",
            "type": "decisionTableNode",
            "name": ruleset.id,
            "position": {"x": 200, "y": 0},
            "content": table,
        },
        {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 400, "y": 0}},
    ]
    edges = [
        {"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
        {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"},
    ]
    return json.dumps({"contentType": "application/vnd.gorules.decision", "nodes": nodes,
                       "edges": edges})  # fmt: skip


class ZenPeer:
    """One ZenEngine holding the rule set's decision, loaded once (a static loader)."""

    def __init__(self, ruleset: CompiledRuleSet) -> None:
        content = decision(ruleset)
        self.engine = zen.ZenEngine({"loader": lambda key: content})

    def matched(self, answers: dict[str, Any]) -> dict[str, int]:
        """Criterion id → the first level that holds (as Probity scores it)."""
        rows = self.engine.evaluate(KEY, answers)["result"]
        first: dict[str, int] = {}
        for row in rows if isinstance(rows, list) else [rows]:
            criterion, _, level = str(row["level"]).rpartition(":")
            first[criterion] = min(first.get(criterion, 1 << 30), int(level))
        return first
