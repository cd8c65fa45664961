"""The tender evaluation report: one self-contained, printable HTML file (or PDF made from
the same HTML by WeasyPrint) from a tender's result in the command line's JSON (`probity
tender --format json`): the basis of the evaluation stated up front, the ranking with a
chart of quality and price, each principle as a percentage for every bid (charts with their
text equivalents), each bid's findings with points, descriptor, reason and the bid's answers,
and the criteria with their sources, cited once. Jinja2 escapes every value (autoescape), so
text a bidder supplied is only ever text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from probity.engine import answer
from probity.reports import charts
from probity.reports.wording import cost_basis, figure, number, percent

_ENVIRONMENT = Environment(
    loader=PackageLoader("probity.reports", "templates"),
    autoescape=select_autoescape(["html.j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _breakable(text: str) -> Markup:
    """An address that may wrap after each "/" (and nowhere inside a word): escaped text
    with a line-break opportunity after every slash."""
    return Markup(str(escape(text)).replace("/", "/<wbr>"))


_ENVIRONMENT.filters["breakable"] = _breakable


def _answer(value: Any, given: bool, shown: str = "") -> str:
    """An answer as a person reads it, as explanations write it ("yes", "not given"): as
    the result shows it (allowed values by their labels), else from the value."""
    return shown if given and shown else answer(value if given else None)


def tender_html(tender: dict[str, Any]) -> str:
    """The report as one HTML document (styles and charts inline)."""
    bids = tender.get("bids", [])
    gates = [f for f in bids[0]["result"]["findings"] if f["gate"]] if bids else []
    title = f"Tender evaluation report: {tender.get('tender_id', '')}"
    notes, criterion_notes, publications = sources(bids)
    return _ENVIRONMENT.get_template("tender_report.html.j2").render(
        title=title,
        tender=tender,
        bids=bids,
        gates=gates,
        chart=charts.principle_scores(
            tender, f"Each principle as a percentage of its points, {title}", "principles-table"
        ),
        ranking_chart=charts.quality_and_price(
            tender, f"Quality and price scores of every bid, {title}", "ranking-table"
        ),
        principle_names=[p["name"] for p in bids[0]["result"]["principles"]] if bids else [],
        percentages=charts.principle_percentages(bids),
        notes=notes,
        criterion_notes=criterion_notes,
        publications=publications,
        scale=scale(bids),
        short=short,
        basis=cost_basis(tender),
        answer=_answer,
        figure=figure,
        number=number,
        percent=percent,
        panel=tender.get("panel"),
        annex=panel_annex(tender.get("panel")),
    )


def panel_annex(panel: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The audit annex's table of the panel's scores: per bid and criterion it scored, each
    evaluator's score and reasons, then the consensus and its reasons (a tender's report
    is the authority's record; a bidder's summary never shows these)."""
    if not panel:
        return []
    records = panel.get("records", [])
    rows = []
    for bid in panel.get("bids", []):
        for criterion in panel.get("criteria", []):
            key = (bid["submission_id"], criterion["criterion"])
            scored = [r for r in records if r["kind"] == "scored" and _about(r) == key]
            moderated = [r for r in records if r["kind"] == "moderated" and _about(r) == key]
            if scored or moderated:
                rows.append(
                    {
                        "bid": bid["submission_id"],
                        "criterion": criterion["criterion"],
                        "title": criterion["title"],
                        "scores": scored,
                        "consensus": moderated[0] if moderated else None,
                    }
                )
    return rows


def _about(record: dict[str, Any]) -> tuple[str, str]:
    return record.get("submission_id", ""), record.get("criterion", "")


@dataclass
class Note:
    """One sentence of policy the report cites, numbered, with where it is published and
    the authority's own choices made on it, by criterion."""

    number: int
    quote: str
    publication: int | None  # the number of its publication in the report's list
    document: str  # the source library's id, for a citation not in the library
    section: str
    criteria: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)  # (criterion, choice)


