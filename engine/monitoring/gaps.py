"""Silence is not compliance: the periods a contract owed a return for, and what a missing
return hides.

The due periods run from the contract's `first_return_due` (or, without it, the first
return received) to the latest return, one per quarter or month. A period among them with
no return is a finding of the built-in check RETURN-MISSING and counts in that period's
rating. A pattern across periods that a missing return could have completed (three bad
quarters with a silent one in between) is not "met": its evidence is missing. Without a date
to say what is due today, a return owed after the latest one received is not counted; the
portal sends what it has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from probity.engine.compiler.compiled import CompiledCheck
from probity.engine.compiler.model import (
    ChangePattern,
    ConsecutivePattern,
    RepeatedPattern,
    TrendPattern,
)
from probity.engine.monitoring.series import MAX_RETURNS, Series
from probity.engine.periods import Period, period_of
from probity.engine.when.three_valued import truth

MISSING = "missing"  # the state of a due period with no return


@dataclass(frozen=True, slots=True)
class Due:
    """One period a return was owed for, and the index of its return (None: none came)."""

    period: Period
    index: int | None


def due_periods(series: Series, kind: str) -> list[Due]:
    """Every period from the first due (the contract's first_return_due, else the first
    return) to the latest return, at most MAX_RETURNS of them (the latest)."""
    by_ordinal = {r.period.ordinal: n for n, r in enumerate(series.returns)}
    first, last = min(by_ordinal), max(by_ordinal)
    if series.contract.first_due is not None:
        first = min(first, series.contract.first_due.ordinal)
    first = max(first, last - MAX_RETURNS + 1)
    return [
        Due(period_of(ordinal, kind), by_ordinal.get(ordinal)) for ordinal in range(first, last + 1)
    ]


def hidden_by_gap(
    check: CompiledCheck, due: Sequence[Due], answers: Sequence[dict[str, Any]]
) -> list[str]:
    """The missing periods that could complete a breach of `check` had their returns come
    (empty when none could, or when no period is missing)."""
    if all(d.index is not None for d in due):
        return []
    pattern = check.parameters
    if isinstance(pattern, ConsecutivePattern):
        periods = pattern.periods  # a run needs that many due periods: no shorter window
        return _windows(
            due, periods, lambda w: len(w) == periods and _holds_throughout(w), check, answers
        )
    if isinstance(pattern, RepeatedPattern):
        return _windows(
            due,
            pattern.within,
            lambda states: sum(s is True or s == MISSING for s in states) >= pattern.times,
            check,
            answers,
        )
    if isinstance(pattern, TrendPattern):
        rising = pattern.pattern == "rising"
        return _trend_gaps(due, pattern.periods, pattern.measure, rising, answers)
    if isinstance(pattern, ChangePattern):
        return _change_gaps(due, pattern.measure, answers)
    return []


def _state(check: CompiledCheck, due: Due, answers: Sequence[dict[str, Any]]) -> object:
    if due.index is None:
        return MISSING
    values = answers[due.index]
    if check.applies is not None and truth(check.applies, values) is False:
        return False
    assert check.condition is not None
    return truth(check.condition, values)


def _holds_throughout(states: list[object]) -> bool:
    return all(s is True or s is None or s == MISSING for s in states)


def _windows(
    due: Sequence[Due],
    size: int,
    could_breach: Any,
    check: CompiledCheck,
    answers: Sequence[dict[str, Any]],
) -> list[str]:
    states = [_state(check, d, answers) for d in due]
    found: dict[str, None] = {}
    # Where the series is shorter than the window, the one window is the whole series.
    for start in range(0, max(0, len(due) - size) + 1):
        window = states[start : start + size]
        if MISSING in window and could_breach(window):
            for d, s in zip(due[start : start + size], window, strict=True):
                if s == MISSING:
                    found[d.period.label] = None
    return list(found)


def _trend_gaps(
    due: Sequence[Due], size: int, measure: str, rising: bool, answers: Sequence[dict[str, Any]]
) -> list[str]:
    found: dict[str, None] = {}
    for start in range(0, max(0, len(due) - size) + 1):
        window = due[start : start + size]
        if all(d.index is not None for d in window):
            continue
        seen = [answers[d.index].get(measure) for d in window if d.index is not None]
        values = [v for v in seen if v is not None]
        if all((b > a) if rising else (b < a) for a, b in pairwise(values)):
            found.update((d.period.label, None) for d in window if d.index is None)
    return list(found)


def _change_gaps(due: Sequence[Due], measure: str, answers: Sequence[dict[str, Any]]) -> list[str]:
    """A return whose period before is missing: its change cannot be measured."""
    found = []
    for n, (before, after) in enumerate(pairwise(due)):
        compared = after.index is not None and answers[after.index].get(measure) is not None
        earlier = any(d.index is not None for d in due[:n])  # a value to compare with
        if before.index is None and compared and earlier:
            found.append(before.period.label)
    return found
