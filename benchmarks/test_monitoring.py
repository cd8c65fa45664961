"""Contract monitoring: contract-periods checked per second for ethical-standards-monitoring
(20 checks) over 10,000 contracts × 12 quarters, against the same checks hand-coded."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import pytest

from benchmarks import monitoring_baseline
from benchmarks.conftest import FIGURES, ROOT
from benchmarks.paired import alternate, headline, ratios
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.pipeline import load_file
from probity.engine.evaluation.items import Submission
from probity.engine.monitoring.contract_result import contract_json
from probity.engine.monitoring.monitor import Monitor
from probity.engine.workers.pool import WorkerPool

CONTRACTS, PERIODS = 10_000, 12
QUARTERS = [f"{year}-Q{q}" for year in (2024, 2025, 2026) for q in (1, 2, 3, 4)]
DUE = {"1": "04-15", "2": "07-15", "3": "10-15", "4": "01-15"}


@pytest.fixture(scope="module")
def monitoring() -> CompiledRuleSet:
    return load_file(ROOT / "rules/ethical-standards-monitoring.yaml")


def _return(rng: random.Random, ident: str, period: str, level: float) -> dict[str, Any]:
    year, quarter = period.split("-Q")
    due_year = int(year) + (quarter == "4")
    late = rng.choice([0, 0, 0, 0, 3, 12, 40])
    received_day = 15 + min(late, 13)
    month = int(DUE[quarter][:2]) + (1 if late > 13 else 0)
    measures: dict[str, Any] = {
        "complaints": {
            "per_1000_users": round(level + rng.uniform(-1.5, 1.5), 1),
            "median_response_days": rng.choice([8, 12, 18, 21, 25]),
            "analysis_shared": rng.random() < 0.9,
        },
        "satisfaction": {"user_pct": rng.choice([70, 78, 82, 85, 88, 91, 94])},
        "staff": {"ethics_training_pct": rng.choice([80, 86, 90, 94, 98])},
        "conduct": {"code_breaches": rng.choice([0, 0, 0, 1, 2])},
        "conflicts": {
            "unresolved": rng.choice([0, 0, 0, 1]),
            "register_reviewed_on": rng.choice(
                ["2023-05-01", "2024-11-30", "2025-09-15", "2026-03-01"]
            ),
        },
        "integrity": {
            "office_moves_undeclared": rng.choice([0] * 12 + [1]),
            "gifts_unregistered": rng.choice([0] * 8 + [1]),
            "related_party_undisclosed": rng.choice([0] * 15 + [1]),
        },
        "whistleblowing": {"reports": rng.choice([0, 0, 1, 2])},
        "openness": {"refusals_without_reason": rng.choice([0] * 12 + [1])},
        "honesty": {"figures_restated": rng.random() < 0.08},
        "scrutiny": {"access_given": rng.random() < 0.98},
    }
    if measures["whistleblowing"]["reports"]:
        measures["whistleblowing"]["median_days_to_respond"] = rng.choice([10, 20, 35])
    return {
        "contract_id": ident,
        "period": period,
        "due": f"{due_year}-{DUE[quarter]}",
        "received": f"{due_year}-{month:02d}-{received_day:02d}",
        "measures": measures,
    }


@pytest.fixture(scope="module")
def portfolio() -> list[dict[str, Any]]:
    rng = random.Random(11)
    out = []
    for n in range(CONTRACTS):
        ident = f"CT-{n:05d}"
        level = rng.uniform(2, 5)
        returns = [_return(rng, ident, p, level) for p in QUARTERS[:PERIODS]]
        rng.shuffle(returns)  # returns arrive in any order
        targets = {
            "complaints.per_1000_users": 4,
            "satisfaction.user_pct": 85,
            "staff.ethics_training_pct": 90,
        }
        out.append({"contract": {"contract_id": ident, "targets": targets}, "returns": returns})
    return out


def _rate(benchmark: Any, name: str) -> None:
    FIGURES[name] = CONTRACTS * PERIODS / benchmark.stats.stats.min


def test_engine_checks_every_contract(
    benchmark: Any, monitoring: CompiledRuleSet, portfolio: list[dict[str, Any]]
) -> None:
    monitor = Monitor(monitoring)

    def run() -> int:
        return sum(len(contract_json(monitor.check(data))) for data in portfolio)

    benchmark.pedantic(run, rounds=2, warmup_rounds=0)
    _rate(benchmark, "monitoring: engine in-process (raw → JSON), contract-periods/s")


def test_hand_coded_baseline_does_the_same_work(
    benchmark: Any, monitoring: CompiledRuleSet, portfolio: list[dict[str, Any]]
) -> None:
    monitor = Monitor(monitoring)
    series = [monitor.reader.read(data) for data in portfolio]  # validated, as the engine reads
    for read in series[:1_000]:  # equal work: the same breaches and ratings
        result = monitor.check_series(read)
        ends, rules = monitoring_baseline.check(read)
        labels = {c: {read.returns[i].period.label for i in found} for c, found in ends.items()}
        assert labels == {
            f.criterion: {o.periods[-1] for o in f.occurrences} for f in result.findings
        }
        assert rules == [p.rule for p in result.periods]

    def run() -> int:
        return sum(len(monitoring_baseline.check(read)[1]) for read in series)

    benchmark.pedantic(run, rounds=3, warmup_rounds=1)
    _rate(benchmark, "monitoring: hand-coded plain Python (breaches, ratings), contract-periods/s")


def test_engine_in_two_worker_processes(
    benchmark: Any, monitoring: CompiledRuleSet, portfolio: list[dict[str, Any]]
) -> None:
    contracts = [Submission(d["contract"]["contract_id"], d) for d in portfolio]
    with WorkerPool(2) as pool:
        pool.warm([monitoring])
        benchmark.pedantic(lambda: pool.evaluate(monitoring, contracts), rounds=2, warmup_rounds=0)
    _rate(benchmark, "monitoring: 2 worker processes, contract-periods/s")


def test_engine_against_hand_coded_in_paired_rounds(
    monitoring: CompiledRuleSet, portfolio: list[dict[str, Any]]
) -> None:
    """The headline ratio: a pass of each over the same portfolio, back to back, the order
    alternating (the rates above are best passes taken minutes apart)."""
    monitor = Monitor(monitoring)
    series = [monitor.reader.read(data) for data in portfolio]

    def timed(run: Callable[[], object]) -> Callable[[], float]:
        def once() -> float:
            started = time.perf_counter()
            run()
            return time.perf_counter() - started

        return once

    took = alternate(
        5,
        {
            "engine": timed(lambda: [contract_json(monitor.check(data)) for data in portfolio]),
            "hand": timed(lambda: [monitoring_baseline.check(read) for read in series]),
        },
    )
    headline(
        "monitoring engine (raw → JSON) ÷ hand-coded plain Python (read series)",
        ratios(took["hand"], took["engine"]),
    )
