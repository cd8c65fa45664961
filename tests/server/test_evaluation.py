"""EvaluationService over a real server: one submission, a stream, a tender; errors."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.rpc import code_pb2, error_details_pb2

from probity.clients.client import ProbityClient
from probity.clients.request_messages import submission_message
from probity.codec import PROTOBUF
from probity.codec.messages import result_to_proto
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.server.app import ProbityServer
from probity.server.settings import Limits
from probity.v1 import evaluation_pb2
from tests.conftest import NOLAN_VERSION, RULES, shipped
from tests.server.conftest import example, running, settings_for
from tests.server.details import detail, status_of, violations
from tests.server.test_reading import evaluate_request, nested_value, struct_with


@pytest.fixture(scope="module")
def local() -> Evaluator:
    return Evaluator(shipped(RULES / "nolan-tender.yaml"))


def _with(record: dict[str, Any], **answers: Any) -> dict[str, Any]:
    changed = copy.deepcopy(record)
    for path, value in answers.items():
        *parents, last = path.split("__")
        node = changed["answers"]
        for part in parents:
            node = node[part]
        node[last] = value
    return changed


def test_evaluate_returns_the_engines_result_for_each_example(
    client: ProbityClient, local: Evaluator
) -> None:
    for name in ("strong", "weak", "rejected"):
        record = example(name)
        got = client.evaluate("nolan-tender", record)
        expected = result_to_proto(local.evaluate(Submission(record["id"], record["answers"])))
        assert got == expected
    assert client.evaluate("nolan-tender", example("rejected")).band == "rejected"


def test_result_names_the_ruleset_version_digest_and_engine(
    client: ProbityClient, open_server: ProbityServer
) -> None:
    result = client.evaluate("nolan-tender", example("strong"))
    active = open_server.registry.get("nolan-tender")
    assert (result.ruleset.id, result.ruleset.version) == ("nolan-tender", active.version)
    assert result.ruleset.digest == active.digest
    assert result.engine_version
    assert len(result.findings) == len(active.criteria)


def test_a_bad_answer_is_invalid_argument_naming_each_field(client: ProbityClient) -> None:
    record = _with(example("strong"), integrity__interests_declared="yes")
    del record["answers"]["honesty"]
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate("nolan-tender", record)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = violations(status_of(caught.value))
    assert set(fields) == {
        "submission.answers.integrity.interests_declared",
        "submission.answers.honesty",
    }
    assert "valid boolean" in fields["submission.answers.integrity.interests_declared"]
    assert fields["submission.answers.honesty"] == "required field is missing"


def test_an_unknown_ruleset_is_not_found_with_resource_info(client: ProbityClient) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate("nolan-tendr", example("strong"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    info = detail(status_of(caught.value), error_details_pb2.ResourceInfo)
    assert info.resource_name == "nolan-tendr"
    assert "(loaded: " in info.description and "nolan-tender" in info.description
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate("nolan-tender", example("strong"), version="9.9.9")
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    # Issue 20: an unknown version of a known rule set lists the versions held, not the ids.
    said = caught.value.details() or ""
    assert said == f"rule set 'nolan-tender' has no version 9.9.9 (held: {NOLAN_VERSION})"


def test_a_portal_cannot_send_the_panels_scores(client: ProbityClient) -> None:
    """Issue 34: the answers under `panel` are the evaluation panel's moderated scores;
    only its records supply them, so a submission carrying them is refused by every way in
    (one, a batch, a tender), naming the field, whatever the rule set."""
    record = example("strong")
    record["answers"]["panel"] = {"sel_02": {"points": 4, "rationale": "Self-awarded."}}
    said = "the evaluation panel's scores come from its own records"
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate("nolan-tender", record)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert said in violations(status_of(caught.value))["submission.answers.panel"]
    (answer,) = client.evaluate_batch("nolan-tender", [record])
    assert answer.error.code == code_pb2.INVALID_ARGUMENT and said in answer.error.message
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate_tender("nolan-tender", record["tender_id"], [{**record, "price": 1.0}])
    assert "bids[0].submission.answers.panel" in violations(status_of(caught.value))


def test_missing_ids_are_invalid_argument(client: ProbityClient) -> None:
    record = example("strong")
    record["id"] = ""
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate("nolan-tender", record)
    assert violations(status_of(caught.value)) == {"submission.id": "is required"}
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate("", example("strong"))
    assert violations(status_of(caught.value)) == {"ruleset_id": "is required"}


def test_a_passed_deadline_is_deadline_exceeded(client: ProbityClient) -> None:
    bids = [dict(example("strong"), id=f"b{n}", price=100.0 + n) for n in range(50)]
    with pytest.raises(grpc.RpcError) as caught:
        client._call(  # a tender of 50 bids cannot be evaluated in a millisecond
            client._evaluation.EvaluateTender,
            _tender_request(bids),
            timeout=0.001,
        )
    assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert client.health() == "SERVING"  # and the server carries on


def _tender_request(bids: list[dict[str, Any]]) -> Any:
    from probity.clients.request_messages import bid_message
    from probity.v1 import evaluation_pb2

    return evaluation_pb2.EvaluateTenderRequest(
        ruleset_id="nolan-tender", tender_id="T-2026-014", bids=[bid_message(b) for b in bids]
    )


# -- streams --------------------------------------------------------------------------------
def test_a_stream_answers_every_submission_once_and_bad_ones_fail_alone(
    client: ProbityClient, local: Evaluator
) -> None:
    records = []
    for n in range(600):
        record = example(("strong", "weak", "rejected")[n % 3])
        record["id"] = f"s{n}"
        if n % 50 == 7:
            record = _with(record, objectivity__evidence_use="often")
        records.append(record)
    responses = list(client.evaluate_stream("nolan-tender", records))
    by_id = {r.submission_id: r for r in responses}
    assert len(responses) == len(by_id) == 600  # each exactly once
    for record in records:
        response = by_id[record["id"]]
        if int(record["id"][1:]) % 50 == 7:
            assert response.WhichOneof("outcome") == "error"
            assert response.error.code == code_pb2.INVALID_ARGUMENT
            assert list(violations(response.error)) == [
                "submission.answers.objectivity.evidence_use"
            ]
        else:
            expected = local.evaluate(Submission(record["id"], record["answers"]))
            assert response.result == result_to_proto(expected)


def test_a_stream_item_for_an_unknown_ruleset_fails_alone(client: ProbityClient) -> None:
    from probity.clients.request_messages import submission_message
    from probity.v1 import evaluation_pb2

    requests = [
        evaluation_pb2.EvaluateStreamRequest(
            ruleset_id=ruleset, submission=submission_message(dict(example("strong"), id=sid))
        )
        for sid, ruleset in (("a", "nolan-tender"), ("b", "no-such"), ("c", "nolan-tender"))
    ]
    responses = {
        r.submission_id: r for r in client._evaluation.EvaluateStream(iter(requests), timeout=60)
    }
    assert responses["a"].HasField("result") and responses["c"].HasField("result")
    assert responses["b"].error.code == code_pb2.NOT_FOUND


def test_an_unreadable_request_is_invalid_argument_naming_its_field(
    open_server: ProbityServer,
) -> None:
    """Issue 19, item 4: answers nested ~35 levels got INTERNAL "Exception deserializing
    request!" with no field path (unary), and ended a whole stream after 23 of 101 items."""
    deep = evaluate_request(struct_with(b"deep", nested_value(35)), b"bid-deep")
    with grpc.insecure_channel(f"127.0.0.1:{open_server.port}") as channel:
        evaluate = channel.unary_unary("/probity.v1.EvaluationService/Evaluate")
        with pytest.raises(grpc.RpcError) as caught:
            evaluate(deep, timeout=60)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert violations(status_of(caught.value)) == {
            "submission.answers.deep": "is nested too deeply (values may nest at most 32 levels)"
        }

        def items() -> Iterator[bytes]:
            for n in range(101):
                record = dict(example(("strong", "weak")[n % 2]), id=f"s{n}")
                request = evaluation_pb2.EvaluateStreamRequest(
                    ruleset_id="nolan-tender", submission=submission_message(record)
                )
                yield deep if n == 23 else request.SerializeToString()

        stream = channel.stream_stream(
            "/probity.v1.EvaluationService/EvaluateStream",
            response_deserializer=evaluation_pb2.EvaluateStreamResponse.FromString,
        )
        responses = {r.submission_id: r for r in stream(items(), timeout=120)}
    assert len(responses) == 101
    failed = responses.pop("bid-deep")
    assert failed.error.code == code_pb2.INVALID_ARGUMENT
    assert list(violations(failed.error)) == ["submission.answers.deep"]
    assert all(r.HasField("result") for r in responses.values())


