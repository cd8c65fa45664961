"""AuditService on a real server with its decision log on SQLite and on PostgreSQL: read back
what was decided, and replay every stored evaluation byte for byte."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from sqlalchemy import update

from probity.clients.client import ProbityClient
from probity.engine import ENGINE_VERSION
from probity.server.app import ProbityServer
from probity.store.schema import evaluations
from probity.v1 import result_pb2
from tests.conftest import RULES
from tests.server.conftest import TOKENS, example, running, settings_for, token_file

CONTRACT = json.loads((RULES / "examples/ethical-standards-monitoring/breached.json").read_text())


@pytest.fixture
def audited(db_url: str, tmp_path: Path) -> Iterator[ProbityServer]:
    """A server that has made some decisions: 3 submissions and a stream of 40 sent BASIC,
    a tender of 2 bids sent FULL and a contract check, by the portal caller."""
    settings = settings_for(tmp_path, db=db_url, tokens=token_file(tmp_path))
    with (
        running(settings) as server,
        _client(server, "portal") as portal,
        _client(server, "portal", lean=False) as fat_portal,
    ):
        for name in ("strong", "weak", "rejected"):
            portal.evaluate("nolan-tender", example(name))
        records = [dict(example("weak"), id=f"s{n}", tender_id="T-S") for n in range(40)]
        assert len(list(portal.evaluate_stream("nolan-tender", records))) == 40
        bids = [
            dict(example("strong"), id="b1", price=10.0),
            dict(example("weak"), id="b2", price=9.0),
        ]
        fat_portal.evaluate_tender("nolan-tender", "T-2026-014", bids)
        portal.check_contract(
            "ethical-standards-monitoring", CONTRACT["contract"], CONTRACT["returns"]
        )
        yield server


def _client(server: ProbityServer, role: str, lean: bool = True) -> ProbityClient:
    return ProbityClient(f"127.0.0.1:{server.port}", token=TOKENS[role], timeout=120, lean=lean)


def test_every_stored_evaluation_replays_byte_identical(audited: ProbityServer) -> None:
    with _client(audited, "auditor") as auditor:
        listed = list(auditor.list_evaluations())
        assert len(listed) == 3 + 40 + 2 + 1
        views = [result_pb2.ResultView.Name(r.view) for r in listed if r.kind == "tender"]
        assert views.count("RESULT_VIEW_BASIC") == 43 and views.count("RESULT_VIEW_FULL") == 2
        for record in listed:
            replayed = auditor.replay(record.seq)
            assert replayed.identical, replayed.diff
            assert replayed.diff == "" and replayed.ruleset.digest == record.ruleset.digest


def test_an_evaluation_reads_back_with_its_evidence_and_rules(audited: ProbityServer) -> None:
    with _client(audited, "auditor") as auditor:
        [contract] = auditor.list_evaluations(contract_id=CONTRACT["contract"]["contract_id"])
        shown = auditor.get_evaluation(contract.seq)
        assert shown.WhichOneof("received") == "contract_check"
        assert shown.contract_result.contract_id == CONTRACT["contract"]["contract_id"]
        assert len(shown.contract_check.returns) == len(CONTRACT["returns"])
        weak_supplier = example("weak")["supplier"]["id"]
        listed = auditor.list_evaluations(tender_id="T-2026-014", supplier_id=weak_supplier)
        [bid] = [r for r in listed if r.subject_id == "b2"]  # the bid, not the single call
        shown = auditor.get_evaluation(bid.seq)
        assert (shown.submission.id, shown.result.submission_id) == ("b2", "b2")
        assert (shown.caller_name, shown.caller_role) == ("portal-caller", "portal")
        version = auditor.get_ruleset_version(shown.ruleset.digest)
        assert version.source_text == (RULES / "nolan-tender.yaml").read_text()
        assert (version.how, version.by_name) == ("loaded", "server")
        same = auditor.get_ruleset_version(ruleset_id="nolan-tender", version=shown.ruleset.version)
        assert same.digest == shown.ruleset.digest


def test_a_result_recorded_basic_reads_back_whole(audited: ProbityServer) -> None:
    """Recorded as sent (BASIC), read back expanded from the recorded version's catalog,
    which the log serves too: equal to the FULL result of the same submission."""
    with _client(audited, "auditor") as auditor, _client(audited, "portal", lean=False) as fat:
        [stream_item] = [r for r in auditor.list_evaluations(tender_id="T-S") if r.item == 1]
        assert stream_item.view == result_pb2.RESULT_VIEW_BASIC
        lean = auditor.get_evaluation(stream_item.seq, view="basic")
        assert not lean.result.band_label and not lean.result.findings[0].title
        whole = auditor.get_evaluation(stream_item.seq)
        assert whole.view == result_pb2.RESULT_VIEW_BASIC  # still says how it was sent
        submitted = dict(example("weak"), id=stream_item.subject_id, tender_id="T-S")
        assert whole.result == fat.evaluate("nolan-tender", submitted)
        catalog = auditor.get_ruleset_version_catalog(stream_item.ruleset.digest)
        assert catalog.ruleset.digest == stream_item.ruleset.digest and catalog.criteria


def test_lists_filter_and_page(audited: ProbityServer) -> None:
    with _client(audited, "policy") as policy:
        stream = list(policy.list_evaluations(tender_id="T-S"))
        assert len(stream) == 40 and len({r.request_id for r in stream}) == 1
        assert sorted(r.item for r in stream) == list(range(1, 41))  # recorded as they finish
        assert [r.seq for r in stream] == sorted((r.seq for r in stream), reverse=True)
        [contract] = policy.list_evaluations(ruleset_id="ethical-standards-monitoring")
        assert contract.kind == "monitoring"
        assert list(policy.list_evaluations(until="2000-01-01")) == []
        assert len(list(policy.list_evaluations(page_size=10))) == 46  # five pages, all read


def test_a_changed_result_does_not_replay_identical_and_the_diff_says_where(
    audited: ProbityServer,
) -> None:
    log = audited.log
    assert log is not None
    with _client(audited, "auditor") as auditor:
        [record] = [
            r for r in auditor.list_evaluations(tender_id="T-2026-014") if r.subject_id == "b1"
        ]
        stored = log.evaluation(record.seq)
        assert stored is not None
        forged = stored.result.replace(b"Compliant", b"Compliont")
        assert forged != stored.result
        with log.engine.begin() as connection:  # tamper with the log, as an attacker might
            connection.execute(
                update(evaluations).where(evaluations.c.seq == record.seq).values(result=forged)
            )
        replayed = auditor.replay(record.seq)
        assert not replayed.identical
        assert '-  "band_label": "Compliont"' in replayed.diff
        assert '+  "band_label": "Compliant"' in replayed.diff
        assert replayed.recorded_engine_version == replayed.engine_version == ENGINE_VERSION

        # A decision recorded by an earlier engine: the replay says which made each.
        [other] = [
            r for r in auditor.list_evaluations(tender_id="T-2026-014") if r.subject_id == "b2"
        ]
        stored = log.evaluation(other.seq)
        assert stored is not None
        earlier = "0.0.9"
        assert len(earlier) == len(ENGINE_VERSION)  # the same length: the bytes stay valid
        aged = stored.result.replace(ENGINE_VERSION.encode(), earlier.encode(), 1)
        with log.engine.begin() as connection:
            connection.execute(
                update(evaluations).where(evaluations.c.seq == other.seq).values(result=aged)
            )
        replayed = auditor.replay(other.seq)
        assert not replayed.identical
        assert (replayed.recorded_engine_version, replayed.engine_version) == (
            earlier,
            ENGINE_VERSION,
        )
        assert f'-  "engine_version": "{earlier}"' in replayed.diff


def test_only_auditors_and_policy_officers_read_the_log(audited: ProbityServer) -> None:
    with _client(audited, "portal") as portal, pytest.raises(grpc.RpcError) as caught:
        list(portal.list_evaluations())
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with _client(audited, "auditor") as auditor:
        with pytest.raises(grpc.RpcError) as caught:
            auditor.evaluate("nolan-tender", example("strong"))
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        with pytest.raises(grpc.RpcError) as caught:
            auditor.get_evaluation(999_999)
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_with_the_log_off_the_audit_calls_say_so(tmp_path: Path) -> None:
    with running(settings_for(tmp_path, db="off")) as server, _client(server, "auditor") as client:
        client.evaluate("nolan-tender", example("strong"))
        with pytest.raises(grpc.RpcError) as caught:
            list(client.list_evaluations())
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "--db off" in (caught.value.details() or "")
