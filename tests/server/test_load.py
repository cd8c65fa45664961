"""Many clients at once: a publish during load, and fifty concurrent callers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import pytest

from probity.clients.client import ProbityClient
from probity.codec.messages import result_to_proto
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.server.app import ProbityServer
from tests.conftest import NOLAN_VERSION, RULES
from tests.server.conftest import example, running, settings_for


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ProbityServer]:
    with running(settings_for(tmp_path)) as started:
        yield started


def _records(prefix: str, count: int) -> list[dict[str, Any]]:
    names = ("strong", "weak", "rejected")
    return [dict(example(names[n % 3]), id=f"{prefix}-{n}") for n in range(count)]


def test_a_broken_publish_during_eight_streams_fails_nothing(server: ProbityServer) -> None:
    target = f"127.0.0.1:{server.port}"
    old = server.registry.get("nolan-tender")
    first_results = threading.Barrier(9)  # eight streams under way, and the publisher
    outcomes: dict[int, list[Any]] = {}

    def stream(n: int) -> None:
        seen: list[Any] = []
        with ProbityClient(target, timeout=300) as client:
            for response in client.evaluate_stream("nolan-tender", _records(f"c{n}", 400)):
                seen.append(response)
                if len(seen) == 1:
                    first_results.wait(timeout=120)
        outcomes[n] = seen

    threads = [threading.Thread(target=stream, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    first_results.wait(timeout=120)
    broken = (
        (RULES / "nolan-tender.yaml")
        .read_text()
        .replace(f"version: {NOLAN_VERSION}", "version: 9.0.0")
    )
    broken = broken.replace("min_total: 75", "min_total: lots")
    with ProbityClient(target) as publisher, pytest.raises(grpc.RpcError) as caught:
        publisher.publish_ruleset(broken, "nolan-tender.yaml")
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(outcomes) == list(range(8))
    for responses in outcomes.values():
        assert len(responses) == 400
        assert all(r.HasField("result") for r in responses)  # zero failed evaluations
        assert {(r.result.ruleset.version, r.result.ruleset.digest) for r in responses} == {
            (old.version, old.digest)
        }


def test_a_good_publish_during_streams_moves_later_items_to_the_new_version(
    server: ProbityServer,
) -> None:
    target = f"127.0.0.1:{server.port}"
    text = (
        (RULES / "nolan-tender.yaml")
        .read_text()
        .replace(f"version: {NOLAN_VERSION}", "version: 9.0.0")
    )
    published = threading.Event()

    def records() -> Iterator[dict[str, Any]]:
        for n, record in enumerate(_records("p", 600)):
            if n == 300:
                assert published.wait(timeout=120)
            yield record

    versions: dict[int, str] = {}
    with ProbityClient(target, timeout=300) as client, ProbityClient(target) as publisher:
        for response in client.evaluate_stream("nolan-tender", records()):
            versions[int(response.submission_id.split("-")[1])] = response.result.ruleset.version
            if len(versions) == 50:  # the stream is under way: publish mid-stream
                publisher.publish_ruleset(text, "nolan-tender.yaml")
                published.set()
    assert len(versions) == 600
    assert {versions[n] for n in range(300, 600)} == {"9.0.0"}  # sent after the publish
    assert NOLAN_VERSION in {versions[n] for n in range(300)}  # each result names its version


def test_fifty_concurrent_clients_get_correct_results(server: ProbityServer) -> None:
    target = f"127.0.0.1:{server.port}"
    local = Evaluator(server.registry.get("nolan-tender"))

    def call(n: int) -> list[bool]:
        checks = []
        with ProbityClient(target, timeout=300) as client:
            for k in range(4):
                record = example(("strong", "weak", "rejected")[(n + k) % 3])
                record["id"] = f"client{n}-{k}"
                record["answers"]["selflessness"]["personalised_plans_pct"] = n + k
                got = client.evaluate("nolan-tender", record)
                expected = local.evaluate(Submission(record["id"], record["answers"]))
                checks.append(got == result_to_proto(expected))
        return checks

    with ThreadPoolExecutor(max_workers=50) as callers:
        results = list(callers.map(call, range(50)))
    assert len(results) == 50 and all(all(checks) and len(checks) == 4 for checks in results)


def test_a_submission_that_crashes_the_engine_fails_alone_in_a_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from google.rpc import code_pb2, error_details_pb2

    from probity.engine.workers.worker import FAILPOINT
    from tests.server.details import detail

    monkeypatch.setenv(FAILPOINT, "p-137")  # the workers die (SIGSEGV) on this submission
    with (
        running(settings_for(tmp_path)) as crashing,
        ProbityClient(f"127.0.0.1:{crashing.port}", timeout=300) as client,
    ):
        responses = list(client.evaluate_stream("nolan-tender", _records("p", 500)))
        again = client.evaluate("nolan-tender", _records("after", 1)[0])
    by_id = {r.submission_id: r for r in responses}
    assert len(responses) == len(by_id) == 500  # every submission answered exactly once
    crashed = by_id.pop("p-137")
    assert crashed.error.code == code_pb2.INTERNAL
    assert detail(crashed.error, error_details_pb2.ErrorInfo).reason == "ENGINE_CRASHED"
    assert all(r.HasField("result") for r in by_id.values())
    assert again.band == "compliant"  # the restarted workers carry on
