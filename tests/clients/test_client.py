"""ProbityClient against real servers: retries while a server starts; conversions."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import grpc
import pytest

from probity.clients.client import ProbityClient
from probity.clients.request_messages import submission_message
from probity.codec.as_json import result_to_dict
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import to_dict
from probity.server.app import ProbityServer
from tests.conftest import SHIPPED
from tests.server.conftest import example, running, settings_for


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_calls_are_retried_while_the_server_is_unavailable(tmp_path: Path) -> None:
    port = _free_port()
    settings = settings_for(tmp_path, port=port)
    started = threading.Event()
    stop = threading.Event()

    def serve_later() -> None:
        time.sleep(0.5)
        with running(settings):
            started.set()
            stop.wait(60)

    with ProbityClient(f"127.0.0.1:{port}", attempts=1, timeout=5) as impatient:
        with pytest.raises(grpc.RpcError) as caught:
            impatient.list_rulesets()
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    server = threading.Thread(target=serve_later)
    server.start()
    try:
        with ProbityClient(f"127.0.0.1:{port}", attempts=5, timeout=30) as patient:
            while not started.is_set():  # each call retries UNAVAILABLE with back-off
                try:
                    assert [r.id for r in patient.list_rulesets()] == SHIPPED
                    break
                except grpc.RpcError as exc:
                    assert exc.code() == grpc.StatusCode.UNAVAILABLE
            assert [r.id for r in patient.list_rulesets()] == SHIPPED
    finally:
        stop.set()
        server.join(timeout=60)


def test_remote_results_read_like_local_ones(
    client: ProbityClient, open_server: ProbityServer
) -> None:
    local = Evaluator(open_server.registry.get("nolan-tender"))
    for name in ("strong", "weak", "rejected"):
        record = example(name)
        remote = result_to_dict(client.evaluate("nolan-tender", record))
        assert remote == to_dict(local.evaluate(Submission(record["id"], record["answers"])))


def test_a_submission_message_keeps_the_envelope() -> None:
    message = submission_message(example("strong"))
    assert (message.id, message.tender_id) == ("T-2026-014/bid-01", "T-2026-014")
    assert (message.supplier.id, message.supplier.name) == (
        "SUP-1001",
        "Northfield Care Partnership",
    )
    assert message.answers["integrity"]["interests_declared"] is True
