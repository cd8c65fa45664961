"""A document's text in reading order, as (location, text) blocks: what `probity sources add`
fingerprints. The location is the page ("page 12") where the document has pages, else the
section heading the text stands under, else ""."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

Block = tuple[str, str]
READABLE = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
_PAGE = re.compile(r"^\s*page\s+(\w+)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


class UnreadableDocument(Exception):
    """The file is not a document we can read, said in a sentence."""


def read_document(path: Path) -> list[Block]:
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        kinds = ", ".join(READABLE)
        raise UnreadableDocument(f"{path.name}: cannot read {suffix or 'this'} files ({kinds})")
    try:
        blocks = list(_READERS[suffix](path))
    except UnreadableDocument:
        raise
    except Exception as exc:  # each library has its own errors; all mean the same here
        raise UnreadableDocument(f"{path.name}: cannot be read as {suffix[1:]}: {exc}") from None
    if not any(text.strip() for _, text in blocks):
        raise UnreadableDocument(f"{path.name}: no text found in it (a scanned image?)")
    return blocks


def _text(path: Path) -> Iterator[Block]:
    """Plain text or Markdown: "Page N" lines mark pages; Markdown headings, sections."""
    lines = path.read_text(encoding="utf-8").splitlines()
    paged = any(_PAGE.match(line) for line in lines)
    location = ""
    for line in lines:
        page = _PAGE.match(line)
        heading = _HEADING.match(line)
        if page:
            location = f"page {page.group(1)}"
            continue
        if heading and not paged:
            location = heading.group(1)
        yield location, line


def _html(path: Path) -> Iterator[Block]:
    from bs4 import BeautifulSoup  # imported here: only this command reads HTML

    soup = BeautifulSoup(path.read_bytes(), "html.parser")
    for hidden in soup(["script", "style", "nav", "header", "footer"]):
        hidden.decompose()
    location = ""
    for element in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "td", "blockquote"]):
        text = element.get_text(" ", strip=True)
        if element.name in ("h1", "h2", "h3", "h4"):
            location = text
        if element.find_parent(["p", "li", "td", "blockquote"]) is None:  # once per text
            yield location, text


def _pdf(path: Path) -> Iterator[Block]:
    from pypdf import PdfReader  # imported here: only this command reads PDF

    reader = PdfReader(path)
    labels = reader.page_labels  # the printed page numbers, where the PDF declares them
    for index, page in enumerate(reader.pages):
        label = labels[index] if index < len(labels) else str(index + 1)
        yield f"page {label}", page.extract_text() or ""


def _docx(path: Path) -> Iterator[Block]:
    from docx import Document  # imported here: only this command reads Word files

    location = ""
    for paragraph in Document(str(path)).paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style.startswith("Heading") or style == "Title":
            location = paragraph.text.strip()
        yield location, paragraph.text


_READERS = {
    ".txt": _text,
    ".md": _text,
    ".html": _html,
    ".htm": _html,
    ".pdf": _pdf,
    ".docx": _docx,
}