def sources(
    bids: list[dict[str, Any]],
) -> tuple[list[Note], dict[str, int], list[dict[str, str]]]:
    """Each sentence of policy the bids' findings cite, numbered once; the note of each
    criterion; and the publications, numbered once (a report that printed the citation under
    every finding of every bid ran to 46 pages for three bids)."""
    notes: dict[tuple[str, str, str], Note] = {}
    of_criterion: dict[str, int] = {}
    publications: dict[tuple[str, str], dict[str, str]] = {}
    for bid in bids:
        for finding in bid["result"]["findings"]:
            if finding["criterion"] in of_criterion:
                continue
            source = finding.get("source") or {}
            published = (source.get("citation") or "", source.get("url") or "")
            if published[0] and published not in publications:
                number = str(len(publications) + 1)
                publications[published] = {
                    "number": number,
                    "citation": published[0],
                    "url": published[1],
                }
            key = (source.get("quote", ""), published[0], source.get("section", ""))
            note = notes.get(key)
            if note is None:
                note = notes[key] = Note(
                    len(notes) + 1,
                    key[0],
                    int(publications[published]["number"]) if published[0] else None,
                    source.get("document", ""),
                    key[2],
                )
            note.criteria.append(finding["title"])
            if source.get("choice"):
                note.choices.append((finding["title"], source["choice"]))
            of_criterion[finding["criterion"]] = note.number
    return list(notes.values()), of_criterion, list(publications.values())


def scale(bids: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """The scale's descriptors the findings use, highest score first: stated once, so a
    finding names only its descriptor's first word ("Excellent")."""
    said = {
        f["points"]: f["descriptor"]
        for bid in bids
        for f in bid["result"]["findings"]
        if f.get("descriptor")
    }
    return sorted(said.items(), reverse=True)


def short(descriptor: str) -> str:
    """A descriptor's name, before its colon: "Excellent" of "Excellent: fully meets …"."""
    return descriptor.split(":", 1)[0]


def summary_html(context: dict[str, Any]) -> str:
    """One bidder's assessment summary as an HTML document (summaries.contexts gives the
    context), with a chart of its score per principle beside the most advantageous tender's."""
    bid, best = context["bid"], context["best"]
    name = bid.get("supplier_name") or bid.get("supplier_id") or bid["submission_id"]
    title = f"Assessment summary: {name}"
    shown = {**context["tender"], "bids": [bid, best] if best else [bid]}
    chart = charts.principle_scores(
        shown, f"Each principle as a percentage of its points, {title}", "subtotals-table"
    )
    return _ENVIRONMENT.get_template("summary.html.j2").render(
        title=title, chart=chart, answer=_answer, **context
    )


def _values(occurrence: dict[str, Any]) -> str:
    """What a breach's returns said, period by period ("2026-Q2: 70"), and the target."""
    said = "; ".join(
        f"{e['period']}: {_answer(e['value'], e['given'])}" for e in occurrence["evidence"]
    )
    if occurrence.get("target") is not None:
        said += f" (target {occurrence['target']:g})"
    return said


def contracts_html(contracts: list[dict[str, Any]]) -> str:
    """The monitoring report of one contract or a portfolio (results as `probity monitor`
    writes them): the rating per period as a timeline, each breach with its periods, values
    and action, missing returns, and targets against what was returned."""
    charts_by_contract = [
        charts.rating_timeline(c, f"Rating per period, contract {c['contract_id']}", f"periods-{n}")
        for n, c in enumerate(contracts, 1)
    ]
    return _ENVIRONMENT.get_template("contracts_report.html.j2").render(
        title="Contract monitoring report"
        + (f": {contracts[0]['contract_id']}" if len(contracts) == 1 else ""),
        contracts=contracts,
        charts=charts_by_contract,
        values=_values,
    )


def notice_html(ctx: dict[str, Any]) -> str:
    """The contract performance notice (reports.notices gives the context)."""
    return _ENVIRONMENT.get_template("performance_notice.html.j2").render(
        title=f"Contract performance notice: {ctx['contract_id']}",
        title_of_procurement=ctx["title"],
        **{k: v for k, v in ctx.items() if k != "title"},
    )


def write_tender(tender: dict[str, Any], path: Path) -> Path:
    """The report written as HTML, or as PDF when `path` ends in .pdf."""
    return write_html(tender_html(tender), path)


def write_html(html: str, path: Path) -> Path:
    """An HTML document written as it is, or as PDF when `path` ends in .pdf."""
    if path.suffix.lower() == ".pdf":
        from weasyprint import HTML  # imported here: only PDF needs it (and its libraries)

        HTML(string=html).write_pdf(path)
    else:
        path.write_text(html, encoding="utf-8")
    return path
