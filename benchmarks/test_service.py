"""The gRPC service, run as operators run it (`probity serve`, a process of its own):
a 100k-submission stream against the in-process engine (results FULL and BASIC), unary
latency with 1 and 32 concurrent clients, tenders of 250 and 10,000 bids, and the time from
start to SERVING. Beside each, the same calls against a bare gRPC server that answers at
once without evaluating (the floor on this machine: client, server and workers share its
two cores)."""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import pytest

from benchmarks.conftest import FIGURES, ROOT
from probity.clients.client import ProbityClient
from probity.clients.request_messages import submission_message
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import to_json
from probity.v1 import evaluation_pb2, result_pb2

STREAM = 100_000
VIEWS = {"FULL": result_pb2.RESULT_VIEW_FULL, "BASIC": result_pb2.RESULT_VIEW_BASIC}


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _db() -> str:
    """A fresh decision log for a benchmark server (as `probity serve` runs by default)."""
    return str(Path(tempfile.mkdtemp(prefix="probity-bench-")) / "probity.db")


def _wait_serving(port: int, process: subprocess.Popen[bytes]) -> None:
    with ProbityClient(f"127.0.0.1:{port}", attempts=1) as client:
        while True:
            assert process.poll() is None, "the server exited"
            try:
                if client.health(timeout=1) == "SERVING":
                    return
            except grpc.RpcError:
                time.sleep(0.01)


def _start(command: list[str], port: int, health: bool = True) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if health:
        _wait_serving(port, process)
    else:
        assert process.stdout is not None and process.stdout.readline().strip() == b"serving"
    return process


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, int]]:
    ours, bare, aio = _port(), _port(), _port()
    processes = [
        _start(
            [sys.executable, "-m", "probity", "serve", "--port", str(ours), "--db", _db()], ours
        ),
        _start([sys.executable, "-m", "benchmarks.bare_server", str(bare)], bare, health=False),
        _start(
            [sys.executable, "-m", "benchmarks.bare_server", str(aio), "aio"], aio, health=False
        ),
    ]
    yield {"probity": ours, "bare gRPC": bare, "bare grpc.aio": aio}
    for process in processes:
        process.terminate()
        process.wait(timeout=60)


def _requests(
    submissions: list[Submission], view: int = result_pb2.RESULT_VIEW_FULL
) -> list[evaluation_pb2.EvaluateStreamRequest]:
    out = []
    for n in range(STREAM):
        source = submissions[n % len(submissions)]
        message = submission_message({"id": f"s{n}", "answers": source.answers})
        out.append(
            evaluation_pb2.EvaluateStreamRequest(
                ruleset_id="nolan-tender", submission=message, view=view
            )
        )
    return out


def _stream_rate(port: int, requests: list[evaluation_pb2.EvaluateStreamRequest]) -> float:
    with ProbityClient(f"127.0.0.1:{port}", timeout=900) as client:
        list(client._evaluation.EvaluateStream(iter(requests[:500]), timeout=600))  # warm up
        started = time.perf_counter()
        count = 0
        for response in client._evaluation.EvaluateStream(iter(requests), timeout=900):
            assert response.HasField("result")
            count += 1
        assert count == STREAM
        return STREAM / (time.perf_counter() - started)


