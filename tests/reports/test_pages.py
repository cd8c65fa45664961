"""The tender evaluation report (issue 21, item 1), as HTML and as PDF, from the shipped
example tender evaluated over gRPC: the ranking, every bidder and the chart are there, PDF
pages render to images that are not blank, and text a bidder supplied stays text."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from PIL import Image
from pypdf import PdfReader

from probity.reports.pages import tender_html
from tests.clients.test_cli import probity
from tests.conftest import EXAMPLE_BIDS, EXAMPLE_DETAILS, EXAMPLE_PANEL, ROOT
from tests.panel_flow import run_panel, signed_in, token_file
from tests.server.conftest import running, settings_for

HOSTILE = '<script>alert(1)</script> "quoted" & <b>bold</b> $x$'


def _tender(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def test_the_html_report_states_the_basis_ranks_and_shows_every_bid(
    example_tender: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    run = probity("report", "tender", str(example_tender), "--out", str(out))
    assert run.returncode == 0, run.stderr
    page = BeautifulSoup(out.read_text(), "html.parser")
    tender = _tender(example_tender)
    assert page.title is not None and page.title.text == "Tender evaluation report: T-2026-014"
    assert page.html is not None and page.html.get("lang") == "en"
    basis = page.find(id="basis")
    assert basis is not None and "60% of the combined score" in basis.parent.text  # type: ignore[union-attr]
    assert "stated no minimum scores" in basis.parent.text  # type: ignore[union-attr]
    assert "From the decision log" not in page.text  # a file's report names no call
    ranking = page.find("caption", string=lambda s: bool(s and s.startswith("Bids in order")))
    assert ranking is not None
    rows = ranking.find_parent("table").find("tbody").find_all("tr")  # type: ignore[union-attr]
    ids = [b["submission_id"] for b in tender["bids"]]
    assert [r.find_all("td")[1].find("span").text for r in rows] == ids
    assert [r.find_all("td")[0].text for r in rows] == ["1", "not ranked", "not ranked"]
    svg = page.find("svg")
    assert svg is not None and svg.get("role") == "img" and svg.get("aria-label")
    legend = " ".join(t.text for t in svg.find_all("text"))
    for bid in tender["bids"]:
        assert bid["supplier_name"] in legend  # every bid in the chart
        section = page.find("h2", string=lambda s, b=bid: bool(s and b["submission_id"] in s))
        assert section is not None
        findings = section.find_next("table").find("tbody").find_all("tr")  # type: ignore[union-attr]
        assert len(findings) == len(bid["result"]["findings"])
        for row, finding in zip(findings, bid["result"]["findings"], strict=True):
            note = row.find("a", class_="note")  # each finding cites its sentence of policy
            cited = page.find(id=note["href"].removeprefix("#"))  # type: ignore[index]
            assert finding["source"]["quote"] in cited.text  # type: ignore[union-attr]
    assert "Declare every interest and relationship" in page.text  # the remedy, where due
    assert "page 107" in page.text  # the page as printed in the source


def test_the_pdf_report_renders_to_pages_that_are_not_blank(
    example_tender: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.pdf"
    run = probity("report", "tender", str(example_tender), "--out", str(out))
    assert run.returncode == 0, run.stderr
    reader = PdfReader(out)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Tender evaluation report: T-2026-014" in text
    for bid in _tender(example_tender)["bids"]:
        assert bid["supplier_name"] in text
    assert len(reader.pages) >= 1 + 3  # the summary, then a page or more per bid
    rendered = subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "4", str(out), str(tmp_path / "page")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rendered.returncode == 0, rendered.stderr
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == 4
    for image in images:
        grey = Image.open(image).convert("L")
        dark = sum(grey.histogram()[:200])  # pixels darker than the paper
        assert dark > grey.width * grey.height // 100, image.name  # ink on 1% of the page


def test_bidder_supplied_text_stays_text_in_the_report(example_tender: Path) -> None:
    tender = _tender(example_tender)
    for bid in tender["bids"]:
        bid["supplier_name"] = bid["supplier_id"] = bid["submission_id"] = HOSTILE
        for finding in bid["result"]["findings"]:  # and every answer the bidder wrote
            for evidence in finding["evidence"]:
                if isinstance(evidence["value"], str):
                    evidence["value"] = evidence["shown"] = HOSTILE  # as the result shows it
    page = BeautifulSoup(tender_html(tender), "html.parser")
    assert page.find("script") is None and page.find("b") is None
    assert HOSTILE in page.text  # shown as written
    evidence = [td.text for td in page.select("section.bid tbody td:nth-of-type(4)")]
    assert any(HOSTILE in cell for cell in evidence)  # a text answer, shown as written too
    svg = page.find("svg")
    assert svg is not None and HOSTILE in " ".join(t.text for t in svg.find_all("text"))


def test_the_contract_monitoring_report(tmp_path: Path) -> None:
    """Issue 21, item 3: per contract, the rating per period as a timeline chart, each
    breach with its periods, values and action, and missing returns; and the portfolio."""
    examples = sorted((ROOT / "rules/examples/ethical-standards-monitoring").glob("*.json"))
    checked = probity(
        "monitor", "--rules", "rules/ethical-standards-monitoring.yaml", *map(str, examples)
    )
    assert checked.returncode == 0, checked.stderr
    results = tmp_path / "contracts.jsonl"
    results.write_text(checked.stdout)
    contracts = [json.loads(line) for line in checked.stdout.splitlines()]
    out = tmp_path / "contracts.html"
    run = probity("report", "contracts", str(results), "--out", str(out))
    assert run.returncode == 0, run.stderr
    page = BeautifulSoup(out.read_text(), "html.parser")
    summary = page.find(id="portfolio").find_next("table").find("tbody")  # type: ignore[union-attr]
    assert [r.find("td").text for r in summary.find_all("tr")] == [  # type: ignore[union-attr]
        c["contract_id"] for c in contracts
    ]
    assert len(page.select("figure svg[role=img]")) == len(contracts)  # a timeline each
    for contract in contracts:
        heading = page.find("h2", string=lambda s, c=contract: bool(s and c["contract_id"] in s))
        assert heading is not None
        section = heading.parent
        breached = [f for f in contract["findings"] if f["outcome"] == "not_met"]
        caption = section.find("caption", string=lambda s: bool(s and s.startswith("Breaches")))  # type: ignore[union-attr]
        if breached:
            rows = caption.parent.find("tbody").find_all("tr")  # type: ignore[union-attr]
            assert [r.find("td").text for r in rows] == [f["title"] for f in breached]
            assert all(f["action"] in section.text for f in breached)  # type: ignore[union-attr]
        else:
            assert caption is None and "No breach was found." in section.text  # type: ignore[union-attr]
    assert "(target 85)" in page.text  # a target beside what was returned
    pdf = tmp_path / "contracts.pdf"
    assert probity("report", "contracts", str(results), "--out", str(pdf)).returncode == 0
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert all(c["contract_id"] in text for c in contracts)


def test_reports_and_summaries_from_the_decision_log_name_the_calls_behind_them(
    tmp_path: Path,
) -> None:
    """`--server … --tender T`: the report of a tender evaluated over gRPC, read back from
    the log, names the call and each bid's evaluation; the summaries written from the log
    are the ones the service sends (GetAssessmentSummaries)."""
    with running(settings_for(tmp_path, tokens=token_file(tmp_path))) as server:
        at = ("--server", f"127.0.0.1:{server.port}", "--token", "prb_portal")
        run = probity(
            "tender", *at, "--ruleset", "nolan-tender", "--format", "json",
            "--details", EXAMPLE_DETAILS, EXAMPLE_BIDS,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        tender = json.loads(run.stdout)
        run_panel(server.port, "T-2026-014", {b: {"SEL-02": s} for b, s in EXAMPLE_PANEL.items()})
        at = ("--server", f"127.0.0.1:{server.port}", "--token", "prb_lead")
        out = tmp_path / "report.html"
        run = probity("report", "tender", *at, "--tender", "T-2026-014", "--out", str(out))
        assert run.returncode == 0, run.stderr
        with signed_in(server.port, "lead") as client:
            recorded = client.get_tender("T-2026-014")
            sent = client.assessment_summaries("T-2026-014")
        folder = tmp_path / "summaries"
        run = probity("report", "summaries", *at, "--tender", "T-2026-014", "--out", str(folder))
        assert run.returncode == 0, run.stderr
    page = BeautifulSoup(out.read_text(), "html.parser")
    assert f"evaluated in call {recorded.request_id}" in page.text
    for bid, logged in zip(tender["bids"], recorded.bids, strict=True):
        section = page.find("h2", string=lambda s, b=bid: bool(s and b["submission_id"] in s))
        said = section.find_next("p").text  # type: ignore[union-attr]
        assert f"Evaluation {logged.seq} in the decision log" in said
        assert f"item {logged.item}" in said
    rows = page.find("tbody").find_all("tr")  # type: ignore[union-attr]
    ids = [b["submission_id"] for b in tender["bids"]]
    assert [r.find_all("td")[1].find("span").text for r in rows] == ids
    written = sorted(folder.glob("*.md"))
    assert sorted(p.read_text() for p in written) == sorted(s.text for s in sent.summaries)
    assert len(written) == len(sent.summaries) == 3


def test_a_report_needs_a_file_or_a_tender(tmp_path: Path) -> None:
    run = probity("report", "tender", "--out", str(tmp_path / "x.html"))
    assert run.returncode == 2
    assert "name a tender result file, or --tender ID" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_report_shows_answers_by_their_labels_and_the_authoritys_choices(
    example_tender: Path,
) -> None:
    page = BeautifulSoup(tender_html(_tender(example_tender)), "html.parser").text
    assert "co-designed with service users" in page and "co_designed" not in page
    assert (
        "Personalised services: the authority's own choice, not the source's: The shares of "
        "60% and 90%" in page
    )
