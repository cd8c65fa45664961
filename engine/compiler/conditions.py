"""Compile a type-checked expression into a durable_rules condition (its JSON rule language).

A submission becomes one flat fact: each declared input gets a short key, and a list input
becomes one yes/no flag per allowed value (durable_rules' own array operators disagree on
empty lists). Negation is pushed down to the comparisons, since durable_rules has no `not`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, assert_never

from probity.engine.when import three_valued
from probity.engine.when.expression import (
    Arith,
    BoolOp,
    Compare,
    Contains,
    Exists,
    ExpressionError,
    Field,
    In,
    Literal,
    Matches,
    Neg,
    Node,
    Not,
    fields_of,
)
from probity.engine.when.typecheck import FieldType

_OPS = {"==": "$eq", "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NEGATE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_ARITH = {"+": "$add", "-": "$sub", "*": "$mul", "/": "$div"}
# Every fact carries its index under this key; the session's own state object does not.
INDEX_KEY = "i"


@dataclass(frozen=True, slots=True)
class FactLayout:
    """Where each input lives in the flat fact handed to durable_rules."""

    keys: Mapping[str, str]
    types: Mapping[str, FieldType]
    # Each text input's `matches` patterns, in the order the conditions named them: filled
    # as conditions compile, read by the fact builder, which writes one flag per pattern.
    patterns: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def for_inputs(cls, types: Mapping[str, FieldType]) -> FactLayout:
        return cls({path: _short_key(n) for n, path in enumerate(types)}, types)

    def flag(self, path: str, value: str) -> str:
        return f"{self.keys[path]}_{self.types[path].allowed.index(value)}"

    def pattern_flag(self, path: str, pattern: str) -> str:
        """The key of the yes/no flag saying whether the text input matches `pattern`."""
        known = self.patterns.setdefault(path, [])
        if pattern not in known:
            known.append(pattern)
        return pattern_key(self.keys[path], known.index(pattern))


def pattern_key(key: str, n: int) -> str:
    """The flag of a text input's n-th pattern: keys are letters only, so none other holds
    a digit before its "_"."""
    return f"{key}0_{n}"


# Fact keys are as short as they can be: durable_rules parses every key of every fact and
# echoes whole facts back in its messages. Never "i" (each fact's index) and never with "_"
# (list flags are "<key>_<n>").
_KEY_LETTERS = "abcdefghjklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _short_key(n: int) -> str:
    """a, b, … Z, then ba, bb, …: a distinct key per input, never "i" nor "sid"."""
    base = len(_KEY_LETTERS)
    key = _KEY_LETTERS[n % base]
    n //= base
    while n:
        key = _KEY_LETTERS[n % base] + key
        n //= base
    return key


def compile_condition(node: Node, layout: FactLayout) -> dict[str, Any]:
    """The body of durable_rules' `{"m": ...}` for a well-typed condition."""
    return _Compiler(layout).cond(node, negated=False)


def _exists(key: str) -> dict[str, Any]:
    return {"$ex": {key: 1}}


