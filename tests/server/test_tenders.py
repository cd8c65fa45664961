"""A recorded tender read back (GetTender) and each bidder's assessment summary written from
it (GetAssessmentSummaries), on a real server whose decision log is SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from bs4 import BeautifulSoup

from probity.clients.client import ProbityClient
from probity.codec.as_json import result_to_dict, tender_to_dict
from probity.reports.summaries import documents
from probity.server.app import ProbityServer
from probity.server.settings import Limits
from probity.v1 import evaluation_pb2, result_pb2
from tests.panel_flow import finish_panel
from tests.server.conftest import TOKENS, example, running, settings_for, token_file
from tests.server.details import status_of, violations

TENDER = "T-2026-031"


DETAILS = {
    "contracting_authority": "Eastmoor District Council",
    "title": "Home care, 2027",
    "procurement_id": "ocds-h6vhtk-0031",
    "criteria_published_at": "the tender documents, section 4",
    "standstill_ends": "2027-01-15",
}


def supplier_details(ident: str, name: str) -> dict[str, str]:
    return {"id": ident, "name": name, "postal_address": f"1 {name} Street, Eastmoor",
            "email": f"{ident.lower()}@example.org", "identifier": f"PGPD-{ident}"}  # fmt: skip


def _bids() -> list[dict[str, Any]]:
    return [
        dict(example("weak"), id="bid-a", price=9_000.0, tender_id=TENDER,
             supplier=supplier_details("SUP-A", "Alder & <Sons>")),
        dict(example("strong"), id="bid-b", price=12_000.0, tender_id=TENDER,
             supplier=supplier_details("SUP-B", "Birch Ltd")),
        dict(example("rejected"), id="bid-c", price=8_000.0, tender_id=TENDER,
             supplier=supplier_details("SUP-C", "Cedar CIC")),
    ]  # fmt: skip


@dataclass
class Evaluated:
    server: ProbityServer
    first: evaluation_pb2.EvaluateTenderResponse  # unary, FULL
    second: evaluation_pb2.EvaluateTenderResponse  # streamed, BASIC then expanded


def _panel_done(server: ProbityServer, tender_id: str = TENDER) -> None:
    """The tender's evaluation panel has scored SEL-02 (scored_by: panel), so its summaries
    may be issued."""
    lead = ("lead-caller", TOKENS["lead"])
    finish_panel(server.port, tender_id, lead, {"evaluator-caller": TOKENS["evaluator"]})


def _client(server: ProbityServer, role: str, lean: bool = True) -> ProbityClient:
    return ProbityClient(f"127.0.0.1:{server.port}", token=TOKENS[role], timeout=120, lean=lean)


def _streamed(client: ProbityClient, bids: list[dict[str, Any]]) -> Any:
    """The ranking a tender stream ends with, its bids' results put in from the stream."""
    answers = list(client.evaluate_tender_stream("nolan-tender", TENDER, bids, details=DETAILS))
    results = {a.bid.submission_id: a.bid.result for a in answers if a.HasField("bid")}
    (ranking,) = [a.ranking for a in answers if a.HasField("ranking")]
    for bid in ranking.bids:
        bid.result.CopyFrom(results[bid.submission_id])
    return ranking


@pytest.fixture
def evaluated(db_url: str, tmp_path: Path) -> Iterator[Evaluated]:
    """One tender evaluated twice by a portal: once unary in FULL, then as a stream in
    BASIC with a bid's price changed (the newest call is the tender's current ranking)."""
    settings = settings_for(tmp_path, db=db_url, tokens=token_file(tmp_path))
    with running(settings) as server:
        with _client(server, "portal", lean=False) as portal:
            first = portal.evaluate_tender("nolan-tender", TENDER, _bids(), details=DETAILS)
        changed = _bids()
        changed[1]["price"] = 8_500.0
        with _client(server, "portal") as portal:
            second = _streamed(portal, changed)
        yield Evaluated(server, first, second)


def _same_ranking(read: Any, sent: Any) -> None:
    assert [b.submission_id for b in read.bids] == [b.submission_id for b in sent.bids]
    for mine, theirs in zip(read.bids, sent.bids, strict=True):
        assert (mine.rank, mine.combined_score, mine.price) == (
            theirs.rank,
            theirs.combined_score,
            theirs.price,
        )
        assert result_to_dict(mine.result) == result_to_dict(theirs.result)


