"""PreviewImpact: a draft's effect on recorded decisions, on a real server and log. Nothing
is recorded, the draft is never served, and ranks move as the draft would move them."""

from __future__ import annotations

import time
from pathlib import Path

import grpc
import pytest

from probity.clients.client import ProbityClient
from probity.server.settings import Settings
from probity.store.log import DecisionLog
from tests.conftest import NOLAN_VERSION, RULES
from tests.panel_flow import finish_panel
from tests.server.conftest import TOKENS, example, running, settings_for, token_file
from tests.server.details import status_of, violations
from tests.server.test_tenders import DETAILS, supplier_details

# Every band awardable, so that weak bids rank and a draft can move their ranks.
NOLAN = (RULES / "nolan-tender.yaml").read_text().replace("    awardable: false\n", "")


def _settings(tmp_path: Path) -> Settings:
    """A server whose nolan-tender ranks every bid that is not rejected (NOLAN)."""
    settings = settings_for(tmp_path, tokens=token_file(tmp_path))
    (settings.rules / "nolan-tender.yaml").write_text(NOLAN)
    return settings


def _draft(version: str = "9.0.0", **replace: str) -> str:
    text = NOLAN.replace(f"version: {NOLAN_VERSION}", f"version: {version}", 1)
    for before, after in replace.items():
        text = text.replace(before, after)
    return text


