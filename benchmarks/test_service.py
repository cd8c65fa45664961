"""The gRPC service: a 100k stream against the in-process engine, unary latency with 1 and
32 clients, and the time from start to SERVING."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import pytest

from benchmarks.conftest import FIGURES, ROOT
from clients.client import ProbityClient, submission_message
from engine.compiled import CompiledRuleSet
from engine.evaluator import Evaluator, Submission
from engine.result import to_json
from probity.v1 import evaluation_pb2
from server.app import ProbityServer
from server.settings import Settings

STREAM = 100_000


@pytest.fixture(scope="module")
def server() -> Iterator[ProbityServer]:
    started = ProbityServer(Settings(port=0, rules=ROOT / "rules", workers=2))
    started.start()
    yield started
    started.stop(grace=5)


def _requests(submissions: list[Submission]) -> list[evaluation_pb2.EvaluateStreamRequest]:
    out = []
    for n in range(STREAM):
        source = submissions[n % len(submissions)]
        message = submission_message({"id": f"s{n}", "answers": source.answers})
        out.append(
            evaluation_pb2.EvaluateStreamRequest(ruleset_id="nolan-tender", submission=message)
        )
    return out


def test_stream_against_in_process(
    nolan: CompiledRuleSet, submissions: list[Submission], server: ProbityServer
) -> None:
    evaluator = Evaluator(nolan)
    chosen = submissions[:10_000]
    best_local = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        for start in range(0, len(chosen), 256):
            for outcome in evaluator.evaluate_many(chosen[start : start + 256]):
                to_json(outcome)  # type: ignore[arg-type]
        best_local = min(best_local, time.perf_counter() - started)
    FIGURES["in-process engine (this run), submissions/s"] = len(chosen) / best_local

    requests = _requests(submissions)
    with ProbityClient(f"127.0.0.1:{server.port}", timeout=600) as client:
        list(client.evaluate_stream("nolan-tender", [{"id": "warm", "answers": chosen[0].answers}]))
        best = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            count = 0
            for response in client._evaluation.EvaluateStream(iter(requests), timeout=600):
                assert response.HasField("result")
                count += 1
            best = min(best, time.perf_counter() - started)
            assert count == STREAM
    FIGURES["gRPC stream of 100k over loopback, submissions/s"] = STREAM / best


def _latencies(target: str, records: list[dict[str, Any]], clients: int, calls: int) -> list[float]:
    def one_client(n: int) -> list[float]:
        out = []
        with ProbityClient(target, timeout=60) as client:
            for k in range(calls):
                record = records[(n * calls + k) % len(records)]
                started = time.perf_counter()
                client.evaluate("nolan-tender", record)
                out.append(time.perf_counter() - started)
        return out

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return [t for times in pool.map(one_client, range(clients)) for t in times]


@pytest.mark.parametrize("clients", [1, 32])
def test_unary_latency(submissions: list[Submission], server: ProbityServer, clients: int) -> None:
    records = [{"id": s.id, "answers": s.answers} for s in submissions[:4000]]
    target = f"127.0.0.1:{server.port}"
    _latencies(target, records, clients, 20)  # warm up
    times = sorted(_latencies(target, records, clients, 3000 // clients if clients > 1 else 2000))
    cuts = statistics.quantiles(times, n=100)
    FIGURES[f"unary p50 with {clients} client(s), ms"] = cuts[49] * 1000
    FIGURES[f"unary p99 with {clients} client(s), ms"] = cuts[98] * 1000


def test_time_to_serving(tmp_path: Path) -> None:
    best = float("inf")
    for run in range(3):
        port = 50900 + run
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "clients.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        try:
            with ProbityClient(f"127.0.0.1:{port}", attempts=1) as client:
                while True:
                    try:
                        if client.health(timeout=1) == "SERVING":
                            break
                    except grpc.RpcError:
                        pass
                    time.sleep(0.01)
            best = min(best, time.perf_counter() - started)
        finally:
            process.terminate()
            process.wait(timeout=60)
    FIGURES["start to SERVING (every shipped rule set), s"] = best
