"""Commercially sensitive answers (issue 33, item 3; Procurement Act 2023, s.94): another
bidder's assessment summary shows the most advantageous tender's score and descriptor for a
criterion that reads one, never the answer or the explanation built from it, in any form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from probity.reports import reg31
from probity.reports.summaries import WITHHELD, documents

SENSITIVE = {  # nolan-tender's, as its rule file marks them
    "selflessness.personalised_plans_pct",
    "accountability.complaints.median_response_days",
    "accountability.satisfaction.pct",
    "leadership.whistleblowing.median_days_to_respond",
}


def _sensitive_findings(bid: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        f
        for f in bid["result"]["findings"]
        if any(e["field"] in SENSITIVE for e in f.get("evidence", []))
    ]


def test_the_tender_names_the_answers_its_rule_set_marks_sensitive(example_tender: Path) -> None:
    tender = json.loads(example_tender.read_text())
    assert set(tender["sensitive_answers"]) == SENSITIVE


def test_no_sensitive_answer_of_a_bid_is_in_another_bidders_summary(example_tender: Path) -> None:
    tender = json.loads(example_tender.read_text())
    written = {d.bid["submission_id"]: d for d in documents(tender, issued="2026-12-01")}
    winner = next(b for b in tender["bids"] if b["rank"] == 1)
    secret = [f["explanation"] for f in _sensitive_findings(winner)]
    assert len(secret) >= 3 and any("median of 7" in s for s in secret)  # the example
    own = written[winner["submission_id"]]
    for sentence in secret:  # the supplier's own summary keeps them
        assert sentence in reg31.plain_markdown(own.text)
    checked = 0
    for ident, document in written.items():
        if ident == winner["submission_id"]:
            continue
        mine = {f["explanation"] for f in document.bid["result"]["findings"]}
        theirs = [s for s in secret if s not in mine]  # not this bidder's own figures too
        checked += len(theirs)
        forms = (reg31.plain_markdown(document.text), reg31.plain_html(document.html))
        for text in forms:
            for sentence in theirs:
                assert sentence not in text, (ident, sentence)
            assert text.count(WITHHELD) == len(secret)  # a note in place of each
        scores = [f"{f['points']} of {f['max_points']}." for f in _sensitive_findings(winner)]
        for score in scores:  # the score and descriptor stay
            assert score in reg31.plain_markdown(document.text)
    assert checked  # some bidder's figures differ from the winner's, and were withheld
