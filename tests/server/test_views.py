"""Result views over a real server (ResultView, AIP-157): BASIC leaves the rule set's
wording out, the client puts it back from GetRuleset's catalog, and what it reads equals
the FULL result, in every evaluation call."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from probity.clients.client import ProbityClient
from probity.clients.request_messages import bid_message, submission_message
from probity.server.app import ProbityServer
from probity.v1 import evaluation_pb2, result_pb2
from tests.conftest import RULES
from tests.server.conftest import example
from tests.server.details import status_of, violations

BASIC, FULL = result_pb2.RESULT_VIEW_BASIC, result_pb2.RESULT_VIEW_FULL
TENDER_EXAMPLES = [
    (path.parent.name, path)
    for path in sorted((RULES / "examples").glob("*/*.json"))
    if "kind: tender" in (RULES / f"{path.parent.name}.yaml").read_text()
]


@pytest.fixture(scope="module")
def fat(open_server: ProbityServer) -> Iterator[ProbityClient]:
    """A client that asks for FULL results, as clients written before views do."""
    with ProbityClient(f"127.0.0.1:{open_server.port}", timeout=120, lean=False) as probity:
        yield probity


def _record(path: Any) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(path.read_text())
    return record


@pytest.mark.parametrize(("ruleset", "path"), TENDER_EXAMPLES, ids=lambda v: str(v)[-30:])
def test_every_shipped_example_reads_the_same_sent_basic_or_full(
    client: ProbityClient, fat: ProbityClient, ruleset: str, path: Any
) -> None:
    full = fat.evaluate(ruleset, _record(path))
    basic = client.evaluate(ruleset, _record(path), view="basic")
    assert basic.ByteSize() * 3 < full.ByteSize()
    assert client.evaluate(ruleset, _record(path)) == full  # sent BASIC, expanded


def test_the_catalog_is_the_versions_own_and_fetched_once(open_server: ProbityServer) -> None:
    with ProbityClient(f"127.0.0.1:{open_server.port}", timeout=120) as probity:
        got = probity.get_ruleset("nolan-tender")
        assert got.catalog.ruleset.digest == got.ruleset.digest
        assert len(got.catalog.criteria) == got.ruleset.criteria_count
        for _ in range(3):
            probity.evaluate("nolan-tender", example("weak"))
        assert list(probity.catalogs._held) == [got.ruleset.digest]
        monitoring = probity.get_ruleset("ethical-standards-monitoring").catalog
        assert monitoring.ruleset.id and not monitoring.criteria


def test_one_stream_may_mix_views_and_each_item_gets_its_own(
    client: ProbityClient, fat: ProbityClient
) -> None:
    stub = client._evaluation
    requests = [
        evaluation_pb2.EvaluateStreamRequest(
            ruleset_id="nolan-tender",
            submission=submission_message(dict(example("weak"), id=f"s{n}")),
            view=BASIC if n % 2 else FULL,
        )
        for n in range(60)
    ]
    answers = {a.submission_id: a.result for a in stub.EvaluateStream(iter(requests))}
    full = fat.evaluate("nolan-tender", dict(example("weak"), id="s0"))
    for n in range(60):
        result = answers[f"s{n}"]
        assert bool(result.band_label) == (n % 2 == 0)
        if n % 2:
            client.catalogs.expand(result)
        result.submission_id = "s0"
        assert result == full


def test_tenders_read_the_same_sent_basic_or_full(
    client: ProbityClient, fat: ProbityClient
) -> None:
    bids = [
        dict(example("strong"), id="b1", tender_id="T-V", price=120.0),
        dict(example("weak"), id="b2", tender_id="T-V", price=100.0),
        dict(example("rejected"), id="b3", tender_id="T-V", price=90.0),
    ]
    whole = fat.evaluate_tender("nolan-tender", "T-V", bids)
    assert client.evaluate_tender("nolan-tender", "T-V", bids) == whole
    streamed = {
        a.bid.submission_id: a.bid.result
        for a in client.evaluate_tender_stream("nolan-tender", "T-V", bids)
        if a.HasField("bid")
    }
    assert streamed == {b.submission_id: b.result for b in whole.bids}


def test_an_unknown_view_is_invalid_argument_naming_it(client: ProbityClient) -> None:
    request = evaluation_pb2.EvaluateRequest(
        ruleset_id="nolan-tender", submission=submission_message(example("weak")), view=7
    )
    with pytest.raises(grpc.RpcError) as caught:
        client._evaluation.Evaluate(request)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "view" in violations(status_of(caught.value))
    tender = evaluation_pb2.EvaluateTenderRequest(
        ruleset_id="nolan-tender", tender_id="T", bids=[bid_message(dict(example("weak"), price=1))]
    )
    tender.view = 9
    with pytest.raises(grpc.RpcError) as caught:
        client._evaluation.EvaluateTender(tender)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_contracts_read_the_same_sent_basic_or_full(
    client: ProbityClient, fat: ProbityClient
) -> None:
    examples = sorted((RULES / "examples" / "ethical-standards-monitoring").glob("*.json"))
    series = [json.loads(path.read_text()) for path in examples]
    for one in series:
        whole = fat.check_contract("ethical-standards-monitoring", one["contract"], one["returns"])
        lean = client.check_contract(
            "ethical-standards-monitoring", one["contract"], one["returns"], view="basic"
        )
        assert lean.ByteSize() * 2 < whole.ByteSize()
        assert (
            client.check_contract("ethical-standards-monitoring", one["contract"], one["returns"])
            == whole
        )
    pairs = [(one["contract"], one["returns"]) for one in series]
    portfolio = {
        a.contract_id: a.result
        for a in client.check_portfolio("ethical-standards-monitoring", pairs)
    }
    assert portfolio == {
        a.contract_id: a.result for a in fat.check_portfolio("ethical-standards-monitoring", pairs)
    }
