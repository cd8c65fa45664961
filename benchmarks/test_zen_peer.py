"""Probity's engine in-process against GoRules zen-engine (issue 32: a comparison a sceptic
accepts). Zen is called the fast way (a ZenDecisionContent from its loader) with a decision
that computes what Probity's figures say, checked equal on every submission timed; the
bids vary (benchmarks.conftest.varied_submissions) and the findings-cache hit rate is
reported. Both one call at a time and batched (256: Probity's evaluate_many, zen's
evaluate_batch), in paired rounds whose order alternates; each figure is the median ratio
with its spread across rounds. Probity's side writes every result as JSON (findings with
explanations, evidence and sources); zen's returns its figures."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable

from benchmarks.conftest import FIGURES, varied_submissions
from benchmarks.paired import headline
from benchmarks.zen_peer import FairZen, ZenPeer
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import Result, to_json

ROUNDS = 7
PER_ROUND = 3_000
BATCH = 256


def _agree_on_levels(nolan: CompiledRuleSet, submissions: list[Submission]) -> None:
    peer, evaluator = ZenPeer(nolan), Evaluator(nolan)
    criteria = {c.id: c for c in nolan.spec.criteria}
    for submission in submissions:
        ours = {}
        for finding in evaluator.evaluate(submission).findings:
            if finding.outcome in ("met", "partly_met"):
                spec = criteria[finding.criterion]
                points = [level.points for level in spec.levels or []]
                ours[finding.criterion] = points.index(finding.points) if points else 0
        assert peer.matched(submission.answers) == ours, submission.id


def _rate(run: Callable[[], None], count: int) -> float:
    started = time.perf_counter()
    run()
    return count / (time.perf_counter() - started)


def test_engine_against_zen_engine(nolan: CompiledRuleSet) -> None:
    chosen = varied_submissions(nolan, PER_ROUND)
    _agree_on_levels(nolan, chosen[:300])
    zen, evaluator = FairZen(nolan), Evaluator(nolan)
    answers = [s.answers for s in chosen]
    results = [r for r in evaluator.evaluate_many(chosen) if isinstance(r, Result)]
    assert len(results) == len(chosen)
    for submission, theirs, ours in zip(chosen, zen.evaluate_batch(answers), results, strict=True):
        assert zen.same_as(theirs, ours) == [], submission.id  # the same figures, every bid
    lookups = len(chosen) * len(nolan.criteria)
    fresh = Evaluator(nolan)  # its findings cache, filled by these bids alone
    list(fresh.evaluate_many(chosen))
    made = sum(len(cache) for cache in fresh.scorer._caches)

    def ours_one() -> None:
        for submission in chosen:
            to_json(evaluator.evaluate(submission))

    def ours_batched() -> None:
        for start in range(0, len(chosen), BATCH):
            for outcome in evaluator.evaluate_many(chosen[start : start + BATCH]):
                to_json(outcome)  # type: ignore[arg-type]

    def zen_one() -> None:
        for a in answers:
            zen.evaluate(a)

    def zen_batched() -> None:
        for start in range(0, len(answers), BATCH):
            zen.evaluate_batch(answers[start : start + BATCH])

    pairs = {
        "one call at a time": (ours_one, zen_one),
        "batches of 256": (ours_batched, zen_batched),
    }
    ratios: dict[str, list[float]] = {name: [] for name in pairs}
    rates: dict[str, list[float]] = {}
    for n in range(ROUNDS):
        for name, (probity_run, zen_run) in pairs.items():
            sides = [("probity", probity_run), ("zen", zen_run)]
            got = {side: _rate(run, len(chosen)) for side, run in (sides if n % 2 else sides[::-1])}
            ratios[name].append(got["probity"] / got["zen"])
            for side, rate in got.items():
                rates.setdefault(f"{side}, {name}", []).append(rate)
    for name, values in rates.items():
        FIGURES[f"zen comparison: {name}, submissions/s (median)"] = statistics.median(values)
    for name, values in ratios.items():
        FIGURES[f"engine ÷ fair zen-engine, {name} (median of {ROUNDS} paired rounds)"] = (
            statistics.median(values)
        )
        goal = 1.0 if name == "one call at a time" else None
        headline(f"engine ÷ fair zen-engine, {name}", values, target=goal)
    FIGURES["zen comparison: findings-cache hit rate, %"] = 100 * (1 - made / lookups)
    bands = Counter(r.band for r in results)
    print(f"zen decision: {zen.expressions} expressions; bids' bands: {dict(bands)}")
