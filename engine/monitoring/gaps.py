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
from typing import Any

from probity.engine.compiler.compiled import CompiledCheck
from probity.engine.compiler.model import (
    ChangePattern,
    ConsecutivePattern,
    OverduePattern,
    RepeatedPattern,
    TargetPattern,
    TrendPattern,
)
from probity.engine.monitoring.certainty import (
    Domain,
    Slot,
    Verdict,
    beyond_target,
    condition_pattern,
    decide_numeric,
    decide_states,
)
from probity.engine.monitoring.series import MAX_RETURNS, Series
from probity.engine.periods import Period, period_of
from probity.engine.when.three_valued import truth


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


@dataclass(frozen=True, slots=True)
class Decision:
    """A check's verdict over every filling of the series' holes (engine.certainty)."""

    verdict: Verdict  # breach | clear | open
    span: tuple[int, int] | None  # breach: the due periods (first, last) that prove it
    open_gaps: tuple[str, ...]  # open: the missing periods that could decide it


def decide(
    check: CompiledCheck,
    due: Sequence[Due],
    answers: Sequence[dict[str, Any]],
    matched: frozenset[int],
    domain: Domain,
    target: float | None,
) -> Decision:
    """Whether the check is breached whatever its holes (missing returns, unanswered
    questions) held, clear whatever they held, or open. `matched`: the indexes of returns
    in a breach the engine found (for checks on one return at a time)."""
    slots = [_slot(check, d, answers, matched, domain, target) for d in due]
    verdict = _verdict(check, slots, domain)
    if verdict == "breach":
        return Decision(verdict, _proof(check, slots, domain), ())
    if verdict == "clear":
        return Decision(verdict, None, ())
    width = _width(check)
    gaps = tuple(
        d.period.label
        for n, d in enumerate(due)
        if d.index is None
        and _verdict(check, slots[max(0, n - width + 1) : n + width], domain) != "clear"
    )
    return Decision(verdict, None, gaps)


def _verdict(check: CompiledCheck, slots: Sequence[Slot], domain: Domain) -> Verdict:
    pattern = check.parameters
    if isinstance(pattern, TrendPattern | ChangePattern):
        return decide_numeric(slots, pattern, domain)
    return decide_states(slots, condition_pattern(pattern))


def _proof(check: CompiledCheck, slots: Sequence[Slot], domain: Domain) -> tuple[int, int]:
    """The shortest run of periods that is breached whatever its holes held."""
    for length in range(1, len(slots) + 1):
        for start in range(0, len(slots) - length + 1):
            if _verdict(check, slots[start : start + length], domain) == "breach":
                return start, start + length - 1
    return 0, len(slots) - 1


def _width(check: CompiledCheck) -> int:
    """How many periods one breach of the check spans at most."""
    pattern = check.parameters
    if isinstance(pattern, ConsecutivePattern | TrendPattern):
        return pattern.periods
    if isinstance(pattern, RepeatedPattern):
        return pattern.within
    return 2 if isinstance(pattern, ChangePattern) else 1


def _slot(
    check: CompiledCheck,
    due: Due,
    answers: Sequence[dict[str, Any]],
    matched: frozenset[int],
    domain: Domain,
    target: float | None,
) -> Slot:
    pattern = check.parameters
    if due.index is None:  # no return: it could have held anything
        slot = Slot((), True, check.applies is not None)
    else:
        slot = _answered(check, answers[due.index], due.index in matched)
    if isinstance(pattern, TargetPattern) and slot is not _NOT_CHECKED:
        assert target is not None
        return beyond_target(slot, target, pattern.pattern == "below_target", domain)
    return slot


_NOT_CHECKED = Slot((False,))  # a return the check does not apply to: no breach there


def _answered(check: CompiledCheck, values: dict[str, Any], matched: bool) -> Slot:
    """A received return's slot: its value or breach state, and whether it may not apply."""
    pattern = check.parameters
    applies = True if check.applies is None else truth(check.applies, values)
    if applies is False:
        return _NOT_CHECKED if _states(check) else Slot((), False, True)
    blockable = applies is None
    if isinstance(pattern, TrendPattern | ChangePattern | TargetPattern):
        measured = values.get(pattern.measure)
        if measured is None:
            return Slot((), True, blockable)
        return Slot((measured,), False, blockable)
    if isinstance(pattern, OverduePattern):  # a missing date is a breach, not a hole
        return Slot((matched,), False, blockable)
    assert check.condition is not None
    holds = truth(check.condition, values)
    if holds is None:
        return Slot((), True, blockable)
    breach = holds if pattern is not None else not holds  # each_return: `when` must hold
    return Slot((breach,), False, blockable)


def _states(check: CompiledCheck) -> bool:
    return not isinstance(check.parameters, TrendPattern | ChangePattern)
