"""Monitoring patterns on durable_rules: each at its boundary, and against a plain reading."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.pipeline import compile_text, load_file
from probity.engine.errors import SubmissionError
from probity.engine.monitoring.contract_result import ContractResult, contract_dict, contract_json
from probity.engine.monitoring.monitor import Monitor
from tests.conftest import FIXTURES, RULES
from tests.conftest import shipped as compile_shipped
from tests.engine import monitoring_reference as reference

QUARTERS = [f"{year}-Q{q}" for year in (2025, 2026, 2027) for q in (1, 2, 3, 4)]


@pytest.fixture(scope="module")
def patterns() -> CompiledRuleSet:
    return load_file(FIXTURES / "patterns-monitoring.yaml")


@pytest.fixture(scope="module")
def monitor(patterns: CompiledRuleSet) -> Monitor:
    return Monitor(patterns)


def ret(period: str, late: int = 0, **measures: Any) -> dict[str, Any]:
    """A return for `period`, due on the 15th after it ends and `late` days late."""
    year, quarter = period.split("-Q")
    due_year, due_month = (
        (int(year) + 1, 1) if quarter == "4" else (int(year), int(quarter) * 3 + 1)
    )
    received_day = 15 + late
    month, day = (
        (due_month, received_day) if received_day <= 28 else (due_month + 1, received_day - 28)
    )
    return {
        "period": period,
        "due": f"{due_year}-{due_month:02d}-15",
        "received": f"{due_year}-{month:02d}-{day:02d}",
        "measures": {"m": {"x": 1, "reviewed_on": "2026-06-01", **measures}},
    }


def series(*returns: dict[str, Any], targets: dict[str, float] | None = None) -> dict[str, Any]:
    return {"contract": {"contract_id": "C-1", "targets": targets or {}}, "returns": list(returns)}


def finding(result: ContractResult, check: str) -> Any:
    return next(f for f in result.findings if f.criterion == check)


def breached(result: ContractResult, check: str) -> list[tuple[str, ...]]:
    return [o.periods for o in finding(result, check).occurrences]


# -- each pattern where it just holds and where it just fails --------------------------------
def test_consecutive_needs_every_period_over_and_no_gap(monitor: Monitor) -> None:
    three = [ret(p, x=6) for p in QUARTERS[4:7]]
    assert breached(monitor.check(series(*three)), "HIGH") == [tuple(QUARTERS[4:7])]
    just_under = [*three[:2], ret(QUARTERS[6], x=5)]
    assert finding(monitor.check(series(*just_under)), "HIGH").outcome == "met"
    gap = [*three[:2], ret(QUARTERS[7], x=6)]  # Q1, Q2, Q4: the silent Q3 could complete it
    silent = monitor.check(series(*gap))
    assert finding(silent, "HIGH").outcome == "evidence_missing"
    assert "2026-Q3 (no return)" in finding(silent, "HIGH").explanation
    assert [o.periods for o in finding(silent, "RETURN-MISSING").occurrences] == [("2026-Q3",)]
    broken = [three[0], ret(QUARTERS[5], x=5), ret(QUARTERS[7], x=6)]  # Q2 rules out a run
    assert finding(monitor.check(series(*broken)), "HIGH").outcome == "met"


def test_rising_and_falling_need_strict_change_each_period(monitor: Monitor) -> None:
    rising = [ret(p, x=x) for p, x in zip(QUARTERS[4:7], (1, 2, 3), strict=True)]
    assert breached(monitor.check(series(*rising)), "RISING") == [tuple(QUARTERS[4:7])]
    level = [ret(p, x=x) for p, x in zip(QUARTERS[4:7], (1, 2, 2), strict=True)]
    assert finding(monitor.check(series(*level)), "RISING").outcome == "met"
    falling = [ret(p, y=y) for p, y in zip(QUARTERS[4:7], (3, 2, 1), strict=True)]
    assert breached(monitor.check(series(*falling)), "FALLING") == [tuple(QUARTERS[4:7])]
    flat = [ret(p, y=y) for p, y in zip(QUARTERS[4:7], (3, 2, 2), strict=True)]
    assert finding(monitor.check(series(*flat)), "FALLING").outcome == "met"


def test_repeated_counts_within_the_window(monitor: Monitor) -> None:
    inside = [
        ret(QUARTERS[4], late=3),
        ret(QUARTERS[5]),
        ret(QUARTERS[6]),
        ret(QUARTERS[7], late=1),
    ]
    result = monitor.check(series(*inside))
    assert breached(result, "LATE") == [(QUARTERS[4], QUARTERS[7])]  # 3 periods apart: within 4
    outside = [*inside[1:3], ret(QUARTERS[7]), ret(QUARTERS[8], late=1), ret(QUARTERS[4], late=3)]
    assert finding(monitor.check(series(*outside)), "LATE").outcome == "met"  # Q1, next Q1
    silent = [r for r in outside if r["period"] != QUARTERS[7]]  # the missing Q4 could be late
    assert finding(monitor.check(series(*silent)), "LATE").outcome == "evidence_missing"


def test_on_time_is_not_late(monitor: Monitor) -> None:
    on_time = [ret(p, late=0) for p in QUARTERS[4:8]]
    assert finding(monitor.check(series(*on_time)), "LATE").outcome == "met"


def test_below_target_is_strict_and_needs_a_target(monitor: Monitor) -> None:
    below = monitor.check(series(ret(QUARTERS[4], x=79.9), targets={"m.x": 80}))
    found = finding(below, "BELOW")
    assert found.outcome == "not_met" and found.occurrences[0].target == 80
    assert found.explanation == "below 80 in 2026-Q1"
    at = monitor.check(series(ret(QUARTERS[4], x=80), targets={"m.x": 80}))
    assert finding(at, "BELOW").outcome == "met"
    none = finding(monitor.check(series(ret(QUARTERS[4], x=1))), "BELOW")
    assert none.outcome == "not_applicable" and "no target for x." in none.explanation


def test_change_must_exceed_the_percentage(monitor: Monitor) -> None:
    jump = [ret(QUARTERS[4], x=10), ret(QUARTERS[5], x=15.01)]
    assert breached(monitor.check(series(*jump)), "JUMP") == [tuple(QUARTERS[4:6])]
    exactly = [ret(QUARTERS[4], x=10), ret(QUARTERS[5], x=15)]
    assert finding(monitor.check(series(*exactly)), "JUMP").outcome == "met"


def test_overdue_counts_months_back_from_the_period_end(monitor: Monitor) -> None:
    # 2026-Q3 ends 30 September 2026: done on 30 September 2025 is within 12 months.
    on_the_day = monitor.check(series(ret("2026-Q3", reviewed_on="2025-09-30")))
    assert finding(on_the_day, "OVERDUE").outcome == "met"
    a_day_early = monitor.check(series(ret("2026-Q3", reviewed_on="2025-09-29")))
    assert breached(a_day_early, "OVERDUE") == [("2026-Q3",)]
    never = series(ret("2026-Q3"))
    del never["returns"][0]["measures"]["m"]["reviewed_on"]
    assert breached(monitor.check(never), "OVERDUE") == [("2026-Q3",)]


def test_each_return_is_three_valued(monitor: Monitor) -> None:
    ok = monitor.check(series(ret(QUARTERS[4], y=9)))
    assert finding(ok, "EACH").outcome == "met"
    failed = monitor.check(series(ret(QUARTERS[4], y=10, flag=False)))
    assert breached(failed, "EACH") == [(QUARTERS[4],)]
    # y missing and the flag not given: the answer could go either way.
    unknown = finding(monitor.check(series(ret(QUARTERS[4]))), "EACH")
    assert unknown.outcome == "evidence_missing"
    assert (
        unknown.explanation == "missing flag (2026-Q1), y (2026-Q1)"
    )  # answers by name, never by path
    # The flag alone settles it.
    settled = monitor.check(series(ret(QUARTERS[4], flag=True)))
    assert finding(settled, "EACH").outcome == "met"


# -- the series ------------------------------------------------------------------------------
def test_a_single_return_leaves_patterns_over_periods_not_applicable(monitor: Monitor) -> None:
    result = monitor.check(series(ret(QUARTERS[4], x=9, y=1)))
    outcomes = {f.criterion: f.outcome for f in result.findings}
    assert outcomes["HIGH"] == outcomes["RISING"] == outcomes["LATE"] == "not_applicable"
    assert outcomes["JUMP"] == "not_applicable" and outcomes["EACH"] == "met"
    assert [p.period for p in result.periods] == [QUARTERS[4]]


def test_order_of_arrival_does_not_matter(monitor: Monitor) -> None:
    returns = [
        ret(p, x=x, late=late)
        for p, x, late in zip(QUARTERS[3:9], (4, 6, 7, 8, 3, 9), (0, 2, 0, 0, 4, 0), strict=True)
    ]
    expected = contract_json(monitor.check(series(*returns)))
    shuffled = list(returns)
    random.Random(7).shuffle(shuffled)
    assert contract_json(monitor.check(series(*shuffled))) == expected
    assert [p.period for p in monitor.check(series(*shuffled)).periods] == QUARTERS[3:9]


def test_a_duplicate_period_is_reported_and_counted_once(monitor: Monitor) -> None:
    first = ret(QUARTERS[4], late=2, x=6)
    again = ret(QUARTERS[4], late=5, x=7)  # a resubmission, received later: it counts
    result = monitor.check(series(first, again, ret(QUARTERS[5])))
    assert result.notices == (
        "2026-Q1: duplicate return ignored (returns[0]); returns[1], received 2026-04-20, is used",
    )
    assert [p.period for p in result.periods] == QUARTERS[4:6]
    # Two late returns, but for one period: not "late twice".
    assert finding(result, "LATE").outcome == "met"
    evidence = finding(monitor.check(series(first, again, ret(QUARTERS[5], x=20))), "JUMP")
    assert [e.value for e in evidence.occurrences[0].evidence] == [7, 20]


def test_an_identical_resubmission_says_so(monitor: Monitor) -> None:
    result = monitor.check(series(ret(QUARTERS[4]), ret(QUARTERS[4])))
    assert result.notices == ("2026-Q1: duplicate return ignored (returns[0]); it was identical",)


def test_ratings_per_period_name_the_rule_and_the_breaches(monitor: Monitor) -> None:
    returns = [
        ret(QUARTERS[4], x=6, y=1),
        ret(QUARTERS[5], x=6, y=1),
        ret(QUARTERS[6], x=6, y=1),  # HIGH ends here (high)
        ret(QUARTERS[7], x=1, y=1, reviewed_on="2020-01-01"),  # OVERDUE (critical)
        ret(QUARTERS[8], x=2, y=1),  # RISING? 1 → 2 only; JUMP 1 → 2 (medium), BELOW (medium)
    ]
    result = monitor.check(series(*returns, targets={"m.x": 3}))
    rows = [(p.period, p.rating, p.rule, p.breaches) for p in result.periods]
    assert rows == [
        ("2026-Q1", "good", "otherwise", ()),
        ("2026-Q2", "good", "otherwise", ()),
        ("2026-Q3", "requires_improvement", "high", ("HIGH",)),
        ("2026-Q4", "inadequate", "critical", ("BELOW", "OVERDUE")),
        ("2027-Q1", "requires_improvement", "two_medium", ("BELOW", "JUMP")),
    ]
    assert (result.rating, result.rating_label, result.rating_rule) == (
        "requires_improvement",
        "Requires improvement",
        "two_medium",
    )


def test_findings_carry_periods_values_action_and_source(monitor: Monitor) -> None:
    result = monitor.check(
        series(*[ret(p, x=x) for p, x in zip(QUARTERS[4:7], (6, 7, 8), strict=True)])
    )
    high = finding(result, "HIGH")
    assert (
        high.explanation
        == "x above 5 in 2026-Q1, 2026-Q2, 2026-Q3 (2026-Q1: 6, 2026-Q2: 7, 2026-Q3: 8)"
    )
    assert high.action == "act" and high.severity == "high"
    assert high.breach == "x more than 5 in 3 consecutive periods"
    assert [(e.period, e.field, e.value) for e in high.occurrences[0].evidence] == [
        ("2026-Q1", "m.x", 6), ("2026-Q2", "m.x", 7), ("2026-Q3", "m.x", 8),
    ]  # fmt: skip
    assert high.source.quote.startswith("A focus on quantitative metrics")
    assert finding(result, "JUMP").action == ""  # no action where nothing was breached


def test_results_are_byte_identical_and_name_the_rule_set(
    monitor: Monitor, patterns: CompiledRuleSet
) -> None:
    data = series(*[ret(p, x=x) for p, x in zip(QUARTERS[4:8], (6, 7, 8, 2), strict=True)])
    first, second = contract_json(monitor.check(data)), contract_json(Monitor(patterns).check(data))
    assert first == second
    shape = contract_dict(monitor.check(data))
    assert shape["ruleset"] == {
        "id": patterns.id,
        "version": patterns.version,
        "digest": patterns.digest,
    }
    assert list(shape) == [
        "contract_id", "supplier", "ruleset", "engine_version", "period", "rating",
        "rating_label", "rating_rule", "periods", "principles", "findings", "notices",
        "kpis", "assessed_from", "assessed_to", "title", "procurement_id",
    ]  # fmt: skip


def test_bad_input_names_every_field(monitor: Monitor) -> None:
    bad = series(
        {**ret(QUARTERS[4], x="high"), "period": "2026-Q5"},
        {**ret(QUARTERS[4]), "due": "2026-02-30"},
    )
    bad["contract"]["targets"] = {"m.nope": 3}
    with pytest.raises(SubmissionError) as caught:
        monitor.check(bad)
    fields = sorted(v.field for v in caught.value.violations)
    assert fields == [
        "contract.targets.m.nope",
        "returns[0].measures.m.x",
        "returns[0].period",
        "returns[1].due",
    ]


def test_every_session_is_deleted(monitor: Monitor) -> None:
    # durable_rules' session table holds 1,024; partial joins are left in every session here.
    data = series(ret(QUARTERS[4], x=9, late=3), ret(QUARTERS[5], x=9), ret(QUARTERS[6], x=1))
    for _ in range(1_500):
        result = monitor.check(data)
        assert finding(result, "LATE").outcome == finding(result, "HIGH").outcome == "met"


# -- every check against a plain reading, on random series ------------------------------------
_VALUES = {
    "complaints": {"per_1000_users": st.sampled_from([1.5, 3.9, 4.0, 4.1, 6.0])},
    "satisfaction": {"user_pct": st.sampled_from([60, 70, 84, 85, 86, 99])},
}


@st.composite
def random_series(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(QUARTERS), min_size=1, max_size=9))
    returns = []
    for period in chosen:
        measures = {
            "complaints": {
                "per_1000_users": draw(st.sampled_from([1.5, 3.9, 4.0, 4.1, 6.0])),
                "median_response_days": draw(st.sampled_from([5, 20, 21])),
                "analysis_shared": draw(st.booleans()),
            },
            "satisfaction": {"user_pct": draw(st.sampled_from([60, 70, 84, 85, 86, 99]))},
            "staff": {"ethics_training_pct": draw(st.sampled_from([80, 89, 90, 95]))},
            "conduct": {"code_breaches": draw(st.sampled_from([0, 0, 1]))},
            "conflicts": {"unresolved": draw(st.sampled_from([0, 0, 1]))},
            "integrity": {
                "office_moves_undeclared": draw(st.sampled_from([0, 0, 1])),
                "gifts_unregistered": draw(st.sampled_from([0, 0, 2])),
                "related_party_undisclosed": draw(st.sampled_from([0, 0, 1])),
            },
            "whistleblowing": {"reports": draw(st.sampled_from([0, 1]))},
            "openness": {"refusals_without_reason": draw(st.sampled_from([0, 0, 1]))},
            "honesty": {"figures_restated": draw(st.booleans())},
            "scrutiny": {"access_given": draw(st.sampled_from([True, True, False]))},
        }
        if draw(st.booleans()):
            measures["conflicts"]["register_reviewed_on"] = draw(
                st.sampled_from(["2024-03-31", "2025-06-30", "2025-07-01", "2026-05-01"])
            )
        if draw(st.booleans()):
            measures["whistleblowing"]["median_days_to_respond"] = draw(
                st.sampled_from([10, 30, 31])
            )
        returns.append(
            {
                "period": period,
                "due": "2027-06-01",
                "received": draw(
                    st.sampled_from(["2027-05-01", "2027-06-01", "2027-06-02", "2027-07-15"])
                ),
                "measures": measures,
            }
        )
    targets = draw(
        st.dictionaries(
            st.sampled_from(
                [
                    "complaints.per_1000_users",
                    "satisfaction.user_pct",
                    "staff.ethics_training_pct",
                ]
            ),
            st.sampled_from([4.0, 85.0, 90.0, 95.0]),
        )
    )
    return {"contract": {"contract_id": "C-9", "targets": targets}, "returns": returns}


def _fillings(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The series with every hole filled from one received return, for each return: a
    missing period gets its answers and dates, an unanswered question its answer."""
    received: dict[str, dict[str, Any]] = {}
    for r in data["returns"]:  # of two for a period, the one received last counts
        if r["period"] not in received or r["received"] >= received[r["period"]]["received"]:
            received[r["period"]] = r
    periods = sorted(received, key=QUARTERS.index)
    due = QUARTERS[QUARTERS.index(periods[0]) : QUARTERS.index(periods[-1]) + 1]
    out = []
    for donor in received.values():
        returns = []
        for period in due:
            if period not in received:
                returns.append({**donor, "period": period})
                continue
            measures = {
                group: {**donor["measures"].get(group, {}), **answers}
                for group, answers in received[period]["measures"].items()
            }
            returns.append({**received[period], "measures": measures})
        out.append({**data, "returns": returns})
    return out