def test_a_recorded_tender_reads_back_as_it_was_sent_and_each_bid_replays(
    evaluated: Evaluated,
) -> None:
    with _client(evaluated.server, "auditor") as auditor:
        newest = auditor.get_tender(TENDER)
        _same_ranking(newest.tender, evaluated.second)
        assert newest.method.endswith("/EvaluateTenderStream")
        assert newest.caller_name == "portal-caller" and newest.caller_role == "portal"
        assert len(newest.request_ids) == 2 and newest.request_ids[0] == newest.request_id
        first = auditor.get_tender(TENDER, request_id=newest.request_ids[1])
        _same_ranking(first.tender, evaluated.first)
        assert first.view == result_pb2.RESULT_VIEW_FULL
        assert first.tender.bids[0].submission_id == "bid-b"  # the dearer, stronger bid won
        assert newest.tender.weighting.quality == evaluated.first.weighting.quality
        for bid, recorded in zip(newest.tender.bids, newest.bids, strict=True):
            assert recorded.submission_id == bid.submission_id
            record = auditor.get_evaluation(recorded.seq)
            assert (record.subject_id, record.tender_id) == (bid.submission_id, TENDER)
            assert record.request_id == newest.request_id and record.item == recorded.item
            assert auditor.replay(recorded.seq).identical


def test_a_tender_recorded_basic_is_sent_as_recorded_when_asked(evaluated: Evaluated) -> None:
    with _client(evaluated.server, "auditor") as auditor:
        sent = auditor.get_tender(TENDER, view="basic")
    assert sent.view == result_pb2.RESULT_VIEW_BASIC
    assert all(not f.title for b in sent.tender.bids for f in b.result.findings)


def test_each_bidder_gets_its_summary_as_the_reports_write_it(evaluated: Evaluated) -> None:
    _panel_done(evaluated.server)
    with _client(evaluated.server, "policy") as officer:
        sent = officer.assessment_summaries(TENDER)
        final = officer.get_tender(TENDER).tender
    assert sent.tender_id == TENDER and sent.ruleset.id == "nolan-tender"
    assert [s.submission_id for s in sent.summaries] == ["bid-b", "bid-a", "bid-c"]
    assert [s.most_advantageous for s in sent.summaries] == [True, False, False]
    written = documents(tender_to_dict(final))  # what the command line writes
    assert [s.text for s in sent.summaries] == [d.text for d in written]
    for summary in sent.summaries:
        page = BeautifulSoup(summary.html, "html.parser")
        assert page.find("h1").get_text().endswith(summary.supplier_name)
        assert page.find("svg") is not None  # the chart, inline
        assert not page.find("script")
    alder = sent.summaries[1]
    assert "Alder & <Sons>" in BeautifulSoup(alder.html, "html.parser").get_text()
    assert "<Sons>" not in alder.html and r"\<Sons\>" in alder.text  # text, never markup
    assert "| Your tender | Most advantageous tender |" in alder.text  # side by side
    assert "Most advantageous tender" not in sent.summaries[0].text  # the winner's own


def test_no_summary_is_issued_while_one_lacks_what_reg_31_asks_for(evaluated: Evaluated) -> None:
    """A tender recorded without its details, and a bid without its supplier's contact
    details: GetAssessmentSummaries refuses, naming each item and the bid."""
    bids = _bids()
    bids[1]["supplier"] = {"id": "SUP-B", "name": "Birch Ltd"}  # the winner: no contacts
    with _client(evaluated.server, "portal") as portal:
        portal.evaluate_tender(
            "nolan-tender", "T-bare", [dict(b, tender_id="T-bare") for b in bids]
        )
    with _client(evaluated.server, "policy") as officer, pytest.raises(grpc.RpcError) as caught:
        officer.assessment_summaries("T-bare")
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    said = caught.value.details() or ""
    assert "Birch Ltd (bid-b)" in said  # the first summary, the winner's own
    for item in ("s.50: the contracting authority", "reg 31(2)(b)", "reg 31(2)(c)",
                 "reg 31(2)(d)(ii)", "s.51"):  # fmt: skip
        assert item in said


