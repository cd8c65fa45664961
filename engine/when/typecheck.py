"""Check a parsed expression against the rule set's declared inputs, reporting every problem."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import assert_never

from probity.engine.when import patterns
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
)

NUMERIC = frozenset({"integer", "number"})


@dataclass(frozen=True, slots=True)
class FieldType:
    """What an input holds: boolean, integer, number, string or list (of allowed strings)."""

    kind: str
    allowed: tuple[str, ...] = ()


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _kind_of_literal(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


_KIND_WORD = {
    "boolean": "a yes/no value",
    "integer": "a whole number",
    "number": "a number",
    "string": "a text",
    "list": "a list",
    "date": "a date",
    "condition": "a condition",
}


class _Checker:
    def __init__(self, fields: Mapping[str, FieldType]) -> None:
        self.fields = fields
        self.errors: list[ExpressionError] = []

    def fail(self, message: str, node: Node) -> None:
        self.errors.append(ExpressionError(message, node.pos))

    def value(self, node: Node) -> str | None:
        """Kind of a value expression, or None when it is already reported as wrong."""
        match node:
            case Field():
                declared = self.fields.get(node.path)
                if declared is None:
                    hint = did_you_mean(node.path, list(self.fields))
                    self.fail(f"unknown field '{node.path}'{hint}", node)
                    return None
                return declared.kind
            case Literal():
                return _kind_of_literal(node.value)
            case Neg():
                kind = self.value(node.operand)
                if kind is not None and kind not in NUMERIC:
                    self.fail(f"'-' needs a number, not {_KIND_WORD[kind]}", node)
                    return None
                return kind
            case Arith():
                return self.arith(node)
            case Compare() | In() | Contains() | Matches() | Exists() | Not() | BoolOp():
                self.condition(node)
                return "condition"
            case _:
                assert_never(node)

    def arith(self, node: Arith) -> str | None:
        kinds = [self.value(node.left), self.value(node.right)]
        for kind, side in zip(kinds, (node.left, node.right), strict=True):
            if kind is not None and kind not in NUMERIC:
                self.fail(f"'{node.op}' needs numbers, not {_KIND_WORD[kind]}", side)
                return None
        if node.op == "/":
            divisor = node.right.operand if isinstance(node.right, Neg) else node.right
            if not isinstance(divisor, Literal) or divisor.value == 0:
                self.fail("divide only by a fixed number other than 0", node.right)
                return None
        if None in kinds:
            return None
        return "number" if "number" in kinds or node.op == "/" else "integer"

    def condition(self, node: Node, negated: bool = False) -> None:
        match node:
            case BoolOp():
                for item in node.items:
                    self.condition(item, negated)
            case Not():
                self.condition(node.operand, not negated)
            case Matches() if negated:
                # durable_rules has no negated pattern match, and `not` is pushed down to it.
                self.fail("'not' cannot be used with 'matches'; write the pattern you want", node)
            case Compare():
                self.compare(node)
            case In():
                self.membership(node)
            case Contains():
                self.contains(node)
            case Matches():
                self.matches(node)
            case Exists():
                if not isinstance(node.operand, Field):
                    self.fail("'exists' and 'missing' apply to a field", node)
                else:
                    self.value(node.operand)
            case Field() | Literal() | Arith() | Neg():
                kind = self.value(node)
                if kind is not None and kind != "boolean":
                    what = _KIND_WORD[kind]
                    self.fail(
                        f"this is {what}, not a yes/no condition; compare it with a value", node
                    )
            case _:
                assert_never(node)

    def compare(self, node: Compare) -> None:
        left, right = self.value(node.left), self.value(node.right)
        if left is None or right is None:
            return
        if not any(isinstance(side, Field) for side in _leaves(node)):
            self.fail("this compares fixed values only; one side must read a field", node)
            return
        if "condition" in (left, right) or "list" in (left, right):
            self.fail(f"'{node.op}' compares single values; use 'contains' for a list", node)
            return
        if node.op in ("<", "<=", ">", ">="):
            if left not in NUMERIC or right not in NUMERIC:
                self.fail(f"'{node.op}' needs numbers on both sides", node)
            return
        same = left == right or (left in NUMERIC and right in NUMERIC)
        if not same:
            self.fail(f"cannot compare {_KIND_WORD[left]} with {_KIND_WORD[right]}", node)
            return
        self._allowed_literal(node.left, node.right)
        self._allowed_literal(node.right, node.left)

    def _allowed_literal(self, field: Node, literal: Node) -> None:
        if not (isinstance(field, Field) and isinstance(literal, Literal)):
            return
        declared = self.fields.get(field.path)
        if declared and declared.allowed and literal.value not in declared.allowed:
            hint = did_you_mean(str(literal.value), declared.allowed)
            choices = ", ".join(declared.allowed)
            self.fail(
                f"'{literal.value}' is not an allowed value of '{field.path}' ({choices}){hint}",
                literal,
            )

    def membership(self, node: In) -> None:
        kind = self.value(node.operand)
        if kind is None:
            return
        if kind not in NUMERIC and kind != "string":
            self.fail(f"'in' needs a number or a text on the left, not {_KIND_WORD[kind]}", node)
            return
        if not node.items:
            self.fail("the list after 'in' is empty", node)
        for item in node.items:
            if not isinstance(item, Literal):
                self.fail("the list after 'in' may hold fixed values only", item)
                continue
            item_kind = _kind_of_literal(item.value)
            if (item_kind in NUMERIC) != (kind in NUMERIC) or item_kind == "boolean":
                self.fail(
                    f"{_KIND_WORD[item_kind]} cannot be compared with {_KIND_WORD[kind]}", item
                )
            else:
                self._allowed_literal(node.operand, item)

    def contains(self, node: Contains) -> None:
        kind = self.value(node.collection)
        if kind is None:
            return
        if kind != "list" or not isinstance(node.collection, Field):
            self.fail(f"'contains' needs a list field on the left, not {_KIND_WORD[kind]}", node)
            return
        if not isinstance(node.item, Literal) or not isinstance(node.item.value, str):
            self.fail("'contains' needs a quoted text on the right", node.item)
            return
        declared = self.fields[node.collection.path]
        if node.item.value not in declared.allowed:
            hint = did_you_mean(node.item.value, declared.allowed)
            self.fail(
                f"'{node.item.value}' is not an allowed value of '{node.collection.path}'{hint}",
                node.item,
            )

    def matches(self, node: Matches) -> None:
        kind = self.value(node.operand)
        if kind is not None and (kind != "string" or not isinstance(node.operand, Field)):
            self.fail("'matches' needs a text field on the left", node)
        refused = patterns.problem(node.pattern)
        if refused is not None:
            self.fail(refused, node)


def _leaves(node: Node) -> list[Node]:
    if isinstance(node, (Compare, Arith)):
        return _leaves(node.left) + _leaves(node.right)
    if isinstance(node, Neg):
        return _leaves(node.operand)
    return [node]


def check(node: Node, fields: Mapping[str, FieldType]) -> list[ExpressionError]:
    """Every type error in a `when` expression (empty when it is well typed)."""
    checker = _Checker(fields)
    checker.condition(node)
    return checker.errors
