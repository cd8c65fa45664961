"""engine.monitoring.kpis: each KPI rated per period on reg 39(5)'s five ratings, from the
promise, the contract's target or the rule set's; "other" with its reason when a period
cannot be rated; persistence; the notice's assessment (issue 35, items 1 and 5)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.pipeline import compile_text, load_file
from probity.engine.errors import RuleFileError, SubmissionError
from probity.engine.monitoring.contract_result import ContractResult, KpiRating
from probity.engine.monitoring.monitor import Monitor
from tests.conftest import FIXTURES
from tests.engine.monitoring.test_monitor import QUARTERS, ret

KPIS = FIXTURES / "kpis-monitoring.yaml"
ORDER = ["good", "approaching_target", "requires_improvement", "inadequate"]


@pytest.fixture(scope="module")
def monitor() -> Monitor:
    return Monitor(load_file(KPIS))


def _returns(values: list[dict[str, float] | None], start: int = 4) -> list[dict[str, Any]]:
    """One return a quarter from QUARTERS[start], its measures as given; None: no return."""
    made = []
    for n, given_ in enumerate(values):
        if given_ is None:
            continue
        item = ret(QUARTERS[start + n])
        item["measures"] = {"m": dict(given_)}
        made.append(item)
    return made


def _check(
    monitor: Monitor, values: list[dict[str, float] | None], **contract: Any
) -> ContractResult:
    return monitor.check(
        {"contract": {"contract_id": "C-1", **contract}, "returns": _returns(values)}
    )


def _kpi(result: ContractResult, kpi: str) -> KpiRating:
    return next(k for k in result.kpis if k.kpi == kpi)


@pytest.mark.parametrize(
    ("days", "rating"),
    [(8, "good"), (10, "good"), (12, "approaching_target"), (15, "requires_improvement"),
     (15.01, "inadequate")],
)  # fmt: skip
def test_lower_is_better_rated_by_how_far_short_in_units(
    monitor: Monitor, days: float, rating: str
) -> None:
    (period,) = _kpi(_check(monitor, [{"days": days}]), "DAYS").periods
    assert period.rating == rating and period.value == days


@pytest.mark.parametrize(
    ("pct", "rating"),
    [(80, "good"), (76, "approaching_target"), (75.9, "requires_improvement"),
     (72, "requires_improvement"), (71.9, "inadequate")],
)  # fmt: skip
def test_higher_is_better_rated_in_percent_of_the_target(
    monitor: Monitor, pct: float, rating: str
) -> None:
    # 5% of 80 is 4 points: 76 approaches; 10% is 8 points: 72 requires improvement.
    (period,) = _kpi(_check(monitor, [{"pct": pct}]), "SHARE").periods
    assert period.rating == rating


def test_the_reason_says_the_figures_in_words(monitor: Monitor) -> None:
    result = _check(monitor, [{"days": 14, "pct": 70}])
    days, share = _kpi(result, "DAYS").periods[0], _kpi(result, "SHARE").periods[0]
    assert days.reason == (
        "14 days in 2026-Q1 against a target of at most 10 days: 4 days short, within the "
        "5 days allowed for requires improvement"
    )
    assert share.reason == (
        "70% in 2026-Q1 against a target of at least 80%: 10 percentage points short, more "
        "than the 10% of the target allowed for requires improvement"
    )


def test_the_target_is_the_promise_else_the_contracts_else_the_rule_sets(
    monitor: Monitor,
) -> None:
    values: list[dict[str, float] | None] = [{"days": 9, "pct": 81}]
    plain = _check(monitor, values)
    assert (_kpi(plain, "DAYS").target, _kpi(plain, "DAYS").target_from) == (10, "rule_set")
    contract = _check(monitor, values, targets={"m.days": 8})
    assert _kpi(contract, "DAYS").target_from == "contract"
    assert _kpi(contract, "DAYS").periods[0].rating == "approaching_target"
    promise = {"kpi": "DAYS", "value": 7, "tender_id": "T-1", "submission_id": "T-1/bid-01"}
    promised = _check(monitor, values, targets={"m.days": 8}, promises=[promise])
    days = _kpi(promised, "DAYS")
    assert (days.target, days.target_from) == (7, "promise")
    assert days.promise is not None and days.promise.submission_id == "T-1/bid-01"
    assert days.periods[0].reason.startswith("promised 7 days, delivered 9 days in 2026-Q1")
    assert days.periods[0].rating == "approaching_target"


def test_a_promise_names_a_kpi_of_the_rule_set_once(monitor: Monitor) -> None:
    promises = [{"kpi": "NOPE", "value": 1}, {"kpi": "DAYS", "value": 1},
                {"kpi": "DAYS", "value": 2}]  # fmt: skip
    with pytest.raises(SubmissionError) as caught:
        _check(monitor, [{"days": 1}], promises=promises)
    said = {v.field: v.reason for v in caught.value.violations}
    assert said["contract.promises[0].kpi"] == "not a KPI of the rule set (DAYS, SHARE)"
    assert said["contract.promises[2].kpi"] == "DAYS is promised twice"


def test_a_period_that_cannot_be_rated_is_other_with_its_reason_and_counts_as_inadequate(
    monitor: Monitor,
) -> None:
    result = _check(monitor, [{"days": 9, "pct": 90}, None, {"pct": 90}, {"days": 9, "pct": 90}])
    days = _kpi(result, "DAYS")
    assert [p.rating for p in days.periods] == ["good", "other", "other", "good"]
    assert days.periods[1].reason.startswith("no return for 2026-Q2; it counts as inadequate")
    assert days.periods[2].reason.startswith("the 2026-Q3 return did not give the days to respond")
    assert days.overall == "inadequate"
    assert days.overall_reason.startswith(
        "Inadequate: its worst period from 2026-Q1 to 2026-Q4, 2026-Q2 (no return for 2026-Q2"
    )
    assert (result.assessed_from, result.assessed_to) == ("2026-Q1", "2026-Q4")


def test_without_any_target_every_period_is_other(tmp_path: Any) -> None:
    text = KPIS.read_text().replace("    target: 10\n", "", 1)
    days = _kpi(Monitor(compile_text(text, "k.yaml")).check(
        {"contract": {"contract_id": "C-1"}, "returns": _returns([{"days": 1}])}
    ), "DAYS")  # fmt: skip
    assert days.target is None and days.target_from == "none" and days.overall == "other"
    assert "no target is set for days to respond" in days.periods[0].reason


def test_a_shortfall_that_persists_rates_one_worse_and_a_gap_does_not_reset_it(
    monitor: Monitor,
) -> None:
    one = _kpi(_check(monitor, [{"days": 12}]), "DAYS").periods
    assert [p.rating for p in one] == ["approaching_target"]
    two = _kpi(_check(monitor, [{"days": 12}, {"days": 12}]), "DAYS").periods
    assert [(p.rating, p.persistent) for p in two] == [
        ("approaching_target", False),
        ("requires_improvement", True),
    ]
    assert "short of the target 2 quarters running, so rated one worse" in two[1].reason
    gap = _kpi(_check(monitor, [{"days": 12}, None, {"days": 12}]), "DAYS").periods
    assert gap[2].rating == "requires_improvement" and gap[2].persistent  # 3 running
    met = _kpi(_check(monitor, [{"days": 12}, {"days": 9}, {"days": 12}]), "DAYS").periods
    assert met[2].rating == "approaching_target"  # a met quarter ends the run


def test_the_notice_assesses_its_last_periods_by_the_worst_or_the_latest() -> None:
    values: list[dict[str, float] | None] = [{"days": 20}, {"days": 9}, {"days": 12},
                                             {"days": 9}, {"days": 9}]  # fmt: skip
    worst = _kpi(_check(Monitor(load_file(KPIS)), values), "DAYS")
    assert worst.overall == "approaching_target"  # 20 days is before the last four
    latest_text = KPIS.read_text().replace("overall: worst", "overall: latest")
    latest = _kpi(_check(Monitor(compile_text(latest_text, "k.yaml")), values), "DAYS")
    assert latest.overall == "good" and "its latest period, 2027-Q1" in latest.overall_reason


RATINGS = st.one_of(st.none(), st.floats(min_value=0, max_value=40, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(days=st.lists(RATINGS, min_size=2, max_size=8), drop=st.integers(min_value=0))
def test_a_missing_return_never_improves_a_rating(
    monitor: Monitor, days: list[float | None], drop: int
) -> None:
    """Leaving out any return but the latest (which ends the series) never gives a better
    rating to any period after it, nor to the notice's assessment (the contract says when
    the first return was due, so a missing first one is seen)."""
    full: list[dict[str, float] | None] = [{"days": d} if d is not None else {} for d in days]
    index = drop % (len(full) - 1)
    holed = [None if n == index else v for n, v in enumerate(full)]
    first = {"first_return_due": QUARTERS[4]}
    before = _kpi(_check(monitor, full, **first), "DAYS")
    after = _kpi(_check(monitor, holed, **first), "DAYS")
    assert ORDER.index(after.overall) >= ORDER.index(before.overall)
    for was, now in list(zip(before.periods, after.periods, strict=True))[index + 1 :]:
        if "other" not in (was.rating, now.rating):
            assert ORDER.index(now.rating) >= ORDER.index(was.rating)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("measure: m.days", ("measure: m.dayz", "no input 'm.dayz'; did you mean 'm.days'?")),
        ("measure: m.days", ("measure: m.note", "'m.note' is string input: a KPI measures")),
        ("requires_improvement_within: 5", ("requires_improvement_within: 1",
                                           "requires improvement lies further from the target")),
    ],
)  # fmt: skip
def test_a_kpi_that_cannot_work_is_refused_at_its_line(change: str, said: tuple[str, str]) -> None:
    text = KPIS.read_text().replace(change, said[0], 1)
    with pytest.raises(RuleFileError) as caught:
        compile_text(text, "k.yaml")
    (problem,) = caught.value.diagnostics
    line = next(n for n, t in enumerate(text.splitlines(), 1) if said[0] in t)
    assert problem.line == line and said[1] in problem.message


def test_kpis_belong_to_monitoring_and_commitments_to_tenders(
    kpis_ruleset: CompiledRuleSet,
) -> None:
    assert [k.id for k in kpis_ruleset.monitoring.kpis] == ["DAYS", "SHARE"]  # type: ignore[union-attr]
    committed = KPIS.read_text().replace(
        "label: Days to respond}", "label: Days to respond, becomes_kpi: DAYS}"
    )
    with pytest.raises(RuleFileError) as caught:
        compile_text(committed, "k.yaml")
    assert "commitments are a tender's" in str(caught.value)


@pytest.fixture(scope="module")
def kpis_ruleset() -> CompiledRuleSet:
    return load_file(KPIS)
