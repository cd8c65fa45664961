"""The decision log behind a real server: every result a caller receives is recorded first,
byte for byte, on SQLite and on PostgreSQL; when the log is down the service says UNAVAILABLE
rather than answer unrecorded."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from probity.clients.client import ProbityClient
from probity.clients.request_messages import submission_message
from probity.server.app import ProbityServer
from probity.server.calls import REQUEST_ID_KEY
from probity.server.settings import Limits
from probity.store.log import DecisionLog, Query
from probity.v1 import evaluation_pb2, evaluation_pb2_grpc
from tests.conftest import RULES
from tests.postgres import bin_dir, postgres_server
from tests.server.conftest import TOKENS, example, running, settings_for, token_file

MONITORING = RULES / "examples" / "partnership-protocol" / "breached.json"


@pytest.fixture
def logged(db_url: str, tmp_path: Path) -> Iterator[ProbityServer]:
    settings = settings_for(tmp_path, db=db_url, tokens=token_file(tmp_path))
    with running(settings) as server:
        yield server


def _log(server: ProbityServer) -> DecisionLog:
    assert server.log is not None
    return server.log


def _client(server: ProbityServer, role: str = "portal") -> ProbityClient:
    """Asking for FULL results: what it receives is then byte for byte what was sent."""
    return ProbityClient(f"127.0.0.1:{server.port}", token=TOKENS[role], timeout=120, lean=False)


def _all(log: DecisionLog, **filters: Any) -> list[dict[str, Any]]:
    rows, before = log.evaluations(Query(limit=1000, **filters))
    assert before == 0
    return rows


def test_an_evaluation_is_recorded_as_sent_with_who_asked(logged: ProbityServer) -> None:
    channel = grpc.insecure_channel(f"127.0.0.1:{logged.port}")
    stub = evaluation_pb2_grpc.EvaluationServiceStub(channel)  # type: ignore[no-untyped-call]
    record = example("strong")
    request = evaluation_pb2.EvaluateRequest(
        ruleset_id="nolan-tender", submission=submission_message(record)
    )
    metadata = (("authorization", f"Bearer {TOKENS['portal']}"),)
    response, call = stub.Evaluate.with_call(request, metadata=metadata, timeout=60)
    request_id = dict(call.initial_metadata())[REQUEST_ID_KEY]
    channel.close()
    [row] = _all(_log(logged))
    assert (row["request_id"], row["item"]) == (request_id, 1)
    assert (row["caller_name"], row["caller_role"]) == ("portal-caller", "portal")
    assert (row["subject_id"], row["tender_id"], row["supplier_id"]) == (
        record["id"], record["tender_id"], record["supplier"]["id"]
    )  # fmt: skip
    stored = _log(logged).evaluation(row["seq"])
    assert stored is not None
    assert stored.result == response.result.SerializeToString()  # what the caller received
    assert stored.submission == request.submission.SerializeToString(deterministic=True)
    version = _log(logged).ruleset_version(stored.ruleset_digest)
    assert (
        version is not None
        and version.how == "loaded"
        and version.version == row["ruleset_version"]
    )
    assert version.source_text == (RULES / "nolan-tender.yaml").read_text()


def test_every_streamed_result_is_recorded_once(logged: ProbityServer) -> None:
    records = [dict(example("weak"), id=f"s{n}") for n in range(600)]
    records[7]["answers"] = {"integrity": "not an object"}  # a bad item: an error, unrecorded
    with _client(logged) as client:
        responses = list(client.evaluate_stream("nolan-tender", records))
    received = {
        r.submission_id: r.result.SerializeToString() for r in responses if r.HasField("result")
    }
    assert len(received) == 599
    rows = _all(_log(logged))
    assert sorted(r["item"] for r in rows) == [n for n in range(1, 601) if n != 8]
    assert len({r["request_id"] for r in rows}) == 1
    for row in rows[:50]:
        stored = _log(logged).evaluation(row["seq"])
        assert stored is not None and stored.result == received[row["subject_id"]]


def test_contract_checks_and_tender_bids_are_recorded(logged: ProbityServer) -> None:
    data = json.loads(MONITORING.read_text())
    bids = [dict(example(name), id=f"b-{name}", price=price)
            for name, price in (("strong", 900.0), ("weak", 700.0))]  # fmt: skip
    with _client(logged) as client:
        result = client.check_contract("partnership-protocol", data["contract"], data["returns"])
        client.evaluate_tender("nolan-tender", "T-2026-014", bids)
    [contract] = _all(_log(logged), contract_id="PA-2023-004")
    assert (contract["kind"], contract["ruleset_id"]) == ("monitoring", "partnership-protocol")
    stored = _log(logged).evaluation(contract["seq"])
    assert stored is not None and stored.result == result.SerializeToString()
    tender = _all(_log(logged), tender_id="T-2026-014")
    assert sorted(r["subject_id"] for r in tender) == ["b-strong", "b-weak"]
    assert {r["method"] for r in tender} == {"/probity.v1.EvaluationService/EvaluateTender"}
    streamed = [dict(b, id=f"s-{b['id']}", tender_id="T-2026-015") for b in bids]
    with _client(logged) as client:
        answers = list(client.evaluate_tender_stream("nolan-tender", "T-2026-015", streamed))
    recorded = _all(_log(logged), tender_id="T-2026-015")  # each bid's result, as sent
    assert sorted(r["subject_id"] for r in recorded) == ["s-b-strong", "s-b-weak"]
    for row in recorded:
        sent = next(a.bid.result for a in answers[:-1] if a.bid.submission_id == row["subject_id"])
        stored = _log(logged).evaluation(row["seq"])
        assert stored is not None and stored.result == sent.SerializeToString()


def test_a_published_version_is_recorded_with_its_publisher(logged: ProbityServer) -> None:
    text = (RULES / "nolan-tender.yaml").read_text()
    old = next(line for line in text.splitlines() if line.startswith("version: "))
    text = text.replace(old, "version: 9.9.0", 1)
    with _client(logged, "policy") as policy:
        published = policy.publish_ruleset(text, "nolan-tender.yaml")
    version = _log(logged).ruleset_version(published.ruleset.digest)
    assert version is not None
    assert (version.how, version.by_name, version.by_role) == (
        "published",
        "policy-caller",
        "policy",
    )
    assert version.source_text == text


@pytest.mark.skipif(bin_dir() is None, reason="PostgreSQL is not installed (make test installs it)")
def test_with_the_database_down_the_service_answers_unavailable_then_recovers(
    tmp_path: Path,
) -> None:
    with postgres_server() as database:  # a server of this test's own, to stop and start
        assert database is not None
        with (
            running(settings_for(tmp_path, db=database.url)) as server,
            ProbityClient(f"127.0.0.1:{server.port}", attempts=1, timeout=60) as client,
        ):
            client.evaluate("nolan-tender", example("strong"))
            database.stop()
            with pytest.raises(grpc.RpcError) as caught:
                client.evaluate("nolan-tender", example("weak"))
            assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
            assert "decision log" in (caught.value.details() or "")
            streamed = list(client.evaluate_stream("nolan-tender", [example("weak")] * 3))
            unavailable = grpc.StatusCode.UNAVAILABLE.value[0]
            assert [r.error.code for r in streamed] == [unavailable] * 3
            database.start_again()
            client.evaluate("nolan-tender", example("weak"))
            assert _log(server).count() == 2  # nothing refused was recorded


def test_a_response_too_large_to_send_is_refused_and_not_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 20, item 3: a tender whose response was over the message limit failed with
    RESOURCE_EXHAUSTED only after the handler returned: the call was logged OK and the
    decision log held, "as sent", results nobody received."""
    settings = settings_for(tmp_path, limits=Limits(max_message_bytes=200_000, max_bids=100))
    bids = [dict(example("weak"), id=f"big-{n}", price=700.0 + n) for n in range(12)]
    with running(settings) as server, _client(server) as client:  # FULL: twelve overflow
        with pytest.raises(grpc.RpcError) as caught:
            client.evaluate_tender("nolan-tender", "T-2026-014", bids)
        assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        said = caught.value.details() or ""
        assert "over the 0.2 MB a message may be" in said and "send at most about" in said
        assert _all(_log(server), tender_id="T-2026-014") == []  # nothing recorded as sent
        fits = int(said.split("send at most about ")[1].split(" ")[0])
        assert 1 <= fits < len(bids)
        client.evaluate_tender("nolan-tender", "T-2026-014", bids[:fits])
        assert len(_all(_log(server), tender_id="T-2026-014")) == fits
    calls = [line for line in capsys.readouterr().out.splitlines() if "EvaluateTender" in line]
    assert len(calls) == 2
    assert "RESOURCE_EXHAUSTED" in calls[0] and "status=OK" in calls[1].replace('"', "")


