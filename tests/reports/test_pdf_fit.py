"""The PDF documents fit the page (issue 33, item 6): every character and every table rule
lies inside the page's printable area, no word is broken between letters (a break is only
ever at a space, after a hyphen or after a slash), the example tender's report is at most 15
pages, and each page prints its number. Read from the PDF's own character positions
(pdfplumber), against the words of the HTML the PDF was made from."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber

from probity.reports.pages import write_html
from tests.clients.test_cli import probity

MM = 72 / 25.4
SIDE_MARGIN = 14 * MM  # style.html.j2's @page margin, left and right
SLACK = 1.0  # points: a glyph's side bearing
# What a word may carry around it: punctuation that is not part of the word itself.
_EDGES = "\"'‘’“”()[],.;:!?—–…•"
# Where a line may break inside a token: after a hyphen or a slash (an address's <wbr>).
_BREAKS = re.compile(r"(?<=[-/])")


class _Text(HTMLParser):
    """Every piece of text of an HTML document, charts' SVG text included, styles not."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag == "style"
        if tag != "wbr":  # a place a line may break, inside a word
            self.pieces.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag == "style"
        self.pieces.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.pieces.append(data)


def _core(token: str) -> str:
    return token.strip(_EDGES)


def allowed_words(html: str) -> set[str]:
    """Each word of the document, and each run of it a line may end or start with where it
    may break (after a hyphen or slash): what the PDF may show as one word."""
    parser = _Text()
    parser.feed(html)
    allowed = {"Page", "of"}  # the page numbers the page's margin prints
    for token in "".join(parser.pieces).split():
        core = _core(token)
        pieces = [p for p in _BREAKS.split(core) if p]
        for start in range(len(pieces)):
            for end in range(start + 1, len(pieces) + 1):
                allowed.add(_core("".join(pieces[start:end])))
    return allowed


def misfits(pdf: Path, html: str) -> list[str]:
    """What does not fit: text or a table rule outside the printable area, and words broken
    between letters, each with its page."""
    allowed = allowed_words(html)
    found = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, 1):
            left, right = SIDE_MARGIN - SLACK, page.width - SIDE_MARGIN + SLACK
            for char in page.chars:
                if char["x0"] < left or char["x1"] > right or char["top"] < 0:
                    found.append(f"page {number}: {char['text']!r} at x {char['x0']:.0f}")
                if char["bottom"] > page.height:
                    found.append(f"page {number}: {char['text']!r} below the page")
            for edge in page.rects + page.lines:
                if edge["x0"] < left - SLACK or edge["x1"] > right + SLACK:
                    found.append(
                        f"page {number}: a rule from x {edge['x0']:.0f} to {edge['x1']:.0f}"
                    )
            # Rotated text (a chart's axis labels) is read letter by letter: only upright
            # text is read as words.
            upright = page.filter(lambda o: o.get("object_type") != "char" or o.get("upright"))
            for word in upright.extract_words(x_tolerance=1.5):
                core = _core(word["text"])
                if core and core not in allowed and not core.isdigit():
                    found.append(f"page {number}: {word['text']!r} is not a word of the document")
    return found


def _pages_numbered(pdf: Path) -> None:
    with pdfplumber.open(pdf) as document:
        total = len(document.pages)
        for number, page in enumerate(document.pages, 1):
            assert f"Page {number} of {total}" in (page.extract_text() or ""), number


def test_a_word_broken_between_letters_is_found() -> None:
    """The checker itself: a PDF word that is a piece of a document's word is caught, one
    broken after a hyphen or slash is not."""
    allowed = allowed_words("<p>Combined score for T-2026-014/bid-03 (not ranked)</p>")
    assert "Combine" not in allowed and "d" not in allowed and "ranke" not in allowed
    assert {"Combined", "T-2026-014/", "bid-03", "ranked", "T-", "2026-014/bid-03"} <= allowed


def test_the_example_tender_report_fits_its_pages(example_tender: Path, tmp_path: Path) -> None:
    pdf, html = tmp_path / "report.pdf", tmp_path / "report.html"
    for out in (pdf, html):
        run = probity("report", "tender", str(example_tender), "--out", str(out))
        assert run.returncode == 0, run.stderr
    assert misfits(pdf, html.read_text()) == []
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) <= 15
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    # Each publication is cited once, in the sources, not under every finding.
    assert text.count("Committee on Standards in Public Life, ‘Ethical") == 1
    _pages_numbered(pdf)


def test_text_off_the_page_and_a_word_broken_between_letters_are_found(tmp_path: Path) -> None:
    """The checker on a real PDF: a table wider than the page, and a word forced to break
    between its letters, are both reported."""
    style = "<style>@page { size: A4; margin: 16mm 14mm; } td { overflow-wrap: anywhere; }</style>"
    html = (
        f"<html><head>{style}</head><body><table style='width: 260mm; border: 1px solid'>"
        "<tr><td style='text-align: right'>Cost compared"
        "</td></tr></table><table style='width: 12mm'><tr><td>Combined</td></tr></table>"
        "</body></html>"
    )
    pdf = write_html(html, tmp_path / "wide.pdf")
    found = misfits(pdf, html)
    assert any(" at x " in f or "a rule from" in f for f in found), found
    assert any("is not a word of the document" in f for f in found), found


def test_every_assessment_summary_fits_its_pages(example_tender: Path, tmp_path: Path) -> None:
    form = "pdf"
    for kind in ("html", form):
        run = probity(
            "report", "summaries", str(example_tender), "--format", kind,
            "--out", str(tmp_path / kind), "--date", "2026-12-06",
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
    pdfs = sorted((tmp_path / form).glob("*.pdf"))
    assert len(pdfs) == 3
    for pdf in pdfs:
        html = (tmp_path / "html" / f"{pdf.stem}.html").read_text()
        assert misfits(pdf, html) == [], pdf.name
        _pages_numbered(pdf)
