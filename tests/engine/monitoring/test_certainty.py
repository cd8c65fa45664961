"""A missing return decides nothing it could not have changed: for random series with holes
(missing returns, unanswered questions), each check's verdict equals the verdict of every
way of filling the holes whenever they all agree, and is `evidence_missing` only when they
do not. The answers range over a few values (tests/fixtures/certainty-monitoring.yaml), so
every filling is tried, each through the engine itself."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from probity.engine.compiler.pipeline import load_file
from probity.engine.monitoring.contract_result import ContractResult
from probity.engine.monitoring.monitor import Monitor
from tests.conftest import FIXTURES

QUARTERS = [f"{year}-Q{q}" for year in (2026, 2027) for q in (1, 2, 3, 4)]
# A check's verdict as the question "is it breached?": not applicable is no breach.
CLASS = {"not_met": "breach", "met": "clear", "not_applicable": "clear", "evidence_missing": "open"}
# The answers each check reads, and the values a missing one can take.
X_CHECKS = (
    "HIGH", "TWICE", "RISING", "FALLING", "FALLING-FLAGGED", "BELOW", "ABOVE", "UP", "DOWN",
    "SWING", "EACH",
)  # fmt: skip
X_VALUES = range(0, 5)


@pytest.fixture(scope="module")
def monitor() -> Monitor:
    return Monitor(load_file(FIXTURES / "certainty-monitoring.yaml"))


@dataclass(frozen=True)
class Period:
    x: int | None
    flag: bool
    late: bool
    reviewed: str | None  # recent | old | None (never)


def _reviewed_on(period: str, reviewed: str | None) -> str | None:
    year, quarter = int(period[:4]), int(period[-1])
    if reviewed == "recent":
        return f"{year}-{quarter * 3 - 2:02d}-01"
    return f"{year - 2}-01-01" if reviewed == "old" else None


def _return(label: str, p: Period) -> dict[str, Any]:
    year, quarter = int(label[:4]), int(label[-1])
    due_year, due_month = (year + 1, 1) if quarter == 4 else (year, quarter * 3 + 1)
    measures: dict[str, Any] = {"flag": p.flag}
    if p.x is not None:
        measures["x"] = p.x
    reviewed_on = _reviewed_on(label, p.reviewed)
    if reviewed_on is not None:
        measures["reviewed_on"] = reviewed_on
    return {
        "period": label,
        "due": f"{due_year}-{due_month:02d}-15",
        "received": f"{due_year}-{due_month:02d}-{20 if p.late else 10}",
        "measures": {"m": measures},
    }


def _series(periods: list[Period | None], target: int | None) -> dict[str, Any]:
    returns = [_return(QUARTERS[n], p) for n, p in enumerate(periods) if p is not None]
    targets = {} if target is None else {"m.x": target}
    return {"contract": {"contract_id": "C-1", "targets": targets}, "returns": returns}


def _verdicts(monitor: Monitor, periods: list[Period | None], target: int | None) -> dict[str, str]:
    result: ContractResult = monitor.check(_series(periods, target))
    return {f.criterion: f.outcome for f in result.findings}


def _fillings(periods: list[Period | None], group: str) -> list[list[Period | None]]:
    """Every way of filling the holes that the checks of `group` read."""
    base = Period(1, False, False, "recent")
    options: list[list[Period | None]] = []
    for p in periods:
        if p is None and group == "x":
            options.append([Period(x, f, False, "recent") for x in X_VALUES for f in (False, True)])
        elif p is None and group == "late":
            options.append([Period(1, False, late, "recent") for late in (False, True)])
        elif p is None:
            options.append([Period(1, False, False, r) for r in ("recent", "old", None)])
        elif p.x is None and group == "x":
            options.append([Period(x, p.flag, p.late, p.reviewed) for x in X_VALUES])
        else:
            options.append([p if p is not None else base])
    return [list(choice) for choice in itertools.product(*options)]


_period = st.builds(
    Period,
    x=st.integers(0, 4),
    flag=st.booleans(),
    late=st.booleans(),
    reviewed=st.sampled_from(["recent", "old", None]),
)


@st.composite
def _holed(draw: st.DrawFn) -> tuple[list[Period | None], int | None]:
    length = draw(st.integers(3, 7))
    periods: list[Period | None] = [draw(_period) for _ in range(length)]
    # Holes inside the series (a return is due up to the latest received): one or two.
    holes = draw(st.sets(st.integers(1, length - 2), min_size=1, max_size=2))
    for n in holes:
        current = periods[n]
        assert current is not None
        if draw(st.booleans()):
            periods[n] = None  # no return
        else:
            periods[n] = Period(None, current.flag, current.late, current.reviewed)
    return periods, draw(st.sampled_from([None, 0, 2, 4]))


GROUPS = {"x": X_CHECKS, "late": ("LATE",), "reviewed": ("OVERDUE",)}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_holed())
def test_a_verdict_is_decided_exactly_when_every_filling_agrees(
    monitor: Monitor, case: tuple[list[Period | None], int | None]
) -> None:
    periods, target = case
    with_holes = _verdicts(monitor, periods, target)
    for group, checks in GROUPS.items():
        filled = [_verdicts(monitor, f, target) for f in _fillings(periods, group)]
        for check in checks:
            classes = {CLASS[v[check]] for v in filled}
            assert "open" not in classes  # a filled series has no holes
            expected = classes.pop() if len(classes) == 1 else "open"
            assert CLASS[with_holes[check]] == expected, (check, periods, target)


# -- the auditor's cases, and how a decided verdict is worded ---------------------------------
def _x(*values: int | None) -> list[Period | None]:
    return [None if v is None else Period(v, False, False, "recent") for v in values]


def _finding(monitor: Monitor, periods: list[Period | None], check: str) -> Any:
    result = monitor.check(_series(periods, None))
    return next(f for f in result.findings if f.criterion == check)


def test_a_fall_larger_than_the_limit_either_side_of_a_gap_is_a_breach(monitor: Monitor) -> None:
    down = _finding(monitor, _x(4, None, 0), "DOWN")
    assert down.outcome == "not_met"
    (occurrence,) = down.occurrences
    assert occurrence.periods == ("2026-Q1", "2026-Q2", "2026-Q3")
    assert [e.period for e in occurrence.evidence] == ["2026-Q1", "2026-Q3"]
    assert down.explanation == (
        "down down 100% (from 4 to 0) Whatever the missing return for 2026-Q2 held, this "
        "would be a breach."
    )
    # 4 → 2 is not more than half: a filling of 2 or 3 in between breaches neither step.
    assert _finding(monitor, _x(4, None, 2), "DOWN").outcome == "evidence_missing"


def test_a_run_of_falls_the_received_values_prove_is_a_breach(monitor: Monitor) -> None:
    # 4, 3, ?, 1, 0: below 3 the gap ends a fall from 4; at 3 or above it starts one to 0.
    falling = _finding(monitor, _x(4, 3, None, 1, 0), "FALLING")
    assert falling.outcome == "not_met"
    assert "Whatever the missing return for 2026-Q3 held" in falling.explanation


def test_a_gap_no_value_could_make_a_breach_is_met_and_says_so(monitor: Monitor) -> None:
    # Rising three periods: 4 is the most x can be, so nothing after it rises.
    rising = _finding(monitor, _x(2, 4, None, 4), "RISING")
    assert rising.outcome == "met"
    assert rising.explanation == (
        "fine Whatever the missing return for 2026-Q3 held, this would be no breach."
    )


def test_a_gap_that_could_go_either_way_names_the_period(monitor: Monitor) -> None:
    high = _finding(monitor, _x(3, 3, None, 1), "HIGH")
    assert high.outcome == "evidence_missing"
    assert "2026-Q3 (no return)" in high.explanation
