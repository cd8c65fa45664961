"""EvaluateBatch and EvaluateBatchStream over a real server: many submissions a message,
each answered once, in order, with the result a single Evaluate gives; bad ones fail alone;
limits; the decision log."""

from __future__ import annotations

import copy
import queue
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.rpc import code_pb2, error_details_pb2
from hypothesis import given
from hypothesis import strategies as st

from probity.clients.client import ProbityClient
from probity.clients.request_messages import submission_message
from probity.codec import wire
from probity.codec.messages import result_to_proto
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.server.app import ProbityServer
from probity.server.settings import Limits
from probity.v1 import evaluation_pb2, result_pb2
from tests.conftest import RULES, shipped
from tests.server.conftest import example, running, settings_for
from tests.server.details import detail, violations
from tests.server.test_reading import evaluate_request, nested_value, struct_with


@pytest.fixture(scope="module")
def local() -> Evaluator:
    return Evaluator(shipped(RULES / "nolan-tender.yaml"))


def _records(count: int, tender: str = "", bad_every: int = 0) -> list[dict[str, Any]]:
    """Count examples by turn; every `bad_every`th (from the 8th) answers a level that
    does not exist."""
    out = []
    for n in range(count):
        record = copy.deepcopy(example(("strong", "weak", "rejected")[n % 3]))
        record["id"] = f"b{n}"
        if tender:
            record["tender_id"] = tender
        if bad_every and n % bad_every == 7:
            record["answers"]["objectivity"]["evidence_use"] = "often"
        out.append(record)
    return out


def _expected(local: Evaluator, record: dict[str, Any]) -> result_pb2.Result:
    return result_to_proto(local.evaluate(Submission(record["id"], record["answers"])))


def _request(records: list[dict[str, Any]], **fields: Any) -> Any:
    """An EvaluateBatchRequest (an EvaluateBatchStreamRequest has the same fields)."""
    return evaluation_pb2.EvaluateBatchRequest(
        ruleset_id=fields.pop("ruleset_id", "nolan-tender"),
        submissions=[submission_message(r) for r in records],
        **fields,
    )


# -- EvaluateBatch ------------------------------------------------------------------------
def test_a_batch_answers_each_submission_in_order_as_evaluate_does(
    client: ProbityClient, local: Evaluator
) -> None:
    records = _records(40, bad_every=10)
    answers = client.evaluate_batch("nolan-tender", records)
    assert [a.submission_id for a in answers] == [r["id"] for r in records]
    for n, (record, answer) in enumerate(zip(records, answers, strict=True)):
        if n % 10 == 7:
            assert answer.error.code == code_pb2.INVALID_ARGUMENT
            assert list(violations(answer.error)) == [
                f"submissions[{n}].answers.objectivity.evidence_use"
            ]
        else:
            assert answer.result == _expected(local, record)
    assert client.evaluate("nolan-tender", records[0]) == answers[0].result


def test_a_batchs_malformed_submissions_fail_alone_naming_their_field(
    client: ProbityClient,
) -> None:
    records = _records(4)
    records[1]["id"] = ""
    records[3]["id"] = records[2]["id"]  # used twice
    answers = client.evaluate_batch("nolan-tender", records)
    assert [a.WhichOneof("outcome") for a in answers] == ["result", "error", "result", "error"]
    assert violations(answers[1].error) == {"submissions[1].id": "is required"}
    assert violations(answers[3].error) == {"submissions[3].id": "'b2' is used twice"}


def test_basic_results_in_a_batch_carry_only_what_the_catalog_does_not(
    client: ProbityClient, local: Evaluator
) -> None:
    records = _records(3)
    full = client.evaluate_batch("nolan-tender", records)
    basic = client.evaluate_batch("nolan-tender", records, view="basic")
    for lean, whole in zip(basic, full, strict=True):
        assert lean.result.ByteSize() < whole.result.ByteSize() / 2
        assert lean.result.total == whole.result.total and lean.result.band == whole.result.band


def test_a_batch_for_an_unknown_ruleset_is_not_found(client: ProbityClient) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate_batch("no-such", _records(2))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_batch_larger_than_one_answer_holds_is_refused_saying_how_many(
    client: ProbityClient,
) -> None:
    most = Limits().batch_submissions("full")
    request = _request(_records(most + 1), view=result_pb2.RESULT_VIEW_FULL)
    with pytest.raises(grpc.RpcError) as caught:
        client._evaluation.EvaluateBatch(request, timeout=60)
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert f"at most {most:,} submissions with FULL results" in (caught.value.details() or "")


def test_a_batchs_results_are_in_the_decision_log_numbered_by_place(
    client: ProbityClient,
) -> None:
    records = _records(5, tender="batch-logged")
    client.evaluate_batch("nolan-tender", records)
    logged = list(client.list_evaluations(tender_id="batch-logged"))
    assert sorted((e.subject_id, e.item) for e in logged) == [(f"b{n}", n + 1) for n in range(5)]
    assert {e.method for e in logged} == {"/probity.v1.EvaluationService/EvaluateBatch"}


