"""A `when` condition in plain words, for the people who read findings: each answer by its
label (the input's `label`, else its `question`, else a name made from its path), numbers
with their unit, comparisons and logic in words. No dotted path, operator or quote mark of
the rule language reaches a bidder.

    staff.ethics_training_pct >= 60         → "staff trained in ethics at least 60%"
    coi.declared                            → "interests declared: yes"
    policies contains "whistleblowing"      → "policies include whistleblowing"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import assert_never

from probity.engine.phrasing import joined
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

_PERCENT = re.compile(r"(?:[._]pct|[._]percent|_percentage)$")
_COMPARE = {
    ">=": "at least",
    ">": "more than",
    "<=": "at most",
    "<": "less than",
    "==": "",
    "!=": "not",
}
_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}
_ARITH = {"+": "plus", "-": "minus", "*": "times", "/": "divided by"}


@dataclass(frozen=True, slots=True)
class Term:
    """How an answer is named and its values shown."""

    label: str
    percent: bool = False  # a share in percent: numbers are shown with %
    boolean: bool = False  # a yes/no answer
    values: Mapping[str, str] = field(default_factory=dict)  # allowed values' labels


def term_for(
    path: str, label: str | None, kind: str, values: Mapping[str, str] | None = None
) -> Term:
    """An input's term: its label, or a name made from its path: the last part, and the
    one before it when the path is deeper than principle.answer ("complaints collected"
    from accountability.complaints.collected)."""
    percent = bool(_PERCENT.search(path))
    if label is None:
        parts = path.split(".")
        named = (
            [p for p in parts[-2:] if p not in ("pct", "percent")] if len(parts) > 2 else parts[-1:]
        )
        label = _PERCENT.sub("", " ".join(named)).replace("_", " ").strip()
    label = label.removesuffix(" (%)") if percent else label
    return Term(label, percent, kind == "boolean", dict(values or {}))


Terms = Mapping[str, Term]


def words(node: Node, terms: Terms, subject: str | None = None) -> str:
    """`node` in words. With `subject` (a field the reader already sees), comparisons of
    that field leave its label out: "at least 60%" beside the answer it is about."""
    match node:
        case Compare():
            return _compare(node, terms, subject)
        case Field():
            return _named(node.path, terms, subject, "yes")
        case Not() if isinstance(node.operand, Field):
            return _named(node.operand.path, terms, subject, "no")
        case Not():
            return f"not so: {words(node.operand, terms, subject)}"
        case BoolOp():
            return f" {node.op} ".join(_grouped(item, terms, subject) for item in node.items)
        case In():
            unit = term_of(node.operand.path, terms) if isinstance(node.operand, Field) else None
            values = joined(list(dict.fromkeys(_value(i.value, unit) for i in node.items)), "or")
            verb = "none of" if node.negated else "one of"
            head = _subject(node.operand, terms, subject)
            return f"{head}is {verb} {values}" if head else f"{verb} {values}"
        case Contains():
            head = _subject(node.collection, terms, subject)
            item = node.item
            if isinstance(item, Literal) and isinstance(node.collection, Field):
                return f"{head}includes {_value(item.value, term_of(node.collection.path, terms))}"
            return f"{head}includes {_operand(item, terms)}".strip()
        case Matches():
            return f"{_subject(node.operand, terms, subject)}in the required form".strip()
        case Exists():
            head = _subject(node.operand, terms, subject)
            return f"{head}{'not answered' if node.negated else 'answered'}".strip()
        case Literal() | Arith() | Neg():
            return _operand(node, terms)
        case _:
            assert_never(node)


def _grouped(node: Node, terms: Terms, subject: str | None) -> str:
    text = words(node, terms, subject)
    return f"({text})" if isinstance(node, BoolOp) else text


def _named(path: str, terms: Terms, subject: str | None, answer: str) -> str:
    return answer if path == subject else f"{term_of(path, terms).label}: {answer}"


def _subject(node: Node, terms: Terms, subject: str | None) -> str:
    """The label a phrase starts with, or nothing when the reader already sees it."""
    if isinstance(node, Field) and node.path == subject:
        return ""
    return _operand(node, terms) + " "


def _compare(node: Compare, terms: Terms, subject: str | None) -> str:
    left, op, right = node.left, node.op, node.right
    if isinstance(left, Literal) and not isinstance(right, Literal):
        left, right, op = right, left, _FLIP[op]
    unit = term_of(left.path, terms) if isinstance(left, Field) else None
    if isinstance(left, Field) and unit is not None and unit.boolean and isinstance(right, Literal):
        yes = bool(right.value) == (op == "==")
        return _named(left.path, terms, subject, "yes" if yes else "no")
    head = _subject(left, terms, subject)
    value = _value(right.value, unit) if isinstance(right, Literal) else _operand(right, terms)
    if op in ("==", "!=") and isinstance(right, Literal):  # an answer, named: "plan: costed"
        shown = value if op == "==" else f"not {value}"
        return f"{head.rstrip()}: {shown}" if head else shown
    return f"{head}{_COMPARE[op]} {value}"


def _operand(node: Node, terms: Terms) -> str:
    match node:
        case Field():
            return term_of(node.path, terms).label
        case Literal():
            return _value(node.value, None)
        case Arith():
            return f"{_operand(node.left, terms)} {_ARITH[node.op]} {_operand(node.right, terms)}"
        case Neg():
            return f"minus {_operand(node.operand, terms)}"
        case _:
            return words(node, terms)


def _value(value: object, unit: Term | None) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        shown = f"{value:g}"
        return f"{shown}%" if unit is not None and unit.percent else shown
    if unit is not None and str(value) in unit.values:
        return unit.values[str(value)]
    return str(value).replace("_", " ")


def term_of(path: str, terms: Terms) -> Term:
    """The term of an answer: as declared, else one made from its path."""
    return terms.get(path) or term_for(path, None, "")
