"""A plain-Python reading of the expression language, to check the durable_rules compiler."""

from __future__ import annotations

import re
from typing import Any

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
)

MISSING = object()


def value(node: Node, answers: dict[str, Any]) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Field):
        return answers.get(node.path, MISSING)
    if isinstance(node, Neg):
        inner = value(node.operand, answers)
        return MISSING if inner is MISSING else -inner
    if isinstance(node, Arith):
        left, right = value(node.left, answers), value(node.right, answers)
        if left is MISSING or right is MISSING:
            return MISSING
        return {"+": left + right, "-": left - right, "*": left * right}.get(
            node.op, left / right if node.op == "/" else None
        )
    raise TypeError(node)


def holds(node: Node, answers: dict[str, Any]) -> bool:
    """True when the condition holds; a comparison with a missing answer never holds."""
    if isinstance(node, BoolOp):
        results = [holds(item, answers) for item in node.items]
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return _negated(node.operand, answers)
    if isinstance(node, Field):
        return answers.get(node.path) is True
    if isinstance(node, Compare):
        left, right = value(node.left, answers), value(node.right, answers)
        if left is MISSING or right is MISSING:
            return False
        return {
            "==": left == right,
            "!=": left != right,
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
        }[node.op]
    if isinstance(node, In):
        subject = value(node.operand, answers)
        if subject is MISSING:
            return False
        inside = any(subject == item.value for item in node.items)
        return not inside if node.negated else inside
    if isinstance(node, Contains):
        items = value(node.collection, answers)
        assert isinstance(node.item, Literal)
        return items is not MISSING and node.item.value in items
    if isinstance(node, Matches):
        text = value(node.operand, answers)
        return text is not MISSING and re.fullmatch(node.pattern, text, re.DOTALL) is not None
    if isinstance(node, Exists):
        present = value(node.operand, answers) is not MISSING
        return not present if node.negated else present
    raise TypeError(node)


def _negated(node: Node, answers: dict[str, Any]) -> bool:
    """`not X`: like the engine, negation of a comparison on a missing answer is false too."""
    if isinstance(node, BoolOp):
        results = [_negated(item, answers) for item in node.items]
        return any(results) if node.op == "and" else all(results)
    if isinstance(node, Not):
        return holds(node.operand, answers)
    if isinstance(node, Field):
        return answers.get(node.path) is False
    if isinstance(node, Compare):
        flipped = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}[node.op]
        return holds(Compare(flipped, node.left, node.right, node.pos), answers)
    if isinstance(node, In):
        return holds(In(node.operand, node.items, not node.negated, node.pos), answers)
    if isinstance(node, Contains):
        items = value(node.collection, answers)
        assert isinstance(node.item, Literal)
        return items is not MISSING and node.item.value not in items
    if isinstance(node, Exists):
        return holds(Exists(node.operand, not node.negated, node.pos), answers)
    raise TypeError(node)