# -- EvaluateBatchStream ------------------------------------------------------------------
def test_a_batch_stream_answers_every_submission_once_in_order(
    client: ProbityClient, local: Evaluator
) -> None:
    records = _records(300, tender="batch-stream", bad_every=50)
    answers = list(client.evaluate_batches("nolan-tender", records, batch_size=64))
    assert [a.submission_id for a in answers] == [r["id"] for r in records]
    expected = {r["id"]: _expected(local, r) for r in records[:3]}
    for n, answer in enumerate(answers):
        if n % 50 == 7:
            assert list(violations(answer.error)) == [
                f"submissions[{n % 64}].answers.objectivity.evidence_use"
            ]
        else:
            assert answer.HasField("result")
            assert answer.result.band == expected[f"b{n % 3}"].band
    assert answers[2].result == expected["b2"]
    logged = {e.item for e in client.list_evaluations(tender_id="batch-stream")}
    assert logged == {n + 1 for n in range(300) if n % 50 != 7}  # numbered across the stream


def _raw_stream(server: ProbityServer) -> tuple[grpc.Channel, Any]:
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    call = channel.stream_stream(
        "/probity.v1.EvaluationService/EvaluateBatchStream",
        response_deserializer=evaluation_pb2.EvaluateBatchStreamResponse.FromString,
    )
    return channel, call


def test_a_bad_batch_fails_alone_and_responses_name_their_request(
    open_server: ProbityServer,
) -> None:
    deep = evaluate_request(struct_with(b"deep", nested_value(35)), b"bid-deep")
    requests = [
        _request(_records(3)).SerializeToString(),
        _request(_records(2), ruleset_id="no-such").SerializeToString(),
        deep,  # protobuf cannot read it: one answer, its error
        _request(_records(4)).SerializeToString(),
    ]
    channel, call = _raw_stream(open_server)
    with channel:
        responses = list(call(iter(requests), timeout=120))
    assert [r.batch for r in responses] == [1, 2, 3, 4]
    assert [len(r.answers) for r in responses] == [3, 2, 1, 4]
    assert all(a.HasField("result") for a in [*responses[0].answers, *responses[3].answers])
    assert {a.error.code for a in responses[1].answers} == {code_pb2.NOT_FOUND}
    assert responses[2].answers[0].error.code == code_pb2.INVALID_ARGUMENT


def test_a_caller_may_wait_for_each_batchs_answers_before_sending_the_next(
    open_server: ProbityServer,
) -> None:
    """The server reads ahead on a thread of its own: a lock-step caller never deadlocks."""
    outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def requests() -> Iterator[bytes]:
        while (request := outbox.get()) is not None:
            yield request

    channel, call = _raw_stream(open_server)
    with channel:
        responses = call(requests(), timeout=60)
        for n in range(3):
            outbox.put(_request(_records(2 + n)).SerializeToString())
            answer = next(responses)
            assert answer.batch == n + 1 and len(answer.answers) == 2 + n
        outbox.put(None)
        assert list(responses) == []


def test_an_empty_batch_stream_ends_cleanly(client: ProbityClient) -> None:
    assert list(client.evaluate_batches("nolan-tender", [])) == []


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbityClient]:
    limits = Limits(stream_rate=50, max_submissions_per_call=60, stream_window=8)
    folder = tmp_path_factory.mktemp("limited-batches")
    with (
        running(settings_for(folder, limits=limits, workers=1, db="off")) as server,
        ProbityClient(f"127.0.0.1:{server.port}", timeout=120) as probity,
    ):
        yield probity


def test_a_batch_stream_over_its_limits_fails_those_submissions_only(
    limited: ProbityClient,
) -> None:
    records = [dict(example("strong"), id=f"r{n}") for n in range(80)]
    answers = list(limited.evaluate_batches("nolan-tender", records, batch_size=20))
    assert [a.submission_id for a in answers] == [r["id"] for r in records]
    for answer in answers[60:]:  # the fourth batch would pass the call's 60
        assert answer.error.code == code_pb2.RESOURCE_EXHAUSTED
        assert "at most 60 submissions" in answer.error.message
    evaluated = [a for a in answers[:60] if a.HasField("result")]
    assert 50 <= len(evaluated) < 60  # the bucket holds one second's worth: 50
    for answer in answers[:60]:
        if answer.HasField("error"):
            retry = detail(answer.error, error_details_pb2.RetryInfo)
            assert retry.retry_delay.ToNanoseconds() > 0


# -- the wire format ----------------------------------------------------------------------
_answers = st.lists(
    st.builds(
        lambda ident, band: evaluation_pb2.EvaluateStreamResponse(
            submission_id=ident, result=result_pb2.Result(submission_id=ident, band=band)
        ),
        st.text(max_size=20),
        st.text(max_size=20),
    ),
    max_size=8,
)


@given(_answers, st.integers(min_value=0, max_value=2**64 - 1))
def test_a_batch_response_written_in_wire_format_reads_as_the_message(
    answers: list[evaluation_pb2.EvaluateStreamResponse], batch: int
) -> None:
    # results in pieces (as the server writes them, around a worker's bytes), or whole
    pieces: list[bytes | wire.Pieces] = [
        wire.result_pieces(a.submission_id, memoryview(a.result.SerializeToString()))
        if n % 2
        else a.SerializeToString()
        for n, a in enumerate(answers)
    ]
    written = wire.batch_response(pieces, batch)
    built = evaluation_pb2.EvaluateBatchStreamResponse(answers=answers, batch=batch)
    assert evaluation_pb2.EvaluateBatchStreamResponse.FromString(written) == built
    unary = wire.batch_response([a.SerializeToString() for a in answers])
    assert evaluation_pb2.EvaluateBatchResponse.FromString(unary).answers == built.answers
