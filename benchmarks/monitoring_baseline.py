"""The 20 checks of ethical-standards-monitoring hand-coded in plain Python: the floor the
durable_rules joins are compared with. Given a validated series, the periods in which each
check's breach ends (the same sets the engine reports), and each period's rating rule."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from probity.engine.monitoring.series import Series
from probity.engine.periods import months_before

Values = list[dict[str, Any]]


def _consecutive(ok: list[bool], ordinal: list[int], length: int) -> set[int]:
    ends = set()
    for end in range(length - 1, len(ok)):
        start = end - length + 1
        if ordinal[end] - ordinal[start] == length - 1 and all(ok[start : end + 1]):
            ends.add(end)
    return ends


def _trend(v: Values, ordinal: list[int], key: str, length: int, rising: bool) -> set[int]:
    xs = [r.get(key) for r in v]
    ends = set()
    for end in range(length - 1, len(v)):
        start = end - length + 1
        window = xs[start : end + 1]
        if ordinal[end] - ordinal[start] != length - 1 or None in window:
            continue
        pairs = itertools.pairwise(window)
        if all((b > a) if rising else (b < a) for a, b in pairs):
            ends.add(end)
    return ends


def _repeated(hit: list[bool], ordinal: list[int], times: int, within: int) -> set[int]:
    ends = set()
    for end, h in enumerate(hit):
        if (
            h
            and sum(1 for i in range(end + 1) if hit[i] and ordinal[end] - ordinal[i] < within)
            >= times
        ):
            ends.add(end)
    return ends


def _target(v: Values, key: str, target: float | None, below: bool) -> set[int]:
    if target is None:
        return set()
    return {
        i
        for i, r in enumerate(v)
        if r.get(key) is not None and (r[key] < target if below else r[key] > target)
    }


def _change(v: Values, ordinal: list[int], key: str, factor: float, up: bool) -> set[int]:
    ends = set()
    for i in range(1, len(v)):
        a, b = v[i - 1].get(key), v[i].get(key)
        if ordinal[i] - ordinal[i - 1] != 1 or a is None or b is None:
            continue
        if (b > a * factor) if up else (b < a * factor):
            ends.add(i)
    return ends


def breaches(series: Series) -> dict[str, set[int]]:
    returns = series.returns
    v: Values = [dict(r.values) for r in returns]
    o = [r.period.ordinal for r in returns]
    late = [r.days_late for r in returns]
    t = series.contract.targets
    whistle = [
        (r.get("whistleblowing.reports") or 0) > 0
        and (r.get("whistleblowing.median_days_to_respond") or 0) > 30
        for r in v
    ]
    overdue = set()
    for i, item in enumerate(returns):
        done = v[i].get("conflicts.register_reviewed_on")
        if done is None or date.fromisoformat(done) < months_before(item.period.end, 12):
            overdue.add(i)
    return {
        "COMPLAINTS-ABOVE-TARGET": _target(
            v, "complaints.per_1000_users", t.get("complaints.per_1000_users"), False
        ),
        "COMPLAINTS-RISING": _trend(v, o, "complaints.per_1000_users", 3, True),
        "COMPLAINT-RESPONSE-SLOW": _consecutive(
            [r["complaints.median_response_days"] > 20 for r in v], o, 2
        ),
        "SATISFACTION-BELOW-TARGET": _target(
            v, "satisfaction.user_pct", t.get("satisfaction.user_pct"), True
        ),
        "SATISFACTION-FALLING": _trend(v, o, "satisfaction.user_pct", 3, False),
        "SATISFACTION-DROP": _change(v, o, "satisfaction.user_pct", 0.85, False),
        "RETURNS-LATE": _repeated([d > 0 for d in late], o, 2, 4),
        "RETURN-VERY-LATE": {i for i, d in enumerate(late) if d > 30},
        "SCRUTINY-REFUSED": {i for i, r in enumerate(v) if not r["scrutiny.access_given"]},
        "DATA-NOT-SHARED": {i for i, r in enumerate(v) if not r["complaints.analysis_shared"]},
        "INFORMATION-WITHHELD": {
            i for i, r in enumerate(v) if r["openness.refusals_without_reason"] != 0
        },
        "REGISTER-OVERDUE": overdue,
        "CONFLICTS-UNRESOLVED": _consecutive([r["conflicts.unresolved"] > 0 for r in v], o, 2),
        "CODE-BREACHES-REPEATED": _repeated([r["conduct.code_breaches"] > 0 for r in v], o, 3, 4),
        "TRAINING-BELOW-TARGET": _target(
            v, "staff.ethics_training_pct", t.get("staff.ethics_training_pct"), True
        ),
        "TRAINING-FALLING": _trend(v, o, "staff.ethics_training_pct", 3, False),
        "WHISTLEBLOWING-SLOW": _consecutive(whistle, o, 2),
        "FIGURES-RESTATED": _repeated([bool(r["honesty.figures_restated"]) for r in v], o, 2, 4),
        "INTERCHANGE-UNDECLARED": {
            i for i, r in enumerate(v) if r["integrity.office_moves_undeclared"] != 0
        },
        "GIFTS-UNREGISTERED": {
            i for i, r in enumerate(v) if r["integrity.gifts_unregistered"] != 0
        },
        "RELATED-PARTY-UNDISCLOSED": {
            i for i, r in enumerate(v) if r["integrity.related_party_undisclosed"] != 0
        },
        # The engine also looks for due periods with no return; the benchmark's portfolios
        # have none, but the work of looking is done here too.
        "RETURN-MISSING": _gaps(o),
    }


_SEVERITY = {
    "SCRUTINY-REFUSED": 4, "CONFLICTS-UNRESOLVED": 4,
    "SATISFACTION-DROP": 3, "INFORMATION-WITHHELD": 3, "REGISTER-OVERDUE": 3,
    "CODE-BREACHES-REPEATED": 3, "WHISTLEBLOWING-SLOW": 3, "FIGURES-RESTATED": 3,
    "INTERCHANGE-UNDECLARED": 3, "RELATED-PARTY-UNDISCLOSED": 3,
    "RETURNS-LATE": 3, "RETURN-VERY-LATE": 3, "GIFTS-UNREGISTERED": 3,
    "DATA-NOT-SHARED": 1, "TRAINING-FALLING": 1,
}  # fmt: skip  # the rest are medium (2); as ethical-standards-monitoring 2.0 rates them


def ratings(series: Series, ends: dict[str, set[int]]) -> list[str]:
    out = []
    for i in range(len(series.returns)):
        levels = [_SEVERITY.get(c, 2) for c, found in ends.items() if i in found]
        if any(level >= 4 for level in levels):
            out.append("critical_breach")
        elif sum(level >= 3 for level in levels) >= 2:
            out.append("two_high_breaches")
        elif any(level >= 3 for level in levels):
            out.append("high_breach")
        elif any(level >= 2 for level in levels):
            out.append("medium_breach")
        else:
            out.append("otherwise")
    return out


def check(series: Series) -> tuple[dict[str, set[int]], list[str]]:
    ends = breaches(series)
    return ends, ratings(series, ends)


def _gaps(ordinals: list[int]) -> set[int]:
    """Missing periods between the first and the latest return (none have a return index,
    so a gap shows as the index of the return after it)."""
    present = sorted(ordinals)
    return {n for n, (a, b) in enumerate(itertools.pairwise(present), 1) if b != a + 1}
