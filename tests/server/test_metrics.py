"""Prometheus metrics, scraped over HTTP from a real server after real calls: each count is
the number of calls, evaluations, restarts and commits made."""

from __future__ import annotations

import os
import signal
import time
import urllib.request
from pathlib import Path

import grpc
import pytest
from prometheus_client.parser import text_string_to_metric_families

from probity.clients.client import ProbityClient
from probity.server.app import ProbityServer
from tests.server.conftest import example, running, settings_for


def _scrape(server: ProbityServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    port = server._metrics_http.server_port
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(
    scraped: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    wanted = tuple(sorted(labels.items()))
    return sum(v for (n, found), v in scraped.items() if n == name and set(wanted) <= set(found))


def test_the_metrics_count_what_the_server_did(tmp_path: Path) -> None:
    with running(settings_for(tmp_path, metrics_port=0)) as server:
        version = server.registry.get("nolan-tender").version
        with ProbityClient(f"127.0.0.1:{server.port}", timeout=60, attempts=1) as client:
            for name in ("strong", "weak", "rejected"):
                client.evaluate("nolan-tender", example(name))
            with pytest.raises(grpc.RpcError):
                client.evaluate("nolan-tender", {"id": "bad", "answers": {"nonsense": 1}})
            records = [dict(example("weak"), id=f"s{n}") for n in range(10)]
            assert len(list(client.evaluate_stream("nolan-tender", records))) == 10
            scraped = _scrape(server)
            nolan = {"ruleset": "nolan-tender", "version": version, "kind": "tender"}
            assert _value(scraped, "probity_evaluations_total", outcome="evaluated", **nolan) == 13
            assert _value(scraped, "probity_evaluations_total", outcome="failed", **nolan) == 1
            evaluate = "/probity.v1.EvaluationService/Evaluate"
            assert _value(scraped, "probity_rpc_duration_seconds_count", method=evaluate) == 4
            assert _value(scraped, "probity_rpc_duration_seconds_count", method=evaluate,
                          code="INVALID_ARGUMENT") == 1  # fmt: skip
            assert _value(scraped, "probity_decision_log_commit_seconds_count") >= 2
            assert _value(scraped, "probity_decision_log_commit_failures_total") == 0
            assert _value(scraped, "probity_ruleset_active", ruleset="nolan-tender",
                          version=version) == 1  # fmt: skip
            assert _value(scraped, "probity_queue_depth") == 0
            assert _value(scraped, "probity_worker_restarts_total") == 0
            os.kill(server.pool.pids()[0], signal.SIGKILL)  # a worker dies
            deadline = time.monotonic() + 60
            while _value(_scrape(server), "probity_worker_restarts_total") < 1:
                assert time.monotonic() < deadline, "the restart was never counted"
                client.evaluate("nolan-tender", example("strong"))
            assert _value(_scrape(server), "probity_crashed_items_total") == 0


def test_no_metrics_port_no_metrics(tmp_path: Path) -> None:
    with running(settings_for(tmp_path)) as server:
        assert server._metrics_http is None
