"""The reg 31 checklist that gates issuing assessment summaries (issue 33, item 2): the
example tender's summaries meet every item in Markdown and HTML; each item's data removed in
turn, the summary is refused, naming the item and the bid."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from probity.reports import reg31
from probity.reports.summaries import contexts, documents, summaries
from tests.clients.test_cli import probity

Tender = dict[str, Any]


@pytest.fixture(scope="module")
def tender(example_tender: Path) -> Tender:
    record: Tender = json.loads(example_tender.read_text())
    return record


def _winner(tender: Tender) -> dict[str, Any]:
    return next(b for b in tender["bids"] if b["rank"] == 1)


def _second(tender: Tender) -> dict[str, Any]:
    """The bid that is neither the winner nor rejected: in the example, one whose band may
    not be awarded."""
    return next(b for b in tender["bids"] if b["rank"] != 1 and not b["rejected"])


def _detail(name: str) -> Callable[[Tender], str]:
    def remove(tender: Tender) -> str:
        tender["details"][name] = ""
        return _winner(tender)["submission_id"]

    return remove


def _of_winner(name: str) -> Callable[[Tender], str]:
    def remove(tender: Tender) -> str:
        winner = _winner(tender)
        winner["supplier"][name] = ""
        if name == "name":  # the ranking names the supplier twice
            winner["supplier_name"] = ""
        return winner["submission_id"]

    return remove


def _every_principle(key: str) -> Callable[[Tender], str]:
    def remove(tender: Tender) -> str:
        for bid in tender["bids"]:
            bid["result"]["principles"][0][key] = "" if key == "name" else None
        return _winner(tender)["submission_id"]

    return remove


def _criterion_points(tender: Tender) -> str:
    for bid in tender["bids"]:
        bid["result"]["findings"][0]["max_points"] = None
    return _winner(tender)["submission_id"]


def _explanation(tender: Tender) -> str:
    winner = _winner(tender)
    winner["result"]["findings"][3]["explanation"] = ""
    return winner["submission_id"]


def _subtotal(tender: Tender) -> str:
    winner = _winner(tender)
    winner["result"]["principles"][2]["points"] = None
    return winner["submission_id"]


def _own_identifier(tender: Tender) -> str:
    second = _second(tender)
    second["supplier"]["identifier"] = ""
    return second["submission_id"]


def _reason(tender: Tender) -> str:
    second = _second(tender)
    second["not_awardable_reason"] = ""
    return second["submission_id"]


# Each item of the checklist, and how to take its data away (the bid whose summary then lacks
# it). The date is the one item not in the tender: it is given as blank instead.
REMOVALS: dict[tuple[str, str], Callable[[Tender], str]] = {
    ("s.50", "the contracting authority"): _detail("contracting_authority"),
    ("s.50", "the procurement's title"): _detail("title"),
    ("s.50", "the procurement's identifier"): _detail("procurement_id"),
    ("s.50", "the date of the summary"): lambda tender: _winner(tender)["submission_id"],
    ("s.51", "the standstill the contract award notice starts"): _detail("standstill_ends"),
    ("reg 31(2)(a)", "the name of the most advantageous tender's supplier"): _of_winner("name"),
    (
        "reg 31(2)(b)",
        "a contact postal address and email address for that supplier",
    ): _of_winner("email"),
    ("reg 31(2)(c)", "the unique identifier for that supplier"): _of_winner("identifier"),
    ("reg 31(2)(d)(i)(aa)", "the title of each award criterion"): _every_principle("name"),
    ("reg 31(2)(d)(i)(bb)", "the relative importance of each criterion"): _every_principle(
        "weight"
    ),
    (
        "reg 31(2)(d)(i)(cc)",
        "how each criterion was assessed and the scores available for it",
    ): _criterion_points,
    (
        "reg 31(2)(d)(ii)",
        "where the award criteria and assessment methodology can be read in full",
    ): _detail("criteria_published_at"),
    (
        "reg 31(2)(e)(i)",
        "the score for each criterion and sub-criterion, explained by reference to the tender",
    ): _explanation,
    ("reg 31(2)(e)(ii)", "the total score and every sub-total"): _subtotal,
    (
        "reg 31(3)(a)",
        "the name, contact addresses and unique identifier of the supplier it is sent to",
    ): _own_identifier,
    (
        "reg 31(3)(c)",
        "why the contract is not awarded to the supplier, and any disqualification",
    ): _reason,
}


def test_every_item_of_the_checklist_has_a_test_that_removes_it() -> None:
    assert {(i.paragraph, i.says) for i in reg31.ITEMS} == set(REMOVALS)


def test_the_example_summaries_meet_every_item_in_every_form(tender: Tender) -> None:
    written = list(documents(tender, issued="2026-12-01"))  # checks Markdown and HTML
    assert len(written) == 3
    shown = (c for _, c in contexts(tender, "2026-12-01"))
    for context, document in zip(shown, written, strict=True):
        assert (
            reg31.missing(
                context, reg31.plain_markdown(document.text), reg31.plain_html(document.html)
            )
            == []
        )
        applying = reg31.applying(context)
        assert len(applying) == (14 if context["bid"]["rank"] == 1 else 16)
        for item in applying:  # the summary lists what it was checked against
            assert f"{item.paragraph}: {item.says}" in reg31.plain_markdown(document.text)


@pytest.mark.parametrize("item", reg31.ITEMS, ids=lambda i: f"{i.paragraph} {i.says}")
def test_a_summary_lacking_an_item_is_refused_naming_the_item_and_the_bid(
    tender: Tender, item: reg31.Item
) -> None:
    broken = copy.deepcopy(tender)
    bid = REMOVALS[item.paragraph, item.says](broken)
    issued = " " if item.says == "the date of the summary" else "2026-12-01"
    with pytest.raises(reg31.Incomplete) as caught:
        summaries(broken, issued=issued)
    refused = caught.value
    assert item in refused.missing
    assert f"{item.paragraph}: {item.says}" in str(refused)
    assert f"({bid})" in refused.bid


def test_the_command_line_writes_no_summary_while_one_is_incomplete(
    tender: Tender, tmp_path: Path
) -> None:
    broken = copy.deepcopy(tender)
    _of_winner("email")(broken)
    source = tmp_path / "tender.json"
    source.write_text(json.dumps(broken))
    for form in ("markdown", "html"):
        out = tmp_path / form
        run = probity("report", "summaries", str(source), "--out", str(out), "--format", form)
        assert run.returncode == 1
        assert "reg 31(2)(b): a contact postal address and email address" in run.stderr
        assert "Northfield Care Partnership (T-2026-014/bid-01)" in run.stderr
        assert not out.exists() or not any(out.iterdir())  # nothing issued
