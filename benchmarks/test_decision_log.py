"""What the decision log costs: a 50k-submission stream against `probity serve` with the log
on SQLite, on PostgreSQL, and turned off (`--db off`), in one run. The target is at least 80%
of the log-off throughput. Each server is its own process with two workers; rounds are
interleaved and the best of each kept, as these machines are shared and noisy."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.conftest import FIGURES, ROOT
from benchmarks.test_service import _port, _start
from probity.clients.client import ProbityClient
from probity.clients.request_messages import submission_message
from probity.engine.evaluation.items import Submission
from probity.v1 import evaluation_pb2, result_pb2
from tests.postgres import postgres_server

STREAM = 50_000
ROUNDS = 3


@pytest.fixture(scope="module")
def logged_servers() -> Iterator[dict[str, int]]:
    folder = Path(tempfile.mkdtemp(prefix="probity-bench-"))
    with postgres_server() as postgres:
        databases = {"log off": "off", "log on SQLite": str(folder / "probity.db")}
        if postgres is not None:
            databases["log on PostgreSQL"] = postgres.new_database()
        processes, ports = [], {}
        for name, db in databases.items():
            port = _port()
            command = [sys.executable, "-m", "probity", "serve", "--port", str(port)]
            processes.append(_start([*command, "--db", db], port))
            ports[name] = port
        yield ports
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=120)


def _rate(port: int, requests: list[evaluation_pb2.EvaluateStreamRequest]) -> float:
    with ProbityClient(f"127.0.0.1:{port}", timeout=900) as client:
        started = time.perf_counter()
        count = sum(
            response.HasField("result")
            for response in client._evaluation.EvaluateStream(iter(requests), timeout=900)
        )
        assert count == len(requests)
        return len(requests) / (time.perf_counter() - started)


def _bid(n: int, answers: object) -> dict[str, object]:
    """A bid as a portal sends it: in a tender (200 bids each), from a supplier (of 500)."""
    supplier = {"id": f"SUP-{n % 500}", "name": f"Supplier {n % 500}"}
    return {"id": f"s{n}", "tender_id": f"T-{n // 200}", "supplier": supplier, "answers": answers}


def test_stream_throughput_with_the_decision_log(
    submissions: list[Submission], logged_servers: dict[str, int]
) -> None:
    requests = [
        evaluation_pb2.EvaluateStreamRequest(
            ruleset_id="nolan-tender",
            submission=submission_message(_bid(n, s.answers)),
            view=result_pb2.RESULT_VIEW_BASIC,  # as the client asks
        )
        for n, s in enumerate(submissions[n % len(submissions)] for n in range(STREAM))
    ]
    for port in logged_servers.values():
        _rate(port, requests[:2000])  # warm up: workers compiled, connections pooled
    _report(logged_servers, lambda port: _rate(port, requests), "stream of 50k", "submissions/s")
    assert ROOT.is_dir() and os.cpu_count()


def _report(servers: dict[str, int], rate: Callable[[int], float], what: str, unit: str) -> None:
    """The best of ROUNDS interleaved rounds per server, and each log's ratio to no log."""
    best = dict.fromkeys(servers, 0.0)
    for _ in range(ROUNDS):
        for name, port in servers.items():
            best[name] = max(best[name], rate(port))
    for name, value in best.items():
        FIGURES[f"decision log: {what}, {name}, {unit}"] = value
        if name != "log off":
            FIGURES[f"decision log: {what}, {name} ÷ log off"] = value / best["log off"]


CALLS = 4000
CALLERS = 32


def _unary_rate(port: int, requests: list[evaluation_pb2.EvaluateRequest]) -> float:
    with ProbityClient(f"127.0.0.1:{port}", timeout=900) as client:
        evaluate = client._evaluation.Evaluate
        started = time.perf_counter()
        with ThreadPoolExecutor(CALLERS) as callers:
            answered = list(callers.map(lambda r: evaluate(r, timeout=120), requests))
        assert all(a.HasField("result") for a in answered)
        return len(requests) / (time.perf_counter() - started)


def test_unary_throughput_with_the_decision_log(
    submissions: list[Submission], logged_servers: dict[str, int]
) -> None:
    """Portals calling Evaluate one bid at a time, 32 at once: each result is committed
    before its call returns, so calls share commits (store.group_commit)."""
    requests = [
        evaluation_pb2.EvaluateRequest(
            ruleset_id="nolan-tender",
            submission=submission_message(_bid(n, submissions[n % len(submissions)].answers)),
            view=result_pb2.RESULT_VIEW_BASIC,
        )
        for n in range(CALLS)
    ]
    what = f"{CALLS} Evaluate calls, {CALLERS} at once"
    _report(logged_servers, lambda port: _unary_rate(port, requests), what, "calls/s")