def test_summaries_for_some_bidders_only(evaluated: Evaluated) -> None:
    _panel_done(evaluated.server)
    with _client(evaluated.server, "auditor") as auditor:
        sent = auditor.assessment_summaries(TENDER, submission_ids=["bid-c"])
        assert [s.submission_id for s in sent.summaries] == ["bid-c"]
        assert "rejected" in sent.summaries[0].text
        with pytest.raises(grpc.RpcError) as caught:
            auditor.assessment_summaries(TENDER, submission_ids=["bid-z"])
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(violations(status_of(caught.value))) == ["submission_ids"]


def test_a_tender_not_in_the_log_or_not_named_is_a_clear_error(evaluated: Evaluated) -> None:
    with _client(evaluated.server, "auditor") as auditor:
        for call in (auditor.get_tender, auditor.assessment_summaries):
            with pytest.raises(grpc.RpcError) as caught:
                call("T-unknown")
            assert caught.value.code() == grpc.StatusCode.NOT_FOUND
            assert "no tender T-unknown in the decision log" in (caught.value.details() or "")
            with pytest.raises(grpc.RpcError) as caught:
                call("")
            assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        with pytest.raises(grpc.RpcError) as caught:
            auditor.get_tender(TENDER, request_id="not-a-call")
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_portal_may_not_read_tenders_or_summaries(evaluated: Evaluated) -> None:
    with _client(evaluated.server, "portal") as portal:
        for call in (portal.get_tender, portal.assessment_summaries):
            with pytest.raises(grpc.RpcError) as caught:
                call(TENDER)
            assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_the_minimums_a_tender_states_are_sent_and_reported_up_front(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, tokens=token_file(tmp_path))
    rule_file = tmp_path / "rules" / "nolan-tender.yaml"
    text = rule_file.read_text()
    rule_file.write_text(text.replace("\nbands:\n", "\nthresholds:\n  total: 10\n\nbands:\n", 1))
    with running(settings) as server:
        with _client(server, "portal") as portal:
            sent = portal.evaluate_tender("nolan-tender", TENDER, _bids(), details=DETAILS)
        _panel_done(server)
        with _client(server, "auditor") as auditor:
            final = auditor.get_tender(TENDER).tender
    assert [(m.kind, m.least) for m in sent.minimums] == [("total_minimum", 10)]
    statement = sent.minimums[0].statement
    assert statement == "A quality score of at least 10 in all."
    from probity.reports.pages import tender_html

    page = BeautifulSoup(tender_html(tender_to_dict(sent)), "html.parser")
    basis = page.find("section", class_="basis").get_text()
    assert "Minimum scores, stated in the tender" in basis and statement in basis
    (alder,) = documents(tender_to_dict(final), {"bid-a"})
    assert f"- {statement}" in alder.text


def test_an_answer_over_the_message_limit_is_refused_before_it_is_sent(tmp_path: Path) -> None:
    """A tender whose summaries (or results) would not fit one message: RESOURCE_EXHAUSTED
    saying what to ask for instead, not gRPC's own failure after a call logged as OK."""
    limits = Limits(max_message_bytes=160_000)  # one summary fits (about 110 kB), not three
    settings = settings_for(tmp_path, tokens=token_file(tmp_path), limits=limits)
    with running(settings) as server:
        with _client(server, "portal") as portal:
            portal.evaluate_tender("nolan-tender", TENDER, _bids(), details=DETAILS)
        _panel_done(server)
        with _client(server, "auditor") as auditor:
            with pytest.raises(grpc.RpcError) as caught:
                auditor.assessment_summaries(TENDER)
            assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            said = caught.value.details() or ""
            assert "a message may be" in said and "submission_ids" in said
            (one,) = auditor.assessment_summaries(TENDER, submission_ids=["bid-a"]).summaries
            assert one.supplier_name == "Alder & <Sons>"
            assert len(auditor.get_tender(TENDER).tender.bids) == 3  # BASIC, it fits
        full = [
            dict(bid, tender_id="T-full", id=f"{bid['id']}-{n}")
            for n in range(2)
            for bid in _bids()
        ]  # six FULL results: more than a message holds
        with _client(server, "portal", lean=False) as portal:
            list(portal.evaluate_tender_stream("nolan-tender", "T-full", full))  # FULL
        with _client(server, "auditor") as auditor:
            with pytest.raises(grpc.RpcError) as caught:
                auditor.get_tender("T-full")
            assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "ListEvaluations" in (caught.value.details() or "")
