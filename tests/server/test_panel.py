"""The evaluation panel over gRPC (issue 34, item 2), end to end on a real server with a lead,
three evaluators, a portal and an auditor, each with their own token, on SQLite and on
PostgreSQL: interests declared before any bid is shown, a conflicted evaluator kept from the
bid by every method, nobody's scores shown before one's own, moderation only by the lead,
once every reader has scored, with reasons; every step an append-only record with who and
when."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from probity.clients.client import ProbityClient
from probity.server.app import ProbityServer
from tests.conftest import FIXTURES
from tests.panel_flow import signed_in, token_file
from tests.server.conftest import running, settings_for
from tests.server.test_tenders import DETAILS, supplier_details

TENDER = "T-PANEL"
HOSTILE = "<script>alert(1)</script> & {panel.sel_02.points}"
SAFEGUARDS = {
    "bid-a": "Staffing never falls below the ratio in schedule two; a weekly quality audit.",
    "bid-b": "We will do our best to keep quality high whatever the price. " + HOSTILE,
}
WHY = {
    "bid-a": "The staffing ratio and the weekly quality audit are named safeguards.",
    "bid-b": "It promises to keep quality high but names no safeguard beyond its best.",
}
SCRUTINY = "Our records are open to the commissioner at any time, without notice."


def _bids() -> list[dict[str, Any]]:
    return [
        {
            "id": bid,
            "tender_id": TENDER,
            "price": price,
            "supplier": supplier_details(f"SUP-{bid}", f"Supplier {bid}"),
            "answers": {
                "coi": {"declared": True},
                "quality": {"safeguards": SAFEGUARDS[bid]},
                "conduct": {"scrutiny_statement": SCRUTINY},
            },
        }
        for bid, price in (("bid-a", 100_000.0), ("bid-b", 90_000.0))
    ]


@pytest.fixture
def server(tmp_path: Path, db_url: str) -> Iterator[ProbityServer]:
    settings = settings_for(tmp_path, tokens=token_file(tmp_path), db=db_url)
    shutil.copy(FIXTURES / "panel.yaml", settings.rules / "panel-mini.yaml")
    with running(settings) as started:
        yield started


def _as(server: ProbityServer, name: str) -> ProbityClient:
    return signed_in(server.port, name)


def _refused(call: Any, *args: Any) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args)
    return caught.value


def _scores(bid: str, quality: int) -> dict[str, tuple[int, str]]:
    return {
        "SEL-02": (quality, WHY[bid]),
        "ACC-01": (1, "The records are open to the commissioner."),
    }


def test_a_tender_goes_through_its_panel(server: ProbityServer) -> None:
    with _as(server, "portal") as portal:
        portal.evaluate_tender("panel-mini", TENDER, _bids())
        assert _refused(portal.panel.get, TENDER).code() == grpc.StatusCode.PERMISSION_DENIED
    people = [_as(server, name) for name in ("lead", "ann", "bo", "cy")]
    try:
        _run(*people)
    finally:
        for client in people:
            client.close()
    with _as(server, "auditor") as auditor:
        seen = auditor.panel.get(TENDER)
        records = seen.records
        assert [p.tender_id for p in auditor.panel.list_panels()] == [TENDER]
    # The audit annex: the moderation of SEL-02 (3, within 2 to 4) is not flagged; bo's
    # mitigation is; the conflicts assessment names every declaration and how it was handled.
    assert [(c.kind, c.submission_id) for c in seen.checks] == [("mitigation", "bid-b")]
    handled = {(c.evaluator, c.submission_id): c.handled for c in seen.conflicts}
    assert handled[("bo", "bid-b")] == "mitigated: may score the bid"
    assert handled[("ann", "bid-a")] == "no conflict" and len(handled) == 6
    with _as(server, "ann") as ann:
        assert not ann.panel.get(TENDER).conflicts  # an evaluator sees only their own part
    kinds = [r.kind for r in records]
    assert kinds[0] == "opened" and kinds.count("declared") == 6
    assert (
        kinds.count("mitigated") == 1 and kinds.count("scored") == 3 * 2 * 2
    )  # three evaluators, two bids, two criteria
    assert kinds.count("moderated") == 4
    assert [r.seq for r in records] == sorted(r.seq for r in records)
    assert all(r.by and r.recorded_at and r.role for r in records)
    assert any(HOSTILE in r.text for r in records if r.kind == "declared")  # kept as written


def _run(lead: ProbityClient, ann: ProbityClient, bo: ProbityClient, cy: ProbityClient) -> None:
    assert ann.panel.list_panels() == [] and lead.panel.list_panels() == []
    opened = lead.panel.open(TENDER, ["ann", "bo", "cy"], divergence=1)
    (listed,) = ann.panel.list_panels()
    assert (listed.tender_id, listed.lead, list(listed.evaluators)) == (
        TENDER,
        "lead",
        ["ann", "bo", "cy"],
    )
    assert [p.tender_id for p in lead.panel.list_panels()] == [TENDER]
    assert [c.criterion for c in opened.criteria] == ["SEL-02", "ACC-01"]
    assert opened.criteria[0].guidance.startswith("A good answer names the safeguards")
    assert _refused(lead.panel.open, TENDER, ["ann"]).code() == grpc.StatusCode.ALREADY_EXISTS

    # No bid text before every interest is declared.
    early = _refused(ann.panel.bid, TENDER, "bid-a")
    assert early.code() == grpc.StatusCode.FAILED_PRECONDITION and "declare first" in (
        early.details() or ""
    )
    assert ann.panel.declare(TENDER, {"bid-a": None, "bid-b": None}) == []
    repeated = _refused(ann.panel.declare, TENDER, {"bid-a": None})
    assert repeated.code() == grpc.StatusCode.ALREADY_EXISTS
    assert "a declaration stands" in (repeated.details() or "")
    assert cy.panel.declare(TENDER, {"bid-a": None}) == ["bid-b"]
    assert cy.panel.declare(TENDER, {"bid-b": None}) == []
    bo.panel.declare(
        TENDER, {"bid-a": None, "bid-b": "I advised bid-b's board last year. " + HOSTILE}
    )

    # A declared conflict keeps bo from bid-b, by every method, until mitigated.
    denied = _refused(bo.panel.bid, TENDER, "bid-b")
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "advised bid-b's board" in (denied.details() or "")
    assert _refused(bo.get_tender, TENDER).code() == grpc.StatusCode.PERMISSION_DENIED
    assert _refused(bo.panel.scores, TENDER, "bid-b").code() == grpc.StatusCode.PERMISSION_DENIED
    bid = ann.panel.bid(TENDER, "bid-a")
    (quality,) = [a for a in bid.answers if a.criterion == "SEL-02"]
    assert quality.text == SAFEGUARDS["bid-a"] and quality.question.startswith("How will you")

    # Scores are one's own until submitted; reasons must cite the bid.
    vague = {**_scores("bid-a", 4), "SEL-02": (4, "A convincing answer in every single respect.")}
    assert _refused(ann.panel.score, TENDER, "bid-a", vague).code() == (
        grpc.StatusCode.INVALID_ARGUMENT
    )
    ann.panel.score(TENDER, "bid-a", _scores("bid-a", 4))
    assert _refused(ann.panel.score, TENDER, "bid-a", _scores("bid-a", 3)).code() == (
        grpc.StatusCode.ALREADY_EXISTS
    )
    unseen = _refused(cy.panel.scores, TENDER, "bid-a")
    assert unseen.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "submit your own scores" in (unseen.details() or "")
    assert not [r for r in cy.panel.get(TENDER).records if r.kind == "scored"]
    waiting = _refused(lead.panel.moderate, TENDER, "bid-a", "SEL-02", 3, WHY["bid-a"])
    assert waiting.code() == grpc.StatusCode.FAILED_PRECONDITION and "bo, cy" in (
        waiting.details() or ""
    )
    bo.panel.score(TENDER, "bid-a", _scores("bid-a", 2))
    cy.panel.score(TENDER, "bid-a", _scores("bid-a", 3))
    seen = cy.panel.scores(TENDER, "bid-a")
    quality_scores = seen.criteria[0]
    assert sorted(s.points for s in quality_scores.scores) == [2, 3, 4]
    assert quality_scores.spread == 2 and quality_scores.divergent

    # Moderation: the lead alone, with reasons; final once recorded.
    assert _refused(ann.panel.moderate, TENDER, "bid-a", "SEL-02", 3, WHY["bid-a"]).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    short = _refused(lead.panel.moderate, TENDER, "bid-a", "SEL-02", 3, "Agreed.")
    assert short.code() == grpc.StatusCode.INVALID_ARGUMENT
    first = lead.panel.moderate(TENDER, "bid-a", "SEL-02", 3, WHY["bid-a"] + " Moderated to 3.")
    assert not first.complete and first.record.by == "lead"
    done = lead.panel.moderate(
        TENDER, "bid-a", "ACC-01", 1, "Every scorer found the records open to the commissioner."
    )
    assert done.complete
    assert _refused(lead.panel.moderate, TENDER, "bid-a", "ACC-01", 0, "x" * 50).code() == (
        grpc.StatusCode.ALREADY_EXISTS
    )

    # The lead reads a bid to moderate it, with no declaration of their own to make.
    assert next(a.text for a in lead.panel.bid(TENDER, "bid-b").answers) == SAFEGUARDS["bid-b"]

    # bid-b: bo's conflict mitigated by the lead, then all three score it.
    lead.panel.mitigate(
        TENDER, "bo", "bid-b", "bo's advice ended a year ago; ann checks bo's score."
    )
    assert bo.panel.bid(TENDER, "bid-b").answers
    for evaluator, points in ((ann, 1), (bo, 1), (cy, 1)):
        evaluator.panel.score(TENDER, "bid-b", _scores("bid-b", points))
    lead.panel.moderate(TENDER, "bid-b", "SEL-02", 1, WHY["bid-b"] + " All three agreed.")
    early = _refused(lead.panel.finish, TENDER)  # one criterion of bid-b to go
    assert early.code() == grpc.StatusCode.FAILED_PRECONDITION and "bid-b" in (
        early.details() or ""
    )
    assert _refused(ann.panel.finish, TENDER).code() == grpc.StatusCode.PERMISSION_DENIED
    finished = lead.panel.moderate(
        TENDER, "bid-b", "ACC-01", 1, "Every scorer found the records open to the commissioner."
    )
    assert finished.complete
    panel = lead.panel.get(TENDER)
    assert [b.complete for b in panel.bids] == [True, True]


def test_the_panels_consensus_gives_the_final_ranking_which_replays(
    server: ProbityServer, tmp_path: Path
) -> None:
    """Issue 34, item 3: a ranking awaits the panel until every bid is moderated; the last
    moderation ranks the tender again with the consensus as each bid's panel scores (its
    score, descriptor and the moderation's reasons as the explanation; the individual scores
    nowhere in the result), recorded in the decision log, and it replays byte for byte."""
    with _as(server, "portal") as portal:
        provisional = portal.evaluate_tender("panel-mini", TENDER, _bids(), details=DETAILS)
    assert provisional.awaiting_panel
    assert all(list(b.result.awaiting_panel) == ["SEL-02", "ACC-01"] for b in provisional.bids)
    people = [_as(server, name) for name in ("lead", "ann", "bo", "cy")]
    try:
        _run(*people)
        lead = people[0]
        final = lead.get_tender(TENDER)
        assert lead.panel.finish(TENDER) is True  # the last moderation made it final
        assert lead.get_tender(TENDER).request_id == final.request_id  # nothing done again
    finally:
        for client in people:
            client.close()
    assert not final.tender.awaiting_panel and final.request_id != ""
    by_id = {b.submission_id: b for b in final.tender.bids}
    quality = next(f for f in by_id["bid-a"].result.findings if f.criterion == "SEL-02")
    assert (quality.points, quality.scored_by) == (3, "panel")
    assert quality.descriptor.startswith("Good")
    assert quality.explanation == WHY["bid-a"] + " Moderated to 3."
    individual = "The records are open to the commissioner."  # each evaluator's, not the panel's
    assert individual not in str(final.tender)
    assert final.tender.bids[0].submission_id == "bid-a"  # 3 of 4 beats 1 of 4
    with _as(server, "auditor") as auditor:
        for recorded in final.bids:
            replayed = auditor.replay(recorded.seq)
            assert replayed.identical, replayed.diff
        # The impact of a draft holds the panel's scores fixed: weights moved to quality.
        draft = (FIXTURES / "panel.yaml").read_text()
        draft = (
            draft.replace("version: 1.0.0", "version: 2.0.0")
            .replace("    weight: 40\n", "    weight: 20\n", 1)
            .replace("    weight: 60\n", "    weight: 80\n", 1)
        )
        impact = auditor.preview_impact("panel-mini", draft, tender_id=TENDER)
    assert not impact.refused and impact.evaluated >= 2

    # The report's audit annex has each evaluator's scores and the conflicts assessment;
    # a bidder's summary has the consensus, never the individual scores.
    from tests.clients.test_cli import probity
    from tests.reports.test_pdf_fit import misfits

    at = ("--server", f"127.0.0.1:{server.port}", "--token", "prb_auditor", "--tender", TENDER)
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    for out in (html, pdf):
        made = probity("report", "tender", *at, "--out", str(out))
        assert made.returncode == 0, made.stderr
    page = html.read_text()
    assert "Audit annex: the evaluation panel" in page
    assert "bo: <strong>2</strong>. " + WHY["bid-a"] in page
    assert "advised bid-b&#39;s board last year" in page and "mitigated: may score the bid" in page
    assert misfits(pdf, page) == []
    with _as(server, "auditor") as auditor:
        summaries = auditor.assessment_summaries(TENDER).summaries
    for summary in summaries:
        assert individual not in summary.text and individual not in summary.html
    assert any(WHY["bid-a"] + " Moderated to 3." in s.text for s in summaries)


def test_the_command_line_and_the_report_say_the_ranking_awaits_the_panel(
    server: ProbityServer, tmp_path: Path
) -> None:
    from tests.clients.test_cli import probity

    bids = tmp_path / "bids.jsonl"
    bids.write_text("".join(json.dumps(b) + "\n" for b in _bids()))
    at = ("--server", f"127.0.0.1:{server.port}", "--token", "prb_portal")
    table = probity("tender", *at, "--ruleset", "panel-mini", str(bids))
    assert table.returncode == 0, table.stderr
    assert "awaiting the evaluation panel: SEL-02, ACC-01" in table.stdout
    assert "this ranking is provisional" in table.stdout
    as_json = probity("tender", *at, "--ruleset", "panel-mini", "--format", "json", str(bids))
    tender = tmp_path / "tender.json"
    tender.write_text(as_json.stdout)
    assert json.loads(as_json.stdout)["awaiting_panel"] is True
    report = probity("report", "tender", str(tender), "--out", str(tmp_path / "report.html"))
    assert report.returncode == 0, report.stderr
    assert "Awaiting the evaluation panel." in (tmp_path / "report.html").read_text()


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[ProbityServer]:
    settings = settings_for(tmp_path, tokens=token_file(tmp_path))
    shutil.copy(FIXTURES / "panel.yaml", settings.rules / "panel-mini.yaml")
    with running(settings) as started:
        yield started


def test_the_panel_by_the_command_line(sqlite_server: ProbityServer, tmp_path: Path) -> None:
    """The README's commands: open, declare, read, score, compare, moderate, show, and the
    conflicts assessment exported."""
    from tests.clients.test_cli import probity

    server = f"127.0.0.1:{sqlite_server.port}"

    def run(who: str, *args: str) -> str:
        done = probity("panel", *args[:1], "--server", server, "--token", "prb_" + who, *args[1:])
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        return done.stdout

    with _as(sqlite_server, "portal") as portal:
        portal.evaluate_tender("panel-mini", TENDER, _bids())
    assert "opened by lead: ann" in run("lead", "open", TENDER, "--evaluators", "ann")
    assert run("ann", "list").split("\t")[:3] == [TENDER, "lead", "ann"]
    refused = probity("panel", "bid", "--server", server, "--token", "prb_ann", TENDER, "bid-a")
    assert refused.returncode != 0 and "declare first" in refused.stderr
    assert "Traceback" not in refused.stderr
    said = run("ann", "declare", TENDER, "--conflict", "bid-b=I advised bid-b's board last year.")
    assert "declared: bid-b (conflict), bid-a" in said  # in the ranking's order
    shown = run("ann", "bid", TENDER, "bid-a")
    assert SAFEGUARDS["bid-a"] in shown and "What a good answer shows:" in shown
    assert "3: Good: meets the principle, with minor gaps." in shown
    denied = probity("panel", "bid", "--server", server, "--token", "prb_ann", TENDER, "bid-b")
    assert denied.returncode != 0 and "conflict of interest" in denied.stderr
    scored = run(
        "ann", "score", TENDER, "bid-a", "--score", "SEL-02=3", "--score", "ACC-01=1",
        "--why", f"SEL-02={WHY['bid-a']}",
        "--why", "ACC-01=The records are open to the commissioner.",
    )  # fmt: skip
    assert "2 scores of bid-a recorded" in scored
    assert "ann: 3 — " + WHY["bid-a"] in run("lead", "scores", TENDER, "bid-a")
    moderated = run("lead", "moderate", TENDER, "bid-a", "SEL-02", "3", WHY["bid-a"] + " Agreed.")
    assert "SEL-02 of bid-a moderated to 3" in moderated
    assert "bid-a (Supplier bid-a): awaiting the panel" in run("lead", "show", TENDER)
    table = run("lead", "conflicts", TENDER, "--format", "csv")
    assert "ann,bid-b," in table and "kept from the bid" in table

    # A conflict that arises later: declared then, it keeps ann from bid-a and sets her
    # scores of it aside, so ACC-01 waits for a reader; the checks and the assessment say so.
    said = run("ann", "declare", TENDER, "--conflict", "bid-a=bid-a has offered me a job.")
    assert said.strip() == "declared: bid-a (conflict)"
    denied = probity("panel", "bid", "--server", server, "--token", "prb_ann", TENDER, "bid-a")
    assert denied.returncode != 0 and "bid-a has offered me a job." in denied.stderr
    waiting = probity(
        "panel", "moderate", "--server", server, "--token", "prb_lead", TENDER, "bid-a",
        "ACC-01", "1", "The records are open to the commissioner, as all agreed.",
    )  # fmt: skip
    assert waiting.returncode != 0 and "no evaluator may read this bid yet" in waiting.stderr
    shown = run("lead", "show", TENDER)
    assert "check (late_conflict): ann declared a conflict with bid bid-a at " in shown
    assert "their scores of it, given before, are set aside" in shown
    (line,) = [r for r in run("lead", "conflicts", TENDER, "--format", "csv").splitlines()
               if r.startswith("ann,bid-a,")]  # fmt: skip
    assert "bid-a has offered me a job.,,,kept from the bid,20" in line  # and when it arose


def test_no_summary_is_issued_while_the_panel_has_a_score_to_give(
    server: ProbityServer, tmp_path: Path
) -> None:
    """reg 31(2)(e)(i) asks for every criterion's score: a criterion awaiting the panel has
    none, so the summaries wait for the panel (FAILED_PRECONDITION naming the item)."""
    with _as(server, "portal") as portal:
        portal.evaluate_tender("panel-mini", TENDER, _bids())
    with _as(server, "auditor") as auditor:
        refused = _refused(auditor.assessment_summaries, TENDER)
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "reg 31(2)(e)(i)" in (refused.details() or "")