def test_an_empty_stream_ends_cleanly(client: ProbityClient) -> None:
    assert list(client.evaluate_stream("nolan-tender", [])) == []


# -- tenders --------------------------------------------------------------------------------
def _bids() -> list[dict[str, Any]]:
    strong, weak, rejected = example("strong"), example("weak"), example("rejected")
    return [
        dict(strong, price=900_000.0),
        dict(weak, price=700_000.0),
        dict(rejected, price=650_000.0),
    ]


def test_a_tender_is_ranked_with_relative_price_scores(client: ProbityClient) -> None:
    response = client.evaluate_tender("nolan-tender", "T-2026-014", _bids())
    assert (response.weighting.quality, response.weighting.price) == (60, 40)
    # Neither the rejected bid's lower price counts, nor that of the bid whose band
    # (Non-compliant) may not be awarded: issue 33.
    assert response.lowest_cost == 900_000.0
    assert response.cost_basis == "price"
    first, second, third = response.bids
    assert (first.submission_id, first.rank) == ("T-2026-014/bid-01", 1)
    # 97.5 of 100 quality points: SEL-02 awaits the evaluation panel (counted 0 for now)
    assert response.awaiting_panel and list(first.result.awaiting_panel) == ["SEL-02"]
    assert first.quality_score == 58.5
    assert first.price_score == 40.0
    assert first.combined_score == pytest.approx(first.quality_score + first.price_score, abs=0.01)
    assert (second.rank, second.result.band, second.not_awardable) == (0, "non_compliant", True)
    assert not second.HasField("price_score") and not second.HasField("combined_score")
    assert "may not be awarded" in second.not_awardable_reason
    assert [b.awardable for b in response.bands] == [True, True, False, False]
    assert (third.rank, third.rejected) == (0, True)
    assert third.exclusion_reason.startswith("INT-01")
    assert third.result.band == "rejected"


