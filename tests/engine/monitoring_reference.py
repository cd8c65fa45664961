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
from probity.engine.periods import months_before, period_of
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
    kind = "month" if "-Q" not in series.returns[0].period.label else "quarter"
    if len(due(series, kind)) < check.min_returns:
        return "not_applicable"
    if not check.missing_is_breach:
        if any(lacks(check, values_of(item)) for item in series.returns):
            return "evidence_missing"
        if _gap_could_hide_a_breach(check, series):
            return "evidence_missing"
    return "met"


def lacks(check: CompiledCheck, values: dict[str, Any]) -> bool:
    if check.condition is not None and truth(check.condition, values) is not None:
        return False
    return any(values.get(f) is None for f in check.fields)


def due(series: Series, kind: str) -> list[tuple[str, Return | None]]:
    """Each period from the first due (or first received) to the latest, with its return."""
    by_ordinal = {r.period.ordinal: r for r in series.returns}
    first = min(by_ordinal)
    if series.contract.first_due is not None:
        first = min(first, series.contract.first_due.ordinal)
    return [
        (period_of(o, kind).label, by_ordinal.get(o)) for o in range(first, max(by_ordinal) + 1)
    ]


def _gap_could_hide_a_breach(check: CompiledCheck, series: Series) -> bool:
    """Read plainly: had the missing returns come and shown a breach, would there be one?"""
    periods = due(series, "month" if "-Q" not in series.returns[0].period.label else "quarter")
    if all(item is not None for _, item in periods):
        return False
    pattern = check.pattern

    def holds(item: Return | None) -> bool:
        return item is None or truth(check.condition, values_of(item)) is not False  # type: ignore[arg-type]

    def windows(size: int) -> list[list[Return | None]]:
        items = [item for _, item in periods]
        return [items[s : s + size] for s in range(len(items) - size + 1)]

    if pattern == "consecutive":
        return any(None in w and all(holds(i) for i in w) for w in windows(len(check.legs)))
    if pattern == "repeated":
        times = len(check.legs)
        return any(
            None in w
            and sum(i is None or truth(check.condition, values_of(i)) is True for i in w) >= times  # type: ignore[arg-type]
            for w in windows(min(_within(check), len(periods)))  # a short series: one window
        )
    if pattern in ("rising", "falling"):
        for w in windows(len(check.legs)):
            seen = [values_of(i).get(check.measure or "") for i in w if i is not None]
            seen = [v for v in seen if v is not None]
            steps = itertools.pairwise(seen)
            if None in w and all((b > a) if pattern == "rising" else (b < a) for a, b in steps):
                return True
        return False
    if pattern == "change":
        items = [item for _, item in periods]
        return any(
            items[n] is None
            and items[n + 1] is not None
            and values_of(items[n + 1]).get(check.measure or "") is not None  # type: ignore[arg-type]
            and any(i is not None for i in items[:n])
            for n in range(len(items) - 1)
        )
    return False


def ratings(plan: MonitoringPlan, series: Series, ends: dict[str, set[str]]) -> list[str]:
    """The rating rule that applies in each due period, in order: a missing return counts
    as a breach of RETURN-MISSING; more than half the checks unassessed caps the rating at
    'requires improvement' (rule evidence-lacking)."""
    out = []
    rank = ["good", "approaching_target", "requires_improvement", "inadequate"]
    for label, item in due(series, plan.period):
        breached = [(c.id, c.severity) for c in plan.checks if label in ends[c.id]]
        if item is None and plan.missing is not None:
            breached.append((plan.missing.id, plan.missing.severity))
        for rule in plan.ratings:
            counted = [
                name
                for name, severity in breached
                if SEVERITY_RANK[severity] >= rule.min_severity
                and (rule.criteria is None or name in rule.criteria)
            ]
            if rule.at_least == 0 or len(counted) >= rule.at_least:
                chosen, rating = rule.id, rule.rating
                break
        lacking = [
            c
            for c in plan.checks
            if item is None or (not c.missing_is_breach and lacks(c, values_of(item)))
        ]
        capped = len(lacking) * 2 > len(plan.checks)
        out.append("evidence-lacking" if capped and rank.index(rating) < 2 else chosen)
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
