"""Assessment summaries (issue 21, item 2, in Markdown): one per bidder of a tender evaluated
over gRPC, pinned as golden text; bidder-supplied text can never become markup.

Regenerate the pinned files after a rule-file change with PROBITY_REGENERATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from probity.reports.summaries import _markdown, summaries
from tests.clients.test_cli import probity

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "summaries"


def test_each_bidder_gets_its_summary_as_pinned(example_tender: Path, tmp_path: Path) -> None:
    run = probity(
        "report", "summaries", str(example_tender), "--out", str(tmp_path), "--date", "2026-12-01"
    )
    assert run.returncode == 0, run.stderr
    written = sorted(tmp_path.glob("*.md"))
    assert [p.name for p in written] == ["SUP-1001.md", "SUP-1002.md", "SUP-1003.md"]
    if os.environ.get("PROBITY_REGENERATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        for path in written:
            (GOLDEN / path.name).write_text(path.read_text())
    for path in written:
        assert path.read_text() == (GOLDEN / path.name).read_text(), path.name


def test_a_summary_says_what_the_act_asks_and_no_field_paths(example_tender: Path) -> None:
    """Scores and reasons per criterion; for an unsuccessful bidder, the most advantageous
    tender's assessment beside its own; for a rejected one, why. Written for the supplier:
    no dotted field paths, no expressions, no enum names."""
    texts = {s.name: s.text for s in summaries(json.loads(example_tender.read_text()))}
    winner, second, rejected = texts["SUP-1001.md"], texts["SUP-1002.md"], texts["SUP-1003.md"]
    assert "it is the most advantageous tender" in winner
    assert "Most advantageous tender" not in winner  # no column comparing it with itself
    assert (
        "Your tender ranked 1 of 1 ranked tender (1 was rejected; 1 was in a band that may not "
        "be awarded)" in winner.replace("\n", " ")
    )  # issue 33: not "ranked 2 of 2" when three were assessed
    assert "Your tender is not ranked. In the band Non-compliant" in second  # 0 of 100 points
    assert "| Most advantageous tender |" in second
    assert "| Combined score | — | 100.00 |" in second  # no combined score: not ranked
    assert second.count("The most advantageous tender:") == 46  # every criterion
    assert "Your tender was rejected and not ranked:" in rejected
    assert "A pass/fail requirement: not met." in rejected
    for text in texts.values():
        assert "Quality counts for 60% of the combined score and price\nfor 40%" in text
        prose = re.sub(r"\S+@\S+|https?://\S+", "", text.replace("e.g.", ""))  # not emails, urls
        assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", prose)  # no paths
        assert not re.search(r"[<>]=|==|!=|\bOUTCOME_|\bnot_met\b|\bpartly_met\b", text)


def test_each_explanation_states_the_bidders_answer_and_what_was_asked(
    example_tender: Path,
) -> None:
    """Issue 33, item 7: the reason for each score refers to the tender (reg 31(2)(e)(i)):
    the bidder's own answer and what the criterion asked for, and for a compound criterion
    which part fell short ("No conflicts register is kept, or it has not been reviewed"
    named neither)."""
    tender = json.loads(example_tender.read_text())
    texts = {s.name: " ".join(s.text.split()) for s in summaries(tender)}
    for bid in tender["bids"]:
        text = texts[f"{bid['supplier_id']}.md"]
        for finding in bid["result"]["findings"]:
            if finding["scored_by"] == "panel":  # the panel read it: named, not repeated
                label = finding["evidence"][0]["label"]
                assert f"the evaluation panel, which read your tender's answer to “{label}”" in text
                continue
            for evidence in finding["evidence"]:
                said = evidence["shown"] or "not given"
                assert f"“{_markdown(evidence['label'])}”: {_markdown(said)}" in text, (
                    bid["supplier_id"],
                    finding["criterion"],
                )
    weak = texts["SUP-1002.md"]
    assert (
        "Your tender answered “Register of conflicts of interest kept”: no (asked for: yes for 4 "
        "points; yes for 2 points); “Months since the conflicts register was reviewed”: not given"
        in weak
    )
    assert "The part not met: “Register of conflicts of interest kept”." in weak
    assert (  # of two answers, only the one the next score reads
        "“Complaint data shared with the commissioner”: no (asked for: yes for 4 points). "
        "The part not met: “Complaints recorded and analysed”." in weak
    )


HOSTILE = "<script>alert(1)</script> | *bold* _x_ [link](javascript:alert(1)) `code` # h"


def test_bidder_supplied_text_never_becomes_markup(example_tender: Path) -> None:
    record: dict[str, Any] = json.loads(example_tender.read_text())
    for bid in record["bids"]:
        bid["supplier_name"] = bid["supplier_id"] = bid["submission_id"] = HOSTILE
        bid["result"]["submission_id"] = HOSTILE
        fields = ("name", "postal_address", "email", "identifier")
        bid["supplier"] = dict.fromkeys(fields, HOSTILE)
    for summary in summaries(record):
        text = summary.text
        assert "<script>" not in text and "\\<script\\>" in text
        for match in re.finditer(r"[<>`\[\]*]", text):  # the template writes none of these
            assert text[match.start() - 1] == "\\", text[match.start() - 20 : match.end()]
        tables = re.findall(r"(?:^\|.*\n)+", text, flags=re.MULTILINE)
        # the supplier, the criteria, the scores, sub-totals; the winner's but in its own
        assert len(tables) == (4 if "it is the most advantageous tender" in text else 5)
        for table in tables:  # every row as many cells as its header
            cells = {len(re.findall(r"(?<!\\)\|", row)) for row in table.splitlines()}
            assert len(cells) == 1, table
        assert summary.name.endswith(".md") and "/" not in summary.name and "<" not in summary.name


@given(st.text())
def test_escaped_text_reads_back_as_it_was_and_starts_no_markup(text: str) -> None:
    escaped = _markdown(text)
    assert re.sub(r"\\(.)", r"\1", escaped, flags=re.DOTALL) == text
    for match in re.finditer(r"[`*\[\]{}<>|#!~]", escaped):
        assert escaped[match.start() - 1] == "\\"


def test_summaries_as_html_and_pdf_for_the_supplier(example_tender: Path, tmp_path: Path) -> None:
    """The same summaries as HTML (a row per criterion, the most advantageous tender's
    assessment in its own column, a chart of both) and as PDF pages that are not blank."""
    html = probity(
        "report", "summaries", str(example_tender), "--out", str(tmp_path), "--format", "html"
    )
    assert html.returncode == 0, html.stderr
    page = BeautifulSoup((tmp_path / "SUP-1002.html").read_text(), "html.parser")
    assert (
        page.title is not None
        and page.title.text == "Assessment summary: Quickserve Outsourcing Ltd"
    )
    table = page.find("h2", id="criteria").find_next("table")  # type: ignore[union-attr]
    header = [th.text for th in table.find("thead").find_all("th")]  # type: ignore[union-attr]
    assert header == ["Criterion", "Your tender", "Most advantageous tender"]
    assert len(table.find("tbody").find_all("tr")) == 46  # type: ignore[union-attr]
    svg = page.find("svg")
    assert svg is not None and svg.get("role") == "img"
    winner = BeautifulSoup((tmp_path / "SUP-1001.html").read_text(), "html.parser")
    assert "Most advantageous tender" not in winner.text.replace("most advantageous tender:", "")
    pdf = probity(
        "report", "summaries", str(example_tender), "--out", str(tmp_path), "--format", "pdf"
    )
    assert pdf.returncode == 0, pdf.stderr
    for name in ("SUP-1001", "SUP-1002", "SUP-1003"):
        text = " ".join(p.extract_text() for p in PdfReader(tmp_path / f"{name}.pdf").pages)
        assert "Assessment summary:" in text and "criterion by criterion" in text
    rendered = subprocess.run(
        [
            "pdftoppm",
            "-r",
            "30",
            "-png",
            "-l",
            "1",
            str(tmp_path / "SUP-1003.pdf"),
            str(tmp_path / "p"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rendered.returncode == 0, rendered.stderr
    [image] = tmp_path.glob("p-*.png")
    grey = Image.open(image).convert("L")
    assert sum(grey.histogram()[:200]) > grey.width * grey.height // 100
