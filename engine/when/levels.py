"""Find score levels that can never be reached because earlier levels already cover them.

Exact for conditions on one numeric field (comparisons, `in`, and/or of those) and for a
condition repeated word for word; other conditions are never reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from probity.engine.when.expression import BoolOp, Compare, Field, In, Literal, Node, render


@dataclass(frozen=True, slots=True)
class Interval:
    lo: float
    lo_closed: bool
    hi: float
    hi_closed: bool

    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))


def _number(node: Node) -> float | None:
    if isinstance(node, Literal) and not isinstance(node.value, bool | str):
        return float(node.value)
    return None


_INF = math.inf


def _compare(node: Compare) -> tuple[str, list[Interval]] | None:
    field, op, value = node.left, node.op, _number(node.right)
    if not isinstance(field, Field):
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
        field, op, value = node.right, flipped[node.op], _number(node.left)
    if not isinstance(field, Field) or value is None:
        return None
    shapes = {
        "<": [Interval(-_INF, False, value, False)],
        "<=": [Interval(-_INF, False, value, True)],
        ">": [Interval(value, False, _INF, False)],
        ">=": [Interval(value, True, _INF, False)],
        "==": [Interval(value, True, value, True)],
        "!=": [Interval(-_INF, False, value, False), Interval(value, False, _INF, False)],
    }
    return field.path, shapes[op]


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out = []
    for x in a:
        for y in b:
            lo, lo_closed = max((x.lo, not x.lo_closed), (y.lo, not y.lo_closed))
            hi, hi_closed = min((x.hi, x.hi_closed), (y.hi, y.hi_closed))
            candidate = Interval(lo, not lo_closed, hi, hi_closed)
            if not candidate.empty():
                out.append(candidate)
    return out


def _shape(node: Node) -> tuple[str, list[Interval]] | None:
    if isinstance(node, Compare):
        return _compare(node)
    if isinstance(node, In) and not node.negated and isinstance(node.operand, Field):
        points = [_number(item) for item in node.items]
        if any(p is None for p in points):
            return None
        return node.operand.path, [Interval(p, True, p, True) for p in points if p is not None]
    if isinstance(node, BoolOp):
        parts = [_shape(item) for item in node.items]
        if any(p is None for p in parts) or len({p[0] for p in parts if p}) != 1:
            return None
        field = parts[0][0] if parts[0] else ""
        intervals = parts[0][1] if parts[0] else []
        for part in parts[1:]:
            assert part is not None
            intervals = _intersect(intervals, part[1]) if node.op == "and" else intervals + part[1]
        return field, intervals
    return None


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for item in sorted(intervals, key=lambda i: (i.lo, not i.lo_closed)):
        if merged:
            last = merged[-1]
            touches = item.lo < last.hi or (
                item.lo == last.hi and (item.lo_closed or last.hi_closed)
            )
            if touches:
                hi, hi_closed = max((last.hi, last.hi_closed), (item.hi, item.hi_closed))
                merged[-1] = Interval(last.lo, last.lo_closed, hi, hi_closed)
                continue
        merged.append(item)
    return merged


def _inside(inner: Interval, outer: Interval) -> bool:
    lo_ok = inner.lo > outer.lo or (
        inner.lo == outer.lo and (outer.lo_closed or not inner.lo_closed)
    )
    hi_ok = inner.hi < outer.hi or (
        inner.hi == outer.hi and (outer.hi_closed or not inner.hi_closed)
    )
    return lo_ok and hi_ok


def covered(node: Node, earlier: list[Node]) -> bool:
    """True when every submission matching `node` already matches one of `earlier`."""
    text = render(node)
    if any(render(e) == text for e in earlier):
        return True
    shape = _shape(node)
    if shape is None:
        return False
    union = []
    for other in earlier:
        other_shape = _shape(other)
        if other_shape is not None and other_shape[0] == shape[0]:
            union.extend(other_shape[1])
    merged = _merge(union)
    return bool(shape[1]) and all(any(_inside(t, m) for m in merged) for t in shape[1])
