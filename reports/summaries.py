"""Assessment summaries: for each bidder in a tender, how its tender was assessed against the
award criteria, its scores and the reasons, and, where it is not the most advantageous
tender, how that one was assessed against the same criteria (Procurement Act 2023, s.50).

They are written for the supplier, from a tender's result in the command line's JSON
(`probity tender --format json`). The text is Markdown, readable as plain text. Every value
a template prints passes through `_markdown`, so text a bidder supplied (a name, an id) can
never become markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from probity.reports.wording import cost_basis, figure, number

# Characters that would start Markdown (or HTML, which Markdown passes through) in text; an
# underscore only where it could open or close emphasis (CommonMark leaves one inside a word,
# as in co_designed, alone, so plain-text readers are not shown a backslash there).
_SPECIAL = re.compile(r"([\\`*\[\]{}<>|#!~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def _markdown(value: Any) -> str:
    """A printed value as literal Markdown text."""
    return _SPECIAL.sub(r"\\\1", str(value))


_ENVIRONMENT = Environment(
    loader=PackageLoader("probity.reports", "templates"),
    autoescape=False,  # Markdown, escaped by `finalize` instead
    finalize=_markdown,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True, slots=True)
class Summary:
    """One bidder's assessment summary: the file name to write it to, and its text."""

    name: str
    text: str


def _criteria(bid: dict[str, Any], best: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Per criterion, this bid's finding and the most advantageous tender's beside it."""
    theirs = {f["criterion"]: f for f in best["result"]["findings"]} if best else {}
    return [
        {"mine": finding, "theirs": theirs.get(finding["criterion"])}
        for finding in bid["result"]["findings"]
    ]


def _principles(bid: dict[str, Any]) -> dict[str, str]:
    return {p["principle"]: p["name"] for p in bid["result"]["principles"]}


def contexts(tender: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """For every bid, in the tender's order: a file name stem, and what its summary says
    (the Markdown and HTML templates read the same)."""
    bids = tender.get("bids", [])
    best = next((b for b in bids if b.get("rank") == 1), None)
    out = []
    for bid in bids:
        other = None if best is None or best is bid else best
        context = {
            "tender": tender,
            "bid": bid,
            "best": other,
            "ranked": sum(1 for b in bids if b.get("rank")),
            "criteria": _criteria(bid, other),
            "principles": _principles(bid),
            "basis": cost_basis(tender),
            "figure": figure,
            "number": number,
        }
        out.append((_file_stem(bid), context))
    return out


def summaries(tender: dict[str, Any]) -> list[Summary]:
    """An assessment summary for every bid of a tender, in Markdown, in the tender's order."""
    template = _ENVIRONMENT.get_template("summary.md.j2")
    return [Summary(f"{stem}.md", template.render(**context)) for stem, context in contexts(tender)]


@dataclass(frozen=True, slots=True)
class Documents:
    """One bidder's assessment summary in both forms a portal sends: Markdown and HTML."""

    bid: dict[str, Any]
    text: str
    html: str


def documents(tender: dict[str, Any], wanted: set[str] | None = None) -> Iterator[Documents]:
    """The summaries of the bids in `wanted` (submission ids; every bid when None), as text
    and as HTML, in the tender's order, each written as it is asked for."""
    from probity.reports import pages  # imported here: charts and PDF are large

    template = _ENVIRONMENT.get_template("summary.md.j2")
    for _stem, context in contexts(tender):
        if wanted is None or context["bid"]["submission_id"] in wanted:
            yield Documents(context["bid"], template.render(**context), pages.summary_html(context))


def _file_stem(bid: dict[str, Any]) -> str:
    """A file name from the supplier's id (else the bid's), safe on any file system."""
    stem = bid.get("supplier_id") or bid["submission_id"]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "bid"


def write(tender: dict[str, Any], folder: Path, form: str = "markdown") -> list[Path]:
    """Every bidder's summary written into `folder` as Markdown, HTML or PDF; the paths, in
    the tender's order."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if form == "markdown":
        for summary in summaries(tender):
            path = folder / summary.name
            path.write_text(summary.text, encoding="utf-8")
            written.append(path)
        return written
    from probity.reports import pages as reports  # imported here: charts and PDF are large

    for stem, context in contexts(tender):
        path = folder / f"{stem}.{'pdf' if form == 'pdf' else 'html'}"
        written.append(reports.write_html(reports.summary_html(context), path))
    return written
