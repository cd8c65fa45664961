"""What a missing value could have changed: a check's verdict decided over every filling.

A due period without a return, or a return without an answer a check reads, is a hole in
the series. Its verdict is certain when every value the hole could have held gives the same
one: a fall from 100 to 40 across a silent quarter breaches "down by more than 30%" whatever
that quarter held (had it held 65, 100 → 65 falls too far; had it held more, the fall to 40
does), and a run of falls is proven when every filling completes one somewhere. Only where
fillings disagree is the evidence missing: a provider cannot escape a breach by skipping the
awkward quarter, nor be blamed for one no return could have shown.

Each period is a `Slot`: the values it can hold (one when answered; every value of the
answer's declared type and range when not), and whether the check may not apply to it. The
solvers mirror the engine's own comparisons (the same float arithmetic) so that a decided
verdict is the one the engine gives every filled-in series; a property test checks it by
filling every hole every way it can be filled.

- Conditions on one return (levels, overdue, consecutive runs, counts within a window) only
  get likelier to breach as a period turns from "fine" to "breach", so two fillings decide:
  every hole fine, and every hole in breach.
- Trends compare neighbours by order alone: a filling is tried from a finite set that holds
  every order a hole can take among the answered values and the range's ends.
- Changes compare a value with its neighbour scaled: the values a run of holes can take
  without a breach are an interval, carried forward from the last answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from probity.engine.compiler.breaches import change_factors
from probity.engine.compiler.model import (
    ChangePattern,
    ConsecutivePattern,
    RepeatedPattern,
    TrendPattern,
)

Verdict = Literal["breach", "clear", "open"]


@dataclass(frozen=True, slots=True)
class Domain:
    """The values an answer may take: its declared type and range (closed)."""

    integer: bool
    low: float
    high: float

    def clip(self, low: float, high: float) -> tuple[float, float] | None:
        """[low, high] within the domain (whole numbers for an integer), or None if empty."""
        lo, hi = max(low, self.low), min(high, self.high)
        if self.integer:
            lo = math.ceil(lo) if math.isfinite(lo) else lo
            hi = math.floor(hi) if math.isfinite(hi) else hi
        return (lo, hi) if lo <= hi else None


@dataclass(frozen=True, slots=True)
class Slot:
    """One due period as a check sees it.

    `values`: what it holds when known (a number for a measure, True/False for a condition
    on the return: True is a breach there). `free`: it could hold anything (a missing return
    or answer). `blockable`: the check could not apply to it (False for a return it is known
    to apply to), which breaks any run through it.
    """

    values: tuple[float | bool, ...] = ()
    free: bool = False
    blockable: bool = False


# -- conditions on one return ----------------------------------------------------------------
def decide_states(slots: Sequence[Slot], breaches: Callable[[list[bool]], bool]) -> Verdict:
    """A pattern over per-period breach states, monotone in them: more breaching periods
    never undo a breach."""
    least = [s.values == (True,) and not s.free and not s.blockable for s in slots]
    most = [s.free or True in s.values for s in slots]
    if breaches(least):
        return "breach"
    return "open" if breaches(most) else "clear"


def consecutive(periods: int) -> Callable[[list[bool]], bool]:
    def breaches(states: list[bool]) -> bool:
        run = 0
        for state in states:
            run = run + 1 if state else 0
            if run >= periods:
                return True
        return False

    return breaches


def repeated(times: int, within: int) -> Callable[[list[bool]], bool]:
    def breaches(states: list[bool]) -> bool:
        # Where the series is shorter than the window, the one window is the whole series.
        return any(
            sum(states[start : start + within]) >= times
            for start in range(0, max(0, len(states) - within) + 1)
        )

    return breaches


def condition_pattern(pattern: object) -> Callable[[list[bool]], bool]:
    if isinstance(pattern, ConsecutivePattern):
        return consecutive(pattern.periods)
    if isinstance(pattern, RepeatedPattern):
        return repeated(pattern.times, pattern.within)
    return any  # a check on each return: one breaching period is a breach


def beyond_target(value_slot: Slot, target: float, below: bool, domain: Domain) -> Slot:
    """A measure's slot as breach states against the contract's target."""
    states = {(v < target) if below else (v > target) for v in value_slot.values}
    span = domain.clip(domain.low, domain.high)
    if value_slot.free and span is not None:
        lo, hi = span
        if (lo < target) if below else (hi > target):
            states.add(True)
        if (hi >= target) if below else (lo <= target):
            states.add(False)
    return Slot(tuple(sorted(states)), False, value_slot.blockable)


# -- trends ----------------------------------------------------------------------------------
_BLOCK = None


def decide_trend(slots: Sequence[Slot], periods: int, rising: bool, domain: Domain) -> Verdict:
    """Strictly rising (falling) across `periods` consecutive periods, over every filling."""
    candidates = _order_candidates(slots, periods, domain)
    can_breach = False
    # Unbreached states: (the last value, or None where the check did not apply; run length).
    states: set[tuple[float | None, int]] = {(_BLOCK, 0)}
    for slot, filling in zip(slots, candidates, strict=True):
        options: list[float | None] = [float(v) for v in slot.values]
        options.extend(filling)
        if slot.blockable:
            options.append(_BLOCK)
        following: set[tuple[float | None, int]] = set()
        for last, run in states:
            for value in options:
                if value is _BLOCK:
                    following.add((_BLOCK, 0))
                    continue
                beyond = last is not _BLOCK and (value > last if rising else value < last)
                length = run + 1 if beyond else 1
                if length >= periods:
                    can_breach = True
                else:
                    following.add((value, length))
        states = following
    if not states:
        return "breach"
    return "open" if can_breach else "clear"


def _order_candidates(slots: Sequence[Slot], periods: int, domain: Domain) -> list[list[float]]:
    """For each hole, values that realise every order its run of holes can take among its
    neighbours' values and the domain's ends (a trend compares neighbours only): those
    anchors, and as many points as the run is long (at most one more than the pattern's
    periods) between each two, below the lowest and above the highest; whole numbers for
    an integer domain."""
    out: list[list[float]] = [[] for _ in slots]
    n = 0
    while n < len(slots):
        if not slots[n].free:
            n += 1
            continue
        end = n
        while end < len(slots) and slots[end].free:
            end += 1
        anchors = {float(v) for s in slots[max(n - 1, 0) : end + 1] for v in s.values}
        anchors.update(b for b in (domain.low, domain.high) if math.isfinite(b))
        ordered = sorted(anchors or {0.0})
        need = min(end - n, periods + 1)
        points = list(ordered)
        for a, b in pairwise(ordered):
            points.extend(_between(a, b, need, domain.integer))
        points.extend(ordered[0] - j for j in range(1, need + 1))
        points.extend(ordered[-1] + j for j in range(1, need + 1))
        chosen = sorted({p for p in points if domain.low <= p <= domain.high})
        for k in range(n, end):
            out[k] = chosen
        n = end
    return out


def _between(a: float, b: float, count: int, integer: bool) -> list[float]:
    if integer:
        return [float(v) for v in range(math.floor(a) + 1, math.ceil(b))][:count]
    return [a + (b - a) * j / (count + 1) for j in range(1, count + 1)]


# -- changes ---------------------------------------------------------------------------------
def _scaled(value: float, factor: float) -> float:
    """value × factor as the engine computes it (0 × ∞ is 0 here, not NaN)."""
    return 0.0 if factor == 0 or value == 0 else value * factor


def decide_change(slots: Sequence[Slot], pattern: ChangePattern, domain: Domain) -> Verdict:
    factors = change_factors(pattern.more_than_percent, pattern.direction)
    up = next((f for f in factors if f > 1), None)
    down = next((f for f in factors if f < 1), None)

    def breach(before: float, after: float) -> bool:
        return (up is not None and after > _scaled(before, up)) or (
            down is not None and after < _scaled(before, down)
        )

    can_breach = any(
        breach(before, after)
        for first, second in pairwise(slots)
        for before in _extremes(first, domain)
        for after in _extremes(second, domain)
    )
    can_avoid = _avoidable(slots, up, down, domain)
    if not can_avoid:
        return "breach"
    return "open" if can_breach else "clear"


def _extremes(slot: Slot, domain: Domain) -> list[float]:
    """The values that decide whether a step can breach: a breach is monotone in each side."""
    values = [float(v) for v in slot.values]
    if slot.free:
        values.extend(b for b in (domain.clip(domain.low, domain.high) or ()))
    return values


Interval = tuple[float, float]


def _avoidable(slots: Sequence[Slot], up: float | None, down: float | None, domain: Domain) -> bool:
    """Whether some filling has no breaching step: the values each period can hold with no
    breach so far, as intervals (each value's unbreached successors are an interval, and so is
    their union over an interval of values), and whether the check may not apply there."""
    whole: Interval | None = domain.clip(domain.low, domain.high)
    spans: list[Interval] = []
    blocked = True  # before the first period nothing constrains it
    for slot in slots:
        reach = [whole] if blocked else []
        reach.extend(_successors(span, up, down, domain) for span in spans)
        allowed = [r for r in reach if r is not None]
        following: list[Interval] = [
            (float(v), float(v)) for v in slot.values if any(lo <= v <= hi for lo, hi in allowed)
        ]
        if slot.free:
            following.extend(allowed)
        now_blocked = slot.blockable and (blocked or bool(spans))
        spans, blocked = _merged(following), now_blocked
        if not spans and not blocked:
            return False
    return True


def _successors(
    span: Interval, up: float | None, down: float | None, domain: Domain
) -> Interval | None:
    """The values that may follow some value of `span` without a breach."""
    lo, hi = span
    if up is not None and down is not None:
        # after < before × down and after > before × up cannot both be avoided below zero
        lo = max(lo, 0.0)
        if lo > hi:
            return None
    top = _scaled(hi, up) if up is not None else math.inf
    bottom = -math.inf if down is None else _scaled(lo, down) if down >= 0 else _scaled(hi, down)
    return domain.clip(bottom, top)


def _merged(spans: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for lo, hi in sorted(set(spans)):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def decide_numeric(slots: Sequence[Slot], pattern: object, domain: Domain) -> Verdict:
    if isinstance(pattern, TrendPattern):
        return decide_trend(slots, pattern.periods, pattern.pattern == "rising", domain)
    assert isinstance(pattern, ChangePattern)
    return decide_change(slots, pattern, domain)