def test_results_recorded_but_never_sent_are_marked_undelivered(
    logged: ProbityServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 20, item 3: a stream's results are recorded before they are sent; when the
    caller cancels, those recorded but never handed to gRPC were in the log as sent. They
    are marked undelivered now (audit shows it), and the call's log line counts them."""
    records = [dict(example("weak"), id=f"gone-{n}") for n in range(2_000)]
    with _client(logged) as client:
        answers = client.evaluate_stream("nolan-tender", records)
        received = {next(answers).submission_id for _ in range(5)}
        # Reading no more, the server is held by flow control partway through a batch it
        # has recorded; then the caller cancels.
        time.sleep(1.5)
        answers.cancel()  # type: ignore[attr-defined]
    log = _log(logged)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the server notes them as its stream ends
        rows = _all(log, ruleset_id="nolan-tender")
        ours = [r for r in rows if str(r["subject_id"]).startswith("gone-")]
        unsent = log.undelivered({str(r["request_id"]) for r in ours})
        if unsent:
            break
        time.sleep(0.1)
    marked = {str(r["subject_id"]) for r in ours if (r["request_id"], r["item"]) in unsent}
    assert marked, "nothing marked undelivered"
    assert not marked & received  # what the caller received is never marked
    with _client(logged, "auditor") as auditor:
        seq = next(r["seq"] for r in ours if str(r["subject_id"]) in marked)
        assert auditor.get_evaluation(seq).undelivered
        kept = next(r["seq"] for r in ours if str(r["subject_id"]) in received)
        assert not auditor.get_evaluation(kept).undelivered
        listed = {e.seq: e.undelivered for e in auditor.list_evaluations(ruleset_id="nolan-tender")}
        assert listed[seq] and not listed[kept]
    line = next(x for x in capsys.readouterr().out.splitlines() if "EvaluateStream" in x)
    assert "CANCELLED" in line and f"undelivered={len(marked)}" in line


def test_a_unary_call_cancelled_while_evaluated_records_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 20, item 3: a unary answer was recorded as sent though its caller had
    cancelled while it was evaluated; now nothing is recorded, and the call is logged
    CANCELLED."""
    from probity.clients.request_messages import bid_message

    bids = [dict(example("weak"), id=f"c-{n}", price=700.0 + n) for n in range(3_000)]
    request = evaluation_pb2.EvaluateTenderRequest(
        ruleset_id="nolan-tender", tender_id="T-2026-014", bids=[bid_message(b) for b in bids]
    )
    settings = settings_for(tmp_path, db=db_url, limits=Limits(max_bids=5_000))
    with running(settings) as server, ProbityClient(f"127.0.0.1:{server.port}") as client:
        call = client._evaluation.EvaluateTender.future(request)
        time.sleep(0.3)  # evaluating 3,000 bids takes seconds: the cancel comes during it
        assert call.cancel()
        for _ in range(600):  # until the server has logged the call
            out = capsys.readouterr().out
            if "EvaluateTender" in out:
                break
            time.sleep(0.1)
        assert _all(_log(server), tender_id="T-2026-014") == []
    line = next(x for x in out.splitlines() if "EvaluateTender" in x)
    assert "status=CANCELLED" in line.replace('"', "")