def test_every_bid_of_a_tender_carries_its_whole_result(
    client: ProbityClient, local: Evaluator
) -> None:
    """The results go out as the workers serialized them (codec.wire): each must read
    back as the Result the engine gives that bid, beside the bid's own fields."""
    bids = _bids()
    bids[0]["supplier"] = {"id": "SUP-7", "name": "Fairway Care Ltd"}
    response = client.evaluate_tender("nolan-tender", "T-2026-014", bids)
    by_id = {b.submission_id: b for b in response.bids}
    assert set(by_id) == {b["id"] for b in bids}
    for bid in bids:
        got = by_id[bid["id"]]
        expected = local.evaluate(Submission(bid["id"], bid["answers"]))
        assert got.result == result_to_proto(expected)
        assert got.price == bid["price"]
    assert (by_id[bids[0]["id"]].supplier_id, by_id[bids[0]["id"]].supplier_name) == (
        "SUP-7",
        "Fairway Care Ltd",
    )


def test_whole_life_cost_is_compared_when_every_eligible_bid_gives_it(
    client: ProbityClient,
) -> None:
    bids = _bids()
    bids.append(dict(bids[0], id="T-2026-014/bid-04", price=700_000.0))
    bids[0]["whole_life_cost"] = 1_000_000.0
    bids[3]["whole_life_cost"] = 1_250_000.0  # cheaper to buy, dearer to run
    del bids[1]  # in a band that may not be awarded: it is not compared
    response = client.evaluate_tender("nolan-tender", "T-2026-014", bids)
    assert response.cost_basis == "whole_life_cost"
    assert response.lowest_cost == 1_000_000.0
    by_id = {b.submission_id: b for b in response.bids}
    assert by_id["T-2026-014/bid-01"].price_score == 40.0
    assert by_id["T-2026-014/bid-04"].price_score == 32.0
    del bids[2]["whole_life_cost"]
    mixed = client.evaluate_tender("nolan-tender", "T-2026-014", bids)
    assert mixed.cost_basis == "price"  # not every bid gave one: price for all


