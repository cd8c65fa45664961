"""Would a condition hold, not hold, or is that unknown because answers are missing?

durable_rules decides which criteria are met. When one is not met and some answer it reads
is missing, this tells the two cases apart: if the given answers already rule it out (a
supplier with no register cannot have reviewed it recently) the criterion is *not met*;
if the missing answers could still have made it hold, its *evidence is missing*.
Kleene's three-valued logic: None is unknown.
"""

from __future__ import annotations

from typing import Any, assert_never

from probity.engine.when import patterns
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
    fields_of,
)

_COMPARE = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def value(node: Node, values: dict[str, Any]) -> Any:
    """The value of an operand, or None when it reads a missing answer."""
    match node:
        case Literal():
            return node.value
        case Field():
            return values.get(node.path)
        case Neg():
            inner = value(node.operand, values)
            return None if inner is None else -inner
        case Arith():
            left, right = value(node.left, values), value(node.right, values)
            if left is None or right is None:
                return None
            if node.op == "+":
                return left + right
            if node.op == "-":
                return left - right
            return left * right if node.op == "*" else left / right
        case Compare() | In() | Contains() | Matches() | Exists() | Not() | BoolOp():
            raise TypeError(node)  # a condition, not a value: the type checks rule it out
        case _:
            assert_never(node)


def truth(node: Node, values: dict[str, Any]) -> bool | None:
    match node:
        case BoolOp():
            results = [truth(item, values) for item in node.items]
            decisive = node.op == "or"  # True decides an `or`, False decides an `and`
            if decisive in results:
                return decisive
            return None if None in results else not decisive
        case Not():
            inner = truth(node.operand, values)
            return None if inner is None else not inner
        case Exists():
            present = value(node.operand, values) is not None
            return not present if node.negated else present
        case Field():
            return values.get(node.path)  # a yes/no answer, or None when missing
        case Compare():
            left, right = value(node.left, values), value(node.right, values)
            return None if left is None or right is None else _COMPARE[node.op](left, right)
        case In():
            subject = value(node.operand, values)
            if subject is None:
                return None
            return (subject in [item.value for item in node.items]) != node.negated
        case Contains():
            items = value(node.collection, values)
            return None if items is None else value(node.item, values) in items
        case Matches():
            text = value(node.operand, values)
            return None if text is None else patterns.fullmatcher(node.pattern)(text)
        case Literal() | Arith() | Neg():
            raise TypeError(node)  # a value, not a condition: the type checks rule it out
        case _:
            assert_never(node)


def part_holds(node: Node, field: str, values: dict[str, Any]) -> bool | None:
    """Whether the part of a condition that reads `field` holds: the condition with every
    comparison of other answers left out (an `and` of the rest, an `or` of the rest, under
    the same `not`s). It says which part of a compound condition a submission fell short
    on: of "register kept and reviewed within 12 months", a supplier with no register
    fails the first part. None when unknown (the answer is missing) or the condition does
    not read `field`."""
    found = _part(node, field, values)
    return None if found is _ABSENT else found  # type: ignore[return-value]


_ABSENT = object()  # the node does not read the field


def _part(node: Node, field: str, values: dict[str, Any]) -> object:
    if isinstance(node, BoolOp):
        parts = [p for p in (_part(i, field, values) for i in node.items) if p is not _ABSENT]
        if not parts:
            return _ABSENT
        decisive = node.op == "or"  # True decides an or, False an and
        if decisive in parts:
            return decisive
        return None if None in parts else not decisive
    if isinstance(node, Not):
        inner = _part(node.operand, field, values)
        return inner if inner is _ABSENT or inner is None else not inner
    if not any(f.path == field for f in fields_of(node)):
        return _ABSENT
    return truth(node, values)
