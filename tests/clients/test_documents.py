"""`probity sources add` reads plain text, Markdown, HTML, PDF and Word, with pages or
sections, and the CLI registers, lists and checks quotes against what it read."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from docx import Document

from probity.clients.documents import UnreadableDocument, read_document
from tests.conftest import ROOT

SENTENCE = "Holders of public office must declare and resolve any interests and relationships."
PROBITY = str(ROOT / ".venv" / "bin" / "probity")


def _pdf(path: Path, pages: list[str], first_label: int) -> None:
    """A small PDF with one line of text per page and printed page numbers from
    `first_label` (a /PageLabels entry), written object by object with a correct xref."""
    count = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(count))
    font = 3 + 2 * count
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R /PageLabels << /Nums [0 << /S /D /St {first_label} >>]"
        " >> >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>",
    ]
    for index, text in enumerate(pages):
        stream = f"BT /F1 10 Tf 40 700 Td ({text}) Tj ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * index} 0 R"
            f" /Resources << /Font << /F1 {font} 0 R >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))


def _joined(blocks: list[tuple[str, str]]) -> str:
    return " ".join(" ".join(text.split()) for _, text in blocks)


def test_plain_text_pages_come_from_page_lines(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(f"Page 12\n\nIntroduction.\nPage 13\n{SENTENCE}\n")
    blocks = read_document(path)
    assert ("page 13", SENTENCE) in blocks and ("page 12", "Introduction.") in blocks


def test_markdown_headings_are_sections(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(f"# Integrity\n\n{SENTENCE}\n\n## Openness\n\nBe open.\n")
    blocks = read_document(path)
    assert ("Integrity", SENTENCE) in blocks and ("Openness", "Be open.") in blocks


def test_html_headings_are_sections_and_scripts_are_not_text(tmp_path: Path) -> None:
    path = tmp_path / "doc.html"
    path.write_text(
        "<html><script>var x = 'secret';</script><body><h2>Integrity</h2>"
        f"<p>{SENTENCE[:30]}<b>{SENTENCE[30:]}</b></p><ul><li>A point.</li></ul></body></html>"
    )
    blocks = read_document(path)
    assert ("Integrity", SENTENCE) in blocks and ("Integrity", "A point.") in blocks
    assert "secret" not in _joined(blocks)


def test_word_headings_are_sections(tmp_path: Path) -> None:
    document = Document()
    document.add_heading("Integrity", level=1)
    document.add_paragraph(SENTENCE)
    path = tmp_path / "doc.docx"
    document.save(str(path))
    assert ("Integrity", SENTENCE) in read_document(path)


def test_pdf_pages_carry_their_printed_numbers(tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    _pdf(path, ["The first page.", SENTENCE], first_label=107)
    blocks = read_document(path)
    assert [location for location, _ in blocks] == ["page 107", "page 108"]
    assert " ".join(blocks[1][1].split()) == SENTENCE


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("doc.rtf", b"{\\rtf1 text}", "cannot read .rtf files"),
        ("doc.pdf", b"not a pdf at all", "cannot be read as pdf"),
        ("doc.docx", b"not a zip", "cannot be read as docx"),
        ("doc.txt", b"\n\n", "no text found"),
    ],
)
def test_unreadable_documents_are_said_in_a_sentence(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableDocument, match=says):
        read_document(path)


def _probity(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PROBITY, *args], capture_output=True, text=True, timeout=60)


def test_the_cli_registers_lists_and_checks_quotes(tmp_path: Path) -> None:
    path = tmp_path / "code.pdf"
    _pdf(path, ["Foreword by the chair.", SENTENCE], first_label=3)
    library = str(tmp_path / "sources")
    added = _probity(
        "sources", "add", str(path), "--id", "code-of-conduct", "--title", "Code of conduct",
        "--author", "Anytown Council", "--year", "2024", "--library", library,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "registered code-of-conduct" in added.stdout
    listed = _probity("sources", "list", "--library", library)
    assert listed.stdout == "code-of-conduct\tAnytown Council, ‘Code of conduct’ (2024)\n"
    found = _probity("sources", "quote", "code-of-conduct", SENTENCE, "--library", library)
    assert (found.returncode, found.stdout.strip().endswith(", page 4")) == (0, True)
    changed = SENTENCE.replace("declare", "conceal")
    missing = _probity("sources", "quote", "code-of-conduct", changed, "--library", library)
    assert (
        missing.returncode == 1 and "not “…holders of public office must conceal”" in missing.stdout
    )
    again = _probity(
        "sources", "add", str(path), "--id", "code-of-conduct", "--title", "T", "--library", library
    )
    assert again.returncode == 1 and "already registered" in again.stderr
    bad_id = _probity(
        "sources", "add", str(path), "--id", "Bad Id", "--title", "T", "--library", library
    )
    assert bad_id.returncode == 2 and "--id" in bad_id.stderr