class _Compiler:
    def __init__(self, layout: FactLayout) -> None:
        self.layout = layout

    def key(self, node: Field) -> str:
        return self.layout.keys[node.path]

    def cond(self, node: Node, negated: bool) -> dict[str, Any]:
        match node:
            case BoolOp():
                # De Morgan: not (a and b) == not a or not b.
                op = {"and": "$and", "or": "$or"}[node.op]
                if negated:
                    op = "$or" if op == "$and" else "$and"
                return {op: [self.cond(item, negated) for item in node.items]}
            case Not():
                return self.cond(node.operand, not negated)
            case Field():  # a yes/no field on its own (1 or 0 in facts)
                return {"$eq": {self.key(node): int(not negated)}}
            case Compare():
                return self.compare(node, negated)
            case In():
                return self.membership(node, negated)
            case Contains():
                assert isinstance(node.collection, Field) and isinstance(node.item, Literal)
                flag = self.layout.flag(node.collection.path, str(node.item.value))
                return {"$eq": {flag: int(not negated)}}
            case Matches():
                # Matched by RE2 as the fact is built (engine.when.patterns): a flag here.
                assert isinstance(node.operand, Field) and not negated
                flag = self.layout.pattern_flag(node.operand.path, node.pattern)
                return {"$eq": {flag: 1}}
            case Exists():
                assert isinstance(node.operand, Field)
                if node.negated != negated:
                    # `$nex` also matches the session's state object: require a real fact.
                    return {"$and": [_exists(INDEX_KEY), {"$nex": {self.key(node.operand): 1}}]}
                return _exists(self.key(node.operand))
            case Literal() | Arith() | Neg():
                raise ExpressionError("this is not a condition", node.pos)
            case _:
                assert_never(node)

    def compare(self, node: Compare, negated: bool) -> dict[str, Any]:
        op = _NEGATE[node.op] if negated else node.op
        isolated = _isolate(node.left, op, node.right) or _isolate(node.right, _FLIP[op], node.left)
        if isolated is None:
            raise ExpressionError(
                "cannot compare two calculations; rewrite it so that one field stands alone "
                "on one side, or is only added to, subtracted from or multiplied by numbers",
                node.pos,
            )
        field, op, other = isolated
        key = self.key(field)
        test = {_OPS[op]: {key: self.value(other)}}
        # durable_rules computes with a missing answer as if it were given, and a missing
        # answer is never 'different from' anything: require every answer the test reads.
        guards = [_exists(self.key(f)) for f in fields_of(other)]
        if op == "!=":
            guards.insert(0, _exists(key))
        return {"$and": [*guards, test]} if guards else test

    def membership(self, node: In, negated: bool) -> dict[str, Any]:
        assert isinstance(node.operand, Field | Arith | Neg | Literal)
        inside = node.negated != negated
        op = "!=" if inside else "=="
        tests = [
            self.compare(Compare(op, node.operand, item, node.pos), False) for item in node.items
        ]
        if len(tests) == 1:
            return tests[0]
        return {"$and" if inside else "$or": tests}

    def value(self, node: Node) -> Any:
        constant = three_valued.value(node, {})  # None when it reads a field
        if constant is not None:
            # durable_rules evaluates arithmetic only when a field is involved: fold the rest.
            return int(constant) if isinstance(constant, bool) else constant
        match node:
            case Literal():
                return int(node.value) if isinstance(node.value, bool) else node.value
            case Field():
                return {"$m": self.key(node)}
            case Neg():
                operand = node.operand
                if isinstance(operand, Literal) and not isinstance(operand.value, str | bool):
                    return -operand.value
                return {"$mul": {"$l": -1, "$r": self.value(operand)}}
            case Arith():
                left, right = self.value(node.left), self.value(node.right)
                return {_ARITH[node.op]: {"$l": left, "$r": right}}
            case Compare() | In() | Contains() | Matches() | Exists() | Not() | BoolOp():
                raise ExpressionError("expected a value here", node.pos)
            case _:
                assert_never(node)


def _positive_constant(node: Node) -> bool:
    return isinstance(node, Literal) and not isinstance(node.value, bool | str) and node.value > 0


def _isolate(left: Node, op: str, right: Node) -> tuple[Field, str, Node] | None:
    """Rewrite `left op right` as `field op expression`: durable_rules wants a field on the left."""
    if isinstance(left, Field):
        return left, op, right
    if isinstance(left, Neg):  # -x op r  ==  x flip(op) -r
        return _isolate(left.operand, _FLIP[op], Neg(right, right.pos))
    if not isinstance(left, Arith):
        return None
    a, b, pos = left.left, left.right, left.pos
    if left.op == "+":
        return _isolate(a, op, Arith("-", right, b, pos)) or _isolate(
            b, op, Arith("-", right, a, pos)
        )
    if left.op == "-":  # a - b op r: a op r + b; or b flip(op) a - r
        return _isolate(a, op, Arith("+", right, b, pos)) or _isolate(
            b, _FLIP[op], Arith("-", a, right, pos)
        )
    inverse = "/" if left.op == "*" else "*"
    if _positive_constant(b):
        return _isolate(a, op, Arith(inverse, right, b, pos))
    if left.op == "*" and _positive_constant(a):
        return _isolate(b, op, Arith("/", right, a, pos))
    return None