def test_stream_against_in_process(
    nolan: CompiledRuleSet, submissions: list[Submission], servers: dict[str, int]
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
    for name, port in servers.items():
        FIGURES[f"{name}: stream of 100k over loopback, submissions/s"] = _stream_rate(
            port, requests
        )
    lean = _requests(submissions, result_pb2.RESULT_VIEW_BASIC)
    FIGURES["probity: stream of 100k over loopback, BASIC, submissions/s"] = _stream_rate(
        servers["probity"], lean
    )


def _latencies(
    port: int, requests: list[evaluation_pb2.EvaluateRequest], clients: int, calls: int
) -> list[float]:
    """Each client on a channel of its own, as separate portals are."""

    def one_client(n: int) -> list[float]:
        out = []
        with ProbityClient(f"127.0.0.1:{port}", timeout=60) as client:
            evaluate = client._evaluation.Evaluate
            for k in range(calls):
                request = requests[(n * calls + k) % len(requests)]
                started = time.perf_counter()
                evaluate(request, timeout=60)
                out.append(time.perf_counter() - started)
        return out

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return [t for times in pool.map(one_client, range(clients)) for t in times]


@pytest.mark.parametrize("clients", [1, 32])
def test_unary_latency(
    submissions: list[Submission], servers: dict[str, int], clients: int
) -> None:
    runs = [(name, port, "FULL") for name, port in servers.items()]
    runs.append(("probity", servers["probity"], "BASIC"))
    for name, port, view in runs:
        requests = [
            evaluation_pb2.EvaluateRequest(
                ruleset_id="nolan-tender",
                submission=submission_message({"id": s.id, "answers": s.answers}),
                view=VIEWS[view],
            )
            for s in submissions[:4000]
        ]
        _latencies(port, requests, clients, 10)  # warm up
        calls = 2000 if clients == 1 else 100
        times = sorted(_latencies(port, requests, clients, calls))
        cuts = statistics.quantiles(times, n=100)
        label = f"{name}: unary{' BASIC' if view == 'BASIC' else ''}"
        FIGURES[f"{label} p50 with {clients} client(s), ms"] = cuts[49] * 1000
        FIGURES[f"{label} p99 with {clients} client(s), ms"] = cuts[98] * 1000


def _tender_waits(port: int, bids: list[dict[str, Any]], calls: int) -> list[float]:
    with ProbityClient(f"127.0.0.1:{port}", timeout=120) as client:
        client.evaluate_tender("nolan-tender", "warm-up", bids)
        out = []
        for n in range(calls):
            started = time.perf_counter()
            response = client.evaluate_tender("nolan-tender", f"t{n}", bids)
            out.append(time.perf_counter() - started)
            assert len(response.bids) == len(bids)
        return out


def test_tender_of_250_bids(submissions: list[Submission], servers: dict[str, int]) -> None:
    """EvaluateTender with 250 bids, one call at a time: the pool cuts the tender into one
    batch per worker. Beside it, the same server with one worker."""
    bids = [
        {"id": s.id, "answers": s.answers, "price": 100_000 + 97 * n}
        for n, s in enumerate(submissions[:250])
    ]
    port = _port()
    command = [sys.executable, "-m", "probity", "serve", "--port", str(port)]
    one = _start([*command, "--workers", "1", "--db", _db()], port)
    try:
        waits = {
            "2 workers": _tender_waits(servers["probity"], bids, 40),
            "1 worker": _tender_waits(port, bids, 40),
        }
    finally:
        one.terminate()
        one.wait(timeout=60)
    for label, times in waits.items():
        FIGURES[f"probity: EvaluateTender, 250 bids, {label}: p50, ms"] = 1000 * statistics.median(
            times
        )


def test_tender_of_10000_bids(submissions: list[Submission], servers: dict[str, int]) -> None:
    """EvaluateTenderStream with 10,000 bids (results BASIC, as the client asks), through the
    client as the command line calls it: every bid's result, then the ranking."""
    bids = [
        {"id": s.id, "answers": s.answers, "price": 100_000 + 7 * n}
        for n, s in enumerate(submissions[:10_000])
    ]
    waits = []
    with ProbityClient(f"127.0.0.1:{servers['probity']}", timeout=900) as client:
        for n in range(4):
            started = time.perf_counter()
            answers = list(
                client.evaluate_tender_stream("nolan-tender", f"big-{n}", bids, view="basic")
            )
            waits.append(time.perf_counter() - started)
            assert len(answers) == len(bids) + 1 and answers[-1].HasField("ranking")
    FIGURES["probity: EvaluateTenderStream, 10,000 bids: p50, s"] = statistics.median(waits[1:])


def test_time_to_serving() -> None:
    best = float("inf")
    for _ in range(3):
        port = _port()
        started = time.perf_counter()
        command = [sys.executable, "-m", "probity", "serve", "--port", str(port)]
        process = _start([*command, "--db", _db()], port)
        best = min(best, time.perf_counter() - started)
        process.terminate()
        process.wait(timeout=60)
    FIGURES["start to SERVING (every shipped rule set), s"] = best
