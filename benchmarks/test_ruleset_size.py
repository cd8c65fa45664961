"""Cost per submission against rule-set size: generated rule sets of 10, 100 and 1,000
criteria, each criterion its own threshold on one answer (distinct conditions), evaluated
in-process with full findings. Linear growth means 10× the criteria cost about 10× the
time per submission, less the fixed part; the ratios say where it is not."""

from __future__ import annotations

import random
import statistics
import time

from benchmarks.conftest import FIGURES
from probity.engine.compiler.pipeline import compile_text
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import to_json
from tests.conftest import large_rule_file

SIZES = (10, 100, 1_000)
SUBMISSIONS = 2_000


def generated(criteria: int) -> str:
    """`criteria` criteria (and mini's 3): X-n met when training is at least n % 100."""
    return large_rule_file(criteria, lambda n: f"staff.ethics_training_pct >= {n % 100}")


def _submissions() -> list[Submission]:
    rng = random.Random(3)
    return [
        Submission(
            f"s{n}",
            {
                "coi": {"declared": rng.random() < 0.9},
                "staff": {"ethics_training_pct": rng.randint(0, 100)},
                "policies": rng.sample(["code_of_conduct", "whistleblowing", "complaints"], 2),
            },
        )
        for n in range(SUBMISSIONS)
    ]


def test_cost_per_submission_against_ruleset_size() -> None:
    submissions = _submissions()
    evaluators = {size: Evaluator(compile_text(generated(size), f"x{size}.yaml")) for size in SIZES}
    costs: dict[int, list[float]] = {size: [] for size in SIZES}
    for _ in range(3):  # paired rounds: every size in each round
        for size, evaluator in evaluators.items():
            started = time.perf_counter()
            for start in range(0, SUBMISSIONS, 256):
                for outcome in evaluator.evaluate_many(submissions[start : start + 256]):
                    to_json(outcome)  # type: ignore[arg-type]
            costs[size].append((time.perf_counter() - started) / SUBMISSIONS * 1e6)
    median = {size: statistics.median(values) for size, values in costs.items()}
    for size in SIZES:
        FIGURES[f"{size:,} criteria (+3): µs per submission, full findings"] = median[size]
    FIGURES["100 ÷ 10 criteria, cost per submission"] = median[100] / median[10]
    linear = median[1_000] / median[100]
    FIGURES["1,000 ÷ 100 criteria, cost per submission (10 if linear)"] = linear
