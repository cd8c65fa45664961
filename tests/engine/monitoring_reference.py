"""A plain-Python reading of the monitoring patterns, to check the durable_rules joins.

Written from the pattern descriptions in engine.model, not from engine.breaches: for each
check, the periods in which a breach ends, and the finding's outcome.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from probity.engine.compiler.compiled import SEVERITY_RANK, CompiledCheck, MonitoringPlan
from probity.engine.compiler.model import ChangePattern, RepeatedPattern
from probity.engine.monitoring.series import Return, Series
from probity.engine.periods import months_before
from probity.engine.when.three_valued import truth


def values_of(item: Return) -> dict[str, Any]:
    return {**item.values, "return.days_late": item.days_late, "return.late": item.days_late > 0}


def breach_ends(check: CompiledCheck, series: Series) -> set[str]:
    """The labels of the periods in which a breach of `check` ends."""
    returns = series.returns
    values = [values_of(r) for r in returns]
    ordinal = [r.period.ordinal for r in returns]

    def runs(length: int) -> list[list[int]]:
        """Index lists of `length` returns for consecutive periods."""
        out = []
        for start in range(len(returns) - length + 1):
            window = list(range(start, start + length))
            if all(ordinal[i + 1] == ordinal[i] + 1 for i in window[:-1]):
                out.append(window)
        return out

    ends: set[int] = set()
    pattern = check.pattern
    if pattern == "each_return":
        assert check.condition is not None
        ends = {i for i, v in enumerate(values) if truth(check.condition, v) is False}
    elif pattern == "consecutive":
        assert check.condition is not None
        length = len(check.legs)
        ends = {w[-1] for w in runs(length) if all(truth(check.condition, values[i]) for i in w)}
    elif pattern in ("rising", "falling"):
        measure = check.measure
        assert measure is not None
        for window in runs(len(check.legs)):
            seen = [values[i].get(measure) for i in window]
            if None in seen:
                continue
            pairs = itertools.pairwise(seen)
            if all((b > a) if pattern == "rising" else (b < a) for a, b in pairs):
                ends.add(window[-1])
    elif pattern == "repeated":
        assert check.condition is not None
        times, within = len(check.legs), _within(check)
        hits = [i for i, v in enumerate(values) if truth(check.condition, v)]
        for end in hits:
            inside = [i for i in hits if ordinal[end] - within < ordinal[i] <= ordinal[end]]
            if len(inside) >= times:
                ends.add(end)
    elif pattern in ("below_target", "above_target"):
        target = series.contract.targets.get(check.target or "")
        for i, v in enumerate(values):
            x = v.get(check.measure or "")
            beyond = target is not None and x is not None
            if beyond and ((x < target) if pattern == "below_target" else (x > target)):
                ends.add(i)
    elif pattern == "change":
        up, down = _change_factors(check)
        for window in runs(2):
            a, b = (values[i].get(check.measure or "") for i in window)
            if a is None or b is None:
                continue
            if (up is not None and b > a * up) or (down is not None and b < a * down):
                ends.add(window[-1])
    elif pattern == "overdue":
        assert check.months is not None
        for i, item in enumerate(returns):
            done = values[i].get(check.fields[0])
            cutoff = months_before(item.period.end, check.months)
            if done is None or date.fromisoformat(done) < cutoff:
                ends.add(i)
    else:
        raise AssertionError(pattern)
    return {returns[i].period.label for i in ends}


def outcome(check: CompiledCheck, series: Series, ends: set[str]) -> str:
    if ends:
        return "not_met"
    if check.target is not None and check.target not in series.contract.targets:
        return "not_applicable"
    if len(series.returns) < check.min_returns:
        return "not_applicable"
    if not check.missing_is_breach:
        for item in series.returns:
            values = values_of(item)
            if check.condition is not None and truth(check.condition, values) is not None:
                continue
            if any(values.get(f) is None for f in check.fields):
                return "evidence_missing"
    return "met"


def ratings(plan: MonitoringPlan, series: Series, ends: dict[str, set[str]]) -> list[str]:
    """The rating rule that applies in each period, in order."""
    out = []
    for item in series.returns:
        breached = [c for c in plan.checks if item.period.label in ends[c.id]]
        for rule in plan.ratings:
            counted = [
                c
                for c in breached
                if SEVERITY_RANK[c.severity] >= rule.min_severity
                and (rule.criteria is None or c.id in rule.criteria)
            ]
            if rule.at_least == 0 or len(counted) >= rule.at_least:
                out.append(rule.id)
                break
    return out


def _within(check: CompiledCheck) -> int:
    assert isinstance(check.parameters, RepeatedPattern)
    return check.parameters.within


def _change_factors(check: CompiledCheck) -> tuple[float | None, float | None]:
    spec = check.parameters
    assert isinstance(spec, ChangePattern)
    share = spec.more_than_percent / 100
    up = 1 + share if spec.direction in ("up", "either") else None
    down = 1 - share if spec.direction in ("down", "either") else None
    return up, down


def every_end(plan: MonitoringPlan, series: Series) -> dict[str, set[str]]:
    return {check.id: breach_ends(check, series) for check in plan.checks}