def test_bad_bids_are_invalid_argument_naming_each(client: ProbityClient) -> None:
    bids = _bids()
    bids[1]["price"] = 0
    bids[2] = _with(bids[2], openness__performance_reporting="sometimes")
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate_tender("nolan-tender", "T-2026-014", bids)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(status_of(caught.value)) == {"bids[1].price": "must be a number above zero"}
    bids[1]["price"] = 1.0
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate_tender("nolan-tender", "T-2026-014", bids)
    assert list(violations(status_of(caught.value))) == [
        "bids[2].submission.answers.openness.performance_reporting"
    ]


def test_a_bid_from_another_tender_and_a_repeated_id_are_refused(client: ProbityClient) -> None:
    bids = _bids()
    bids[2]["tender_id"] = "T-OTHER"
    bids[1]["id"] = bids[0]["id"]
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate_tender("nolan-tender", "T-2026-014", bids)
    fields = violations(status_of(caught.value))
    assert "is used twice" in fields["bids[1].submission.id"]
    assert "not the tender's" in fields["bids[2].submission.tender_id"]


def test_a_tender_of_ten_thousand_bids_streams_and_ranks(client: ProbityClient) -> None:
    """Issue 20, item 2: a tender of 9,000 bids failed (the response was 174 MB, over the
    16 MB limit). Streamed, every bid is answered once, bad ones alone, then the ranking."""
    names = ("strong", "weak", "rejected")
    bids = [dict(example(names[n % 3]), id=f"b{n}", price=500_000.0 + n) for n in range(10_000)]
    bids[5]["price"] = 0
    bids[7] = _with(bids[7], integrity__interests_declared="perhaps")
    bids[9]["id"] = "b8"  # a second b8
    answers: dict[str, list[Any]] = {}
    ranking = None
    for answer in client.evaluate_tender_stream("nolan-tender", "T-2026-014", bids):
        if answer.WhichOneof("item") == "ranking":
            assert ranking is None
            ranking = answer.ranking
        else:
            answers.setdefault(answer.bid.submission_id, []).append(answer.bid)
    assert ranking is not None  # last
    assert sum(len(a) for a in answers.values()) == 10_000  # every bid answered once
    failed = {k: [a for a in v if a.HasField("error")] for k, v in answers.items()}
    assert {k for k, v in failed.items() if v} == {"b5", "b7", "b8"}
    assert list(violations(failed["b5"][0].error)) == ["bid.price"]
    assert list(violations(failed["b7"][0].error)) == [
        "bid.submission.answers.integrity.interests_declared"
    ]
    assert len(ranking.bids) == 10_000 - 3
    ranks = [b.rank for b in ranking.bids if b.rank]
    assert ranks[0] == 1 and ranks == sorted(ranks)  # equal scores share a rank
    held = [b for b in ranking.bids if b.not_awardable]  # the weak bids: never ranked
    assert held and ranking.bids[len(ranks) : len(ranks) + len(held)] == held
    assert not any(b.HasField("result") for b in ranking.bids)  # each was sent already


def test_a_streamed_tender_ranks_as_the_unary_call_does(client: ProbityClient) -> None:
    bids = _bids()
    unary = client.evaluate_tender("nolan-tender", "T-2026-014", bids)
    streamed = list(client.evaluate_tender_stream("nolan-tender", "T-2026-014", bids))
    ranking = streamed[-1].ranking
    results = {a.bid.submission_id: a.bid.result for a in streamed[:-1]}
    for bid in ranking.bids:
        bid.result.CopyFrom(results[bid.submission_id])
    assert ranking == unary


def test_a_tender_stream_must_start_with_its_tender(client: ProbityClient) -> None:
    from probity.clients.request_messages import bid_message

    first = evaluation_pb2.EvaluateTenderStreamRequest(bid=bid_message(_bids()[0]))
    with pytest.raises(grpc.RpcError) as caught:
        list(client._evaluation.EvaluateTenderStream(iter([first]), timeout=60))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(violations(status_of(caught.value))) == ["tender"]


