"""Probity's engine in-process against GoRules zen-engine on the same criteria (a peer, as
issue 20 asks): paired rounds on one machine, the ratio of medians is the figure.

Probity's side is the whole evaluation with full findings (points, levels, explanations,
evidence, sources) written as JSON; zen's is which levels hold (see benchmarks/zen_peer.py).
Before timing, both must agree on which level of which criterion holds."""

from __future__ import annotations

import statistics
import time

from benchmarks.conftest import FIGURES
from benchmarks.zen_peer import ZenPeer
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import to_json

ROUNDS = 5
PER_ROUND = 4_000


def _agree(nolan: CompiledRuleSet, peer: ZenPeer, submissions: list[Submission]) -> None:
    evaluator = Evaluator(nolan)
    criteria = {c.id: c for c in nolan.spec.criteria}
    for submission in submissions:
        ours = {}
        for finding in evaluator.evaluate(submission).findings:
            if finding.outcome in ("met", "partly_met"):
                spec = criteria[finding.criterion]
                points = [level.points for level in spec.levels or []]
                ours[finding.criterion] = points.index(finding.points) if points else 0
        assert peer.matched(submission.answers) == ours, submission.id


def test_engine_against_zen_engine(nolan: CompiledRuleSet, submissions: list[Submission]) -> None:
    peer = ZenPeer(nolan)
    _agree(nolan, peer, submissions[:500])
    evaluator = Evaluator(nolan)
    chosen = submissions[:PER_ROUND]
    ours, theirs = [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for start in range(0, len(chosen), 256):
            for outcome in evaluator.evaluate_many(chosen[start : start + 256]):
                to_json(outcome)  # type: ignore[arg-type]
        ours.append(len(chosen) / (time.perf_counter() - started))
        started = time.perf_counter()
        for submission in chosen:
            peer.matched(submission.answers)
        theirs.append(len(chosen) / (time.perf_counter() - started))
    FIGURES["engine in-process, full findings as JSON, submissions/s"] = statistics.median(ours)
    FIGURES["zen-engine 2.x, ZenEngine.evaluate, levels held, submissions/s"] = statistics.median(
        theirs
    )
    FIGURES["engine ÷ zen-engine, median of paired rounds"] = statistics.median(
        o / t for o, t in zip(ours, theirs, strict=True)
    )