@pytest.fixture(scope="module")
def shipped() -> Monitor:
    return Monitor(compile_shipped(RULES / "ethical-standards-monitoring.yaml"))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=random_series())
def test_every_check_agrees_with_a_plain_reading(shipped: Monitor, data: dict[str, Any]) -> None:
    plan = shipped.plan
    read = shipped.reader.read(data)
    result = shipped.check_series(read)
    ends = reference.every_end(plan, read)
    *checks, missing = result.findings
    gaps = [label for label, item in reference.due(read, plan.period) if item is None]
    decided: dict[str, str] = {}
    for found in checks:
        check = next(c for c in plan.checks if c.id == found.criterion)
        expected = reference.outcome(check, read, ends[check.id])
        holes = gaps or any(reference.lacks(check, reference.values_of(r)) for r in read.returns)
        if holes and not ends[check.id] and expected != "not_applicable":
            # Across holes a verdict is decided only where no filling could change it
            # (tests/engine/monitoring/test_certainty.py); here: none of these fillings does.
            if found.outcome != "evidence_missing":
                decided[check.id] = found.outcome
                ends[check.id] |= {o.evidence[-1].period for o in found.occurrences}
            continue
        assert {o.periods[-1] for o in found.occurrences} == ends[check.id], check.id
        assert found.outcome == expected, check.id
    for filled in _fillings(data):
        outcomes = {f.criterion: f.outcome for f in shipped.check(filled).findings}
        for check_id, outcome in decided.items():
            assert outcomes[check_id] == outcome, (check_id, filled)
    assert missing.criterion == "RETURN-MISSING"
    assert [o.periods[0] for o in missing.occurrences] == gaps
    assert missing.outcome == ("not_met" if gaps else "met")
    assert [p.rule for p in result.periods] == reference.ratings(plan, read, ends)


def test_a_change_either_way_is_two_rules_and_finds_both(patterns: CompiledRuleSet) -> None:
    text = patterns.source_text.replace("direction: up}", "direction: either}")
    either = Monitor(compile_text(text, "either.yaml"))
    check = next(c for c in either.plan.checks if c.id == "JUMP")
    assert len(check.rules) == 2
    swings = [
        ret(QUARTERS[4], x=10),
        ret(QUARTERS[5], x=16),
        ret(QUARTERS[6], x=7.9),
        ret(QUARTERS[7], x=8),
    ]
    assert breached(either.check(series(*swings)), "JUMP") == [
        tuple(QUARTERS[4:6]),
        tuple(QUARTERS[5:7]),
    ]