def test_a_draft_shows_what_it_would_change_and_records_nothing(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with running(settings) as server:
        at = f"127.0.0.1:{server.port}"
        with ProbityClient(at, token=TOKENS["portal"]) as portal:
            for name in ("strong", "weak", "rejected"):
                portal.evaluate("nolan-tender", example(name))
            bids = [
                dict(example("strong"), id="b-strong", price=12_000.0, tender_id="T-impact"),
                dict(example("weak"), id="b-weak", price=6_000.0, tender_id="T-impact"),
            ]
            sent = portal.evaluate_tender("nolan-tender", "T-impact", bids)
        ranks = {b.submission_id: b.rank for b in sent.bids}
        assert ranks == {"b-strong": 1, "b-weak": 2}
        with ProbityClient(at, token=TOKENS["policy"]) as officer:
            listed = len(list(officer.list_evaluations()))
            same = officer.preview_impact("nolan-tender", _draft())
            assert (same.evaluated, same.changed, same.active_version) == (5, 0, NOLAN_VERSION)
            # price counts for nearly everything: the cheaper, weaker bid wins
            cheap = _draft(**{"quality: 60\n  price: 40": "quality: 5\n  price: 95"})
            moved = officer.preview_impact("nolan-tender", cheap, tender_id="T-impact")
            assert moved.evaluated == 2 and moved.changed == 2
            after = {c.submission_id: (c.before.rank, c.after.rank) for c in moved.changes}
            assert after == {"b-strong": (1, 2), "b-weak": (2, 1)}
            # no pass/fail requirements: the rejected submission is rejected no more
            lenient = _draft(**{"gate: true": "gate: false"})
            passed = officer.preview_impact("nolan-tender", lenient)
            (freed,) = passed.changes
            assert (freed.before.rejected, freed.after.rejected) == (True, False)
            assert (freed.before.band, freed.after.band) == ("rejected", "compliant")
            assert freed.before.band_label.startswith("Rejected")
            assert officer.get_evaluation(freed.seq).subject_id == freed.submission_id
            assert len(list(officer.list_evaluations())) == listed  # nothing recorded
            held = officer.get_ruleset("nolan-tender").ruleset
            assert "9.0.0" not in [held.version, *held.other_versions]  # never kept
            with pytest.raises(grpc.RpcError) as caught:
                officer.preview_impact("nolan-tender", _draft(**{"weight: 20": "weight: 25"}))
            assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert "add up to 110" in violations(status_of(caught.value))["source_text"]
        with (
            ProbityClient(at, token=TOKENS["portal"]) as portal,
            pytest.raises(grpc.RpcError) as refused,
        ):
            portal.preview_impact("nolan-tender", _draft())
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_the_limit_bounds_every_evaluation_a_large_tender_included(tmp_path: Path) -> None:
    """limit=1 on a recorded 60-bid tender evaluated all 60 again (20,000 took the server from
    163 MB to 2.5 GB): the limit now counts the bids a re-ranking needs, and a tender they do
    not fit is named as not ranked again instead."""
    settings = _settings(tmp_path)
    with running(settings) as server:
        at = f"127.0.0.1:{server.port}"
        bids = [
            dict(
                example("strong" if n % 2 else "weak"),
                id=f"b-{n}",
                tender_id="T-large",
                supplier={"id": f"S-{n}", "name": f"Supplier {n}"},
                price=1_000.0 + n,
            )
            for n in range(60)
        ]
        with ProbityClient(at, token=TOKENS["portal"]) as portal:
            portal.evaluate_tender("nolan-tender", "T-large", bids)
        with ProbityClient(at, token=TOKENS["policy"]) as officer:
            one = officer.preview_impact("nolan-tender", _draft(), tender_id="T-large", limit=1)
            assert (one.evaluated, list(one.unranked_tenders)) == (1, ["T-large"])
            some = officer.preview_impact("nolan-tender", _draft(), limit=59)
            assert (some.evaluated, list(some.unranked_tenders)) == (59, ["T-large"])
            cheap = _draft(**{"quality: 60\n  price: 40": "quality: 5\n  price: 95"})
            whole = officer.preview_impact("nolan-tender", cheap, limit=60)
            assert (whole.evaluated, list(whole.unranked_tenders)) == (60, [])
            assert any(c.before.rank != c.after.rank for c in whole.changes)


def test_a_tender_too_large_for_one_answer_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GetTender and GetAssessmentSummaries read every bid's result of a tender before
    seeing that the answer would not fit: a 20,000-bid tender held gigabytes for one call.
    Bounds made small here (as a 16 MB message holds 8,192 bids of 2 kB, and summaries
    read at most 10,000)."""
    from probity.server import tenders

    read: list[str] = []
    original = DecisionLog.evaluations_of_call
    monkeypatch.setattr(
        DecisionLog,
        "evaluations_of_call",
        lambda self, call: read.append(call) or original(self, call),
    )
    settings = _settings(tmp_path)
    with running(settings) as server:
        at = f"127.0.0.1:{server.port}"
        bids = [
            dict(example("weak"), id=f"b-{n}", tender_id="T-six", price=1_000.0 + n,
                 supplier=supplier_details(f"S-{n}", f"Supplier {n}"))
            for n in range(6)
        ]  # fmt: skip
        with ProbityClient(at, token=TOKENS["portal"]) as portal:
            portal.evaluate_tender("nolan-tender", "T-six", bids, details=DETAILS)
        lead, evaluator = ("lead-caller", TOKENS["lead"]), {"evaluator-caller": TOKENS["evaluator"]}
        finish_panel(server.port, "T-six", lead, evaluator)  # SEL-02 is the panel's to score
        read.clear()  # the panel read the tender; what follows must read none of it
        monkeypatch.setattr(tenders, "MOST_SUMMARISED_BIDS", 5)
        monkeypatch.setattr(tenders, "BID_BYTES", settings.limits.max_message_bytes // 5)
        with ProbityClient(at, token=TOKENS["auditor"]) as auditor:
            for call in (
                lambda: auditor.get_tender("T-six"),
                lambda: auditor.assessment_summaries("T-six", submission_ids=["b-1"]),
            ):
                with pytest.raises(grpc.RpcError) as caught:
                    call()
                assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
                assert "tender T-six has 6 bids" in caught.value.details()
            assert read == []  # refused before any bid's result was read
            monkeypatch.setattr(tenders, "MOST_SUMMARISED_BIDS", 6)
            assert len(auditor.assessment_summaries("T-six", submission_ids=["b-1"]).summaries) == 1


def test_a_preview_past_its_time_stops_its_evaluations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A timed-out PreviewImpact answered DEADLINE_EXCEEDED but left its batches running in
    the workers for no one: they are now dropped, and the server answers the next call."""
    from probity.server import impact

    settings = _settings(tmp_path)
    with running(settings) as server:
        at = f"127.0.0.1:{server.port}"
        strong = example("strong")
        with ProbityClient(at, token=TOKENS["portal"]) as portal:
            sent = [dict(strong, id=f"s-{n}") for n in range(2_000)]
            assert len(list(portal.evaluate_stream("nolan-tender", sent))) == 2_000
        monkeypatch.setattr(impact, "TIMEOUT", 0.001)
        with ProbityClient(at, token=TOKENS["policy"]) as officer:
            with pytest.raises(grpc.RpcError) as caught:
                officer.preview_impact("nolan-tender", _draft(), limit=2_000)
            assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            assert "deadline passed" in caught.value.details()
            # taken from the queue as the workers finish the batches they already held
            deadline = time.monotonic() + 60
            while server.pool.queued() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert server.pool.dropped > 0 and server.pool.restarts == 0
            monkeypatch.setattr(impact, "TIMEOUT", 600.0)
            assert officer.preview_impact("nolan-tender", _draft(), limit=10).evaluated == 10
