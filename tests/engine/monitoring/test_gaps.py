"""Silence is not compliance: missing returns, runs broken by them, periods rated without
evidence, checks that apply only sometimes, and changes stated. Each at its boundary."""

from __future__ import annotations

from typing import Any

import pytest

from probity.engine.compiler.pipeline import compile_text
from probity.engine.errors import SubmissionError
from probity.engine.monitoring.monitor import EVIDENCE_LACKING, Monitor
from tests.conftest import FIXTURES
from tests.engine.monitoring.test_monitor import QUARTERS, finding, ret, series

PATTERNS = (FIXTURES / "patterns-monitoring.yaml").read_text()
OPTIONAL_X = PATTERNS.replace(
    "{path: m.x, type: number,", "{path: m.x, type: number, required: false,"
)
Q1, Q2, Q3, Q4 = QUARTERS[4:8]  # 2026


def _monitor(text: str = PATTERNS) -> Monitor:
    return Monitor(compile_text(text, "patterns.yaml"))


@pytest.fixture(scope="module")
def monitor() -> Monitor:
    return _monitor()


def _rating(result: Any, period: str) -> Any:
    return next(p for p in result.periods if p.period == period)


def test_a_missing_return_is_a_finding_and_rated_as_a_high_breach(monitor: Monitor) -> None:
    result = monitor.check(series(ret(Q1, x=1, y=1), ret(Q3, x=1, y=1)))
    missing = finding(result, "RETURN-MISSING")
    assert (missing.outcome, missing.severity) == ("not_met", "high")
    assert [o.periods for o in missing.occurrences] == [(Q2,)]
    assert missing.explanation == (
        f"No return was received for {Q2}, though one was due for every period from {Q1} to {Q3}."
    )
    assert missing.action == "Ask for the missing return."
    q2 = _rating(result, Q2)
    assert (q2.returned, q2.breaches, q2.rule) == (False, ("RETURN-MISSING",), "high")
    assert [p.period for p in result.periods] == [Q1, Q2, Q3]
    assert result.period == Q3  # the latest return still sets the contract's rating


def test_every_period_returned_is_met(monitor: Monitor) -> None:
    result = monitor.check(series(ret(Q1, x=1, y=1), ret(Q2, x=1, y=1)))
    missing = finding(result, "RETURN-MISSING")
    assert (missing.outcome, missing.occurrences, missing.action) == ("met", (), "")
    assert all(p.returned for p in result.periods)


def test_the_first_return_due_counts_periods_before_the_first_received(monitor: Monitor) -> None:
    data = series(ret(Q3, x=1, y=1))
    data["contract"]["first_return_due"] = Q1
    missing = finding(monitor.check(data), "RETURN-MISSING")
    assert [o.periods for o in missing.occurrences] == [(Q1,), (Q2,)]
    data["contract"]["first_return_due"] = "2026-07"
    with pytest.raises(SubmissionError) as caught:
        monitor.check(data)
    assert [v.field for v in caught.value.violations] == ["contract.first_return_due"]


def test_a_period_with_most_checks_unassessed_is_not_good() -> None:
    monitor = _monitor(OPTIONAL_X)
    checks = len(monitor.plan.checks)  # 8: OVERDUE never lacks (no date is a breach)
    # Without x and y, six of the eight checks lack what they read.
    thin = ret(Q1)
    thin["measures"] = {"m": {"reviewed_on": "2026-06-01"}}
    rated = _rating(monitor.check(series(thin)), Q1)
    assert len(rated.unassessed) * 2 > checks
    assert (rated.rating, rated.rule) == ("requires_improvement", EVIDENCE_LACKING)
    half = ret(Q1, x=1)  # only y (and flag) missing: FALLING and EACH unassessed
    rated = _rating(monitor.check(series(half)), Q1)
    assert set(rated.unassessed) == {"FALLING", "EACH"}
    assert rated.rating == "good"


def test_a_gap_inside_a_rising_run_is_evidence_missing(monitor: Monitor) -> None:
    rising = monitor.check(series(ret(Q1, x=1, y=1), ret(Q3, x=3, y=1)))
    assert finding(rising, "RISING").outcome == "evidence_missing"
    falling_x = monitor.check(series(ret(Q1, x=3, y=1), ret(Q3, x=1, y=1)))
    assert finding(falling_x, "RISING").outcome == "met"  # no value in Q2 makes 3 > 1 rise


def test_a_change_across_a_gap_cannot_be_measured(monitor: Monitor) -> None:
    across = monitor.check(series(ret(Q1, x=10, y=1), ret(Q3, x=16, y=1)))
    assert finding(across, "JUMP").outcome == "evidence_missing"
    jumped = monitor.check(series(ret(Q1, x=10, y=1), ret(Q2, x=16, y=1)))
    assert finding(jumped, "JUMP").outcome == "not_met"


def test_a_change_states_how_far_the_measure_moved() -> None:
    text = PATTERNS.replace('not_met: "jumped {values}"', 'not_met: "x went {change}"')
    result = _monitor(text).check(series(ret(Q1, x=10, y=1), ret(Q2, x=16, y=1)))
    assert finding(result, "JUMP").explanation == "x went up 60% (from 10 to 16)"


APPLIES = OPTIONAL_X.replace(
    "    when: m.flag or m.y < 10\n",
    "    when: m.flag or m.y < 10\n    applies_when: m.x > 2\n",
)


def test_applies_when_leaves_out_the_returns_it_does_not_apply_to() -> None:
    monitor = _monitor(APPLIES)
    result = monitor.check(series(ret(Q1, x=2, y=50, flag=False), ret(Q2, x=3, y=1)))
    assert finding(result, "EACH").outcome == "met"  # Q1 fails `when` but x is not over 2
    breached = monitor.check(series(ret(Q1, x=3, y=50, flag=False)))
    assert [o.periods for o in finding(breached, "EACH").occurrences] == [(Q1,)]


def test_applies_when_false_throughout_is_not_applicable_and_says_when() -> None:
    result = _monitor(APPLIES).check(series(ret(Q1, x=1, y=50, flag=False)))
    each = finding(result, "EACH")
    assert each.outcome == "not_applicable"
    assert each.explanation == "Not applicable: this applies only when x more than 2."


def test_applies_when_unknown_is_evidence_missing() -> None:
    unknown = ret(Q1, y=50, flag=False)
    unknown["measures"]["m"].pop("x")
    each = finding(_monitor(APPLIES).check(series(unknown)), "EACH")
    assert each.outcome == "evidence_missing" and "x (2026-Q1)" in each.explanation


def test_a_monitoring_rule_set_must_say_how_missing_returns_are_reported() -> None:
    start = PATTERNS.index("missing_returns:")
    without = PATTERNS[:start] + PATTERNS[PATTERNS.index("ratings:") :]
    with pytest.raises(Exception) as caught:
        compile_text(without, "patterns.yaml")
    assert "missing_returns" in str(caught.value)