def test_too_many_bids_is_resource_exhausted(client: ProbityClient) -> None:
    bids = [dict(example("strong"), id=f"b{n}", price=100.0) for n in range(51)]  # limit: 50
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate_tender("nolan-tender", "T-2026-014", bids)
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert (
        detail(status_of(caught.value), error_details_pb2.QuotaFailure).violations[0].subject
        == "bids"
    )
    assert "send more through EvaluateTenderStream" in (caught.value.details() or "")


def test_the_default_bid_limit_is_what_fits_one_message() -> None:
    """Issue 20: --max-bids defaulted to 10,000 while the answer's message limit let about
    850 through; now the default is derived from the message limit."""
    assert Limits().tender_bids() == 256  # 16 MiB at 64 kB a FULL result
    assert Limits().tender_bids("basic") == 2048  # at 8 kB a BASIC one
    assert Limits(max_message_bytes=64 * 1024 * 1024).tender_bids() == 1024
    assert Limits(max_bids=50).tender_bids() == Limits(max_bids=50).tender_bids("basic") == 50
    nolan = shipped(RULES / "nolan-tender.yaml")
    (weak,) = Evaluator(nolan).evaluate_many(
        [Submission("T-2026-014/bid-02", example("weak")["answers"])]
    )
    for view in ("full", "basic"):
        size = len(PROTOBUF.encode(weak, view, nolan))  # type: ignore[arg-type]
        assert size * Limits().tender_bids(view) < Limits().max_message_bytes


# -- limits -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbityClient]:
    # A low rate, so that a loaded machine's slower stream still outruns the refill.
    limits = Limits(max_message_bytes=64 * 1024, stream_rate=20, max_submissions_per_call=60)
    folder = tmp_path_factory.mktemp("limited")
    with (
        running(settings_for(folder, limits=limits)) as server,
        ProbityClient(f"127.0.0.1:{server.port}", timeout=120) as probity,
    ):
        yield probity


def test_a_message_over_the_size_limit_is_resource_exhausted(limited: ProbityClient) -> None:
    record = example("strong")
    record["answers"]["padding"] = "x" * 100_000
    with pytest.raises(grpc.RpcError) as caught:
        limited.evaluate("nolan-tender", record)
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert limited.evaluate("nolan-tender", example("strong")).band == "compliant"


def test_a_stream_over_its_limits_fails_those_items_only(limited: ProbityClient) -> None:
    records = [dict(example("strong"), id=f"r{n}") for n in range(80)]
    responses = {r.submission_id: r for r in limited.evaluate_stream("nolan-tender", records)}
    assert len(responses) == 80
    over_count = [f"r{n}" for n in range(60, 80)]
    for sid in over_count:
        assert responses[sid].error.code == code_pb2.RESOURCE_EXHAUSTED
        assert "at most 60 submissions" in responses[sid].error.message
    within = [responses[f"r{n}"] for n in range(60)]
    evaluated = [r for r in within if r.HasField("result")]
    over_rate = [r for r in within if r.HasField("error")]
    # The bucket holds one second's worth (20), refilled at 20 a second as the stream goes:
    # a stream of 60 outruns it unless it takes two seconds (seen: 0.4 s under load).
    assert 20 <= len(evaluated) < 60
    for response in over_rate:
        assert response.error.code == code_pb2.RESOURCE_EXHAUSTED
        retry = detail(response.error, error_details_pb2.RetryInfo)
        assert retry.retry_delay.ToNanoseconds() > 0


def test_ids_too_long_for_the_log_are_invalid_and_never_echoed(client: ProbityClient) -> None:
    """Issue 19, items 5 and 12: a 10,000-character id got a status too large for its
    trailers (RESOURCE_EXHAUSTED); ids over the log's 200 characters got UNAVAILABLE."""
    long_id = "x" * 10_000
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate(long_id, example("strong"))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "ruleset_id" in caught.value.details() and long_id not in caught.value.details()
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate("nolan-tender", example("strong"), version="9" * 101)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "ruleset_version" in caught.value.details()
    record = dict(example("strong"), id="s" * 201)
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate("nolan-tender", record)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "submission.id" in caught.value.details()
    assert client.evaluate("nolan-tender", dict(example("strong"), id="s" * 200)).band
