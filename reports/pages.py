"""The tender evaluation report: one self-contained, printable HTML file (or PDF made from
the same HTML by WeasyPrint) from a tender's result in the command line's JSON (`probity
tender --format json`): the basis of the evaluation stated up front, the ranking, a chart of
every bid's score per principle, and each bid's findings with points, descriptor, reason,
evidence and source. Jinja2 escapes every value (autoescape), so text a bidder supplied is
only ever text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from probity.engine import answer
from probity.reports import charts
from probity.reports.wording import cost_basis, figure, number

_ENVIRONMENT = Environment(
    loader=PackageLoader("probity.reports", "templates"),
    autoescape=select_autoescape(["html.j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _answer(value: Any, given: bool, shown: str = "") -> str:
    """An answer as a person reads it, as explanations write it ("yes", "not given"): as
    the result shows it (allowed values by their labels), else from the value."""
    return shown if given and shown else answer(value if given else None)


def tender_html(tender: dict[str, Any]) -> str:
    """The report as one HTML document (styles and chart inline)."""
    bids = tender.get("bids", [])
    gates = [f for f in bids[0]["result"]["findings"] if f["gate"]] if bids else []
    title = f"Tender evaluation report: {tender.get('tender_id', '')}"
    chart = charts.principle_scores(tender, f"Score per principle for every bid, {title}")
    best = next((b for b in bids if b.get("rank") == 1), None)
    against = {  # each other bid beside the most advantageous one
        bid["submission_id"]: charts.principle_scores(
            {**tender, "bids": [bid, best]},
            f"Score per principle, bid {bid['submission_id']} beside the most advantageous",
        )
        for bid in bids
        if best is not None and bid is not best
    }
    return _ENVIRONMENT.get_template("tender_report.html.j2").render(
        title=title,
        tender=tender,
        bids=bids,
        gates=gates,
        chart=chart,
        against=against,
        basis=cost_basis(tender),
        answer=_answer,
        figure=figure,
        number=number,
    )


def summary_html(context: dict[str, Any]) -> str:
    """One bidder's assessment summary as an HTML document (summaries.contexts gives the
    context), with a chart of its score per principle beside the most advantageous tender's."""
    bid, best = context["bid"], context["best"]
    name = bid.get("supplier_name") or bid.get("supplier_id") or bid["submission_id"]
    title = f"Assessment summary: {name}"
    shown = {**context["tender"], "bids": [bid, best] if best else [bid]}
    chart = charts.principle_scores(shown, f"Score per principle, {title}")
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
        charts.rating_timeline(c, f"Rating per period, contract {c['contract_id']}")
        for c in contracts
    ]
    return _ENVIRONMENT.get_template("contracts_report.html.j2").render(
        title="Contract monitoring report"
        + (f": {contracts[0]['contract_id']}" if len(contracts) == 1 else ""),
        contracts=contracts,
        charts=charts_by_contract,
        values=_values,
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
