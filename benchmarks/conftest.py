from __future__ import annotations

import copy
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from benchmarks.paired import HEADLINES, table, write_table
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.pipeline import load_file
from probity.engine.evaluation.items import Submission

ROOT = Path(__file__).resolve().parent.parent
FIGURES: dict[str, float] = {}


@pytest.fixture(scope="session")
def nolan() -> CompiledRuleSet:
    return load_file(ROOT / "rules/nolan-tender.yaml")


def _leaves(node: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in node.items():
        path = f"{prefix}{key}"
        out.extend(_leaves(value, path + ".") if isinstance(value, dict) else [path])
    return out


@pytest.fixture(scope="session")
def submissions() -> list[Submission]:
    return make_submissions()


def make_submissions() -> list[Submission]:
    """20,000 bids mixing the strong and weak examples field by field (about half met)."""
    strong = json.loads((ROOT / "rules/examples/nolan-tender/strong.json").read_text())["answers"]
    weak = json.loads((ROOT / "rules/examples/nolan-tender/weak.json").read_text())["answers"]
    rng = random.Random(7)
    out = []
    for n in range(20_000):
        answers = copy.deepcopy(strong)
        for path in _leaves(strong):
            if rng.random() < 0.5:
                node, w = answers, weak
                *parents, last = path.split(".")
                for part in parents:
                    node, w = node[part], w.get(part, {})
                if last in w:
                    node[last] = copy.deepcopy(w[last])
                else:
                    node.pop(last)
        out.append(Submission(f"b{n}", answers))
    return out


def pytest_sessionfinish(session: pytest.Session) -> None:
    if HEADLINES:
        print("\n== Headline ratios (median of paired rounds [lowest-highest]) ==")
        print(table())
        readme = os.environ.get("PROBITY_BENCH_README")
        if readme:  # make bench: the README's table is this run's
            write_table(ROOT / readme)
    if not FIGURES:
        return
    f = FIGURES
    lines = ["", "== Probity engine benchmark (one run; ratios are what to compare) =="]
    for name, value in f.items():
        digits = 0 if isinstance(value, int) or value >= 100 else 3
        lines.append(f"  {name:<56} {value:>12,.{digits}f}")
    engine = f.get("engine in-process, submissions/s")
    if engine:
        for name in (
            "plain Python closures (met sets only), submissions/s",
            "naive durable.lang, one session per submission, submissions/s",
        ):
            if name in f:
                lines.append(f"  engine ÷ {name.split(',')[0]:<40} {engine / f[name]:>8.3f}×")
    if "1 worker process, submissions/s" in f and "2 worker processes, submissions/s" in f:
        ratio = f["2 worker processes, submissions/s"] / f["1 worker process, submissions/s"]
        lines.append(f"  2 workers ÷ 1 worker, best pass of each{'':<10} {ratio:>8.3f}×")
    checked = f.get("monitoring: engine in-process (raw → JSON), contract-periods/s")
    hand = f.get("monitoring: hand-coded plain Python (breaches, ratings), contract-periods/s")
    pooled = f.get("monitoring: 2 worker processes, contract-periods/s")
    if checked and hand:
        ratio = checked / hand
        lines.append(f"  monitoring engine ÷ hand-coded plain Python{'':<6} {ratio:>8.3f}×")
    if checked and pooled:
        lines.append(f"  monitoring 2 workers ÷ in-process{'':<16} {pooled / checked:>8.3f}×")
    local = f.get("in-process engine (this run), submissions/s")
    streams = {
        "probity": "probity: stream of 100k over loopback",
        "probity BASIC": "probity: stream of 100k over loopback, BASIC",
        "bare gRPC": "bare gRPC: stream of 100k over loopback",
        "bare grpc.aio": "bare grpc.aio: stream of 100k over loopback",
    }
    for label, key in streams.items():
        stream = f.get(f"{key}, submissions/s")
        if stream and local:
            shown = f"{label} stream ÷ in-process engine"
            lines.append(f"  {shown:<48} {stream / local:>8.3f}×")
    if "RSS after 100k evaluations, KiB" in f and "RSS after 1M evaluations, KiB" in f:
        growth = f["RSS after 1M evaluations, KiB"] / f["RSS after 100k evaluations, KiB"] - 1
        lines.append(f"  RSS growth 100k → 1M{'':<28} {100 * growth:>7.2f}%")
    print("\n".join(lines))


def varied_submissions(ruleset: CompiledRuleSet, count: int, seed: int = 11) -> list[Submission]:
    """`count` bids answering every input: each answer the strong example's, or (two times in
    five) a value drawn from what the input allows (any enum value, a number across its
    range, any subset of a list). Unlike make_submissions' two answer sets, bids rarely
    repeat, so caches keyed on answers hit far less (the benchmark reports how often)."""
    rng = random.Random(seed)
    strong = json.loads((ROOT / "rules/examples/nolan-tender/strong.json").read_text())["answers"]
    out = []
    for n in range(count):
        answers: dict[str, Any] = {}
        for spec in ruleset.spec.inputs:
            *parents, last = spec.path.split(".")
            node = answers
            for part in parents:
                node = node.setdefault(part, {})
            example = strong
            for part in parents:
                example = example.get(part, {})
            drawn = last not in example or rng.random() < 0.4
            node[last] = _drawn(spec, rng) if drawn else copy.deepcopy(example[last])
        out.append(Submission(f"v{n}", answers))
    return out


def _drawn(spec: Any, rng: random.Random) -> Any:
    low = int(spec.minimum) if spec.minimum is not None else 0
    high = int(spec.maximum) if spec.maximum is not None else 100
    if spec.type == "boolean":
        return rng.random() < 0.5
    if spec.type == "integer":
        return rng.randint(low, high)
    if spec.type == "number":
        return round(rng.uniform(low, high), 1)
    if spec.type == "list":
        allowed = list(spec.allowed or [])
        return rng.sample(allowed, rng.randint(0, len(allowed)))
    if spec.allowed:
        return rng.choice(list(spec.allowed))
    return "".join(rng.choice("abcdef") for _ in range(8))
