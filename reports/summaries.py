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
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from probity.reports import reg31
from probity.reports.wording import (
    answered,
    cost_basis,
    figure,
    number,
    percent,
    share_of_points,
)

_DETAILS = (
    "contracting_authority",
    "title",
    "procurement_id",
    "criteria_published_at",
    "currency",
    "standstill_ends",
)

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


# What another bidder's summary says in place of an explanation built from answers the rule
# set marks commercially sensitive.
WITHHELD = (
    "The reasons are withheld: they state answers the supplier may keep from its competitors "
    "(commercially sensitive information, Procurement Act 2023, section 94)."
)


def _criteria(
    bid: dict[str, Any], best: dict[str, Any] | None, sensitive: set[str]
) -> list[dict[str, Any]]:
    """Per criterion, this bid's finding and the most advantageous tender's beside it; of
    the latter, a finding that reads a commercially sensitive answer keeps its score and
    descriptor but not its explanation (s.94)."""
    theirs = {f["criterion"]: f for f in best["result"]["findings"]} if best else {}
    rows = []
    for finding in bid["result"]["findings"]:
        other = theirs.get(finding["criterion"])
        if other is not None and any(e["field"] in sensitive for e in other.get("evidence", [])):
            other = {**other, "explanation": WITHHELD, "evidence": []}
        rows.append({"mine": finding, "theirs": other})
    return rows


def _principles(bid: dict[str, Any]) -> dict[str, str]:
    return {p["principle"]: p["name"] for p in bid["result"]["principles"]}


def supplier(bid: dict[str, Any]) -> dict[str, str]:
    """The supplier a bid came from, as its summary names it (reg 31(2)(a)-(c))."""
    given = bid.get("supplier") or {}
    return {
        "name": given.get("name") or bid.get("supplier_name") or "",
        "postal_address": given.get("postal_address") or "",
        "email": given.get("email") or "",
        "identifier": given.get("identifier") or "",
    }


def award_criteria(
    tender: dict[str, Any],
    bid: dict[str, Any],
    offered: dict[tuple[str, str], float] | None = None,
) -> list[dict[str, Any]]:
    """The award criteria in summary (reg 31(2)(d)(i)): each with its title, its relative
    importance (its share of the combined score) and the scores available; a principle's
    criteria are its sub-criteria. What is available is what the rule set offers, the most
    any bid could score (a criterion that did not apply to one bid offers it nothing)."""
    weighting, result = tender.get("weighting"), bid["result"]
    quality = weighting["quality"] if weighting else None
    maximum = result.get("maximum") or 100.0
    if offered is None:  # contexts() reads it once for the whole tender
        offered = _offered(tender.get("bids") or [bid])
    rows = []
    for principle in result["principles"]:
        weight = principle.get("weight")
        share = quality * weight / maximum if None not in (quality, weight) else None
        rows.append(
            {
                "title": principle["name"],
                "importance": f"{number(round(share, 2))}%" if share is not None else "",
                "available": _points(offered.get(("principle", principle["principle"]))),
                "sub": [
                    {"title": f["title"], "available": _available(f, offered)}
                    for f in result["findings"]
                    if f["principle"] == principle["principle"]
                ],
            }
        )
    price, basis = (weighting or {}).get("price"), cost_basis(tender)
    rows.append(
        {
            "title": "Price",
            "importance": f"{number(price)}%" if price is not None else "",
            "available": f"0 to {number(price)}: the lowest {basis} scores {number(price)}"
            if price is not None
            else "",
            "sub": [],
        }
    )
    return rows


def _offered(bids: list[dict[str, Any]]) -> dict[tuple[str, str], float]:
    """The most points each criterion and principle offered any bid of the tender."""
    most: dict[tuple[str, str], float] = {}
    for bid in bids:
        result = bid["result"]
        for key, found in [("criterion", f) for f in result["findings"]] + [
            ("principle", p) for p in result["principles"]
        ]:
            ident = (key, found[key])
            if found.get("max_points") is not None:
                most[ident] = max(most.get(ident, 0), found["max_points"])
    return most


def _points(most: float | None) -> str:
    """The scores available, in words; empty when not known."""
    return f"0 to {number(most)} points" if most is not None else ""


def _available(finding: dict[str, Any], offered: dict[tuple[str, str], float]) -> str:
    return (
        "pass or fail"
        if finding["gate"]
        else _points(offered.get(("criterion", finding["criterion"])))
    )


def subtotals(bid: dict[str, Any]) -> list[dict[str, str]]:
    """Each principle's points and score (reg 31(2)(e)(ii): every sub-total, as numbers)."""
    return [
        {
            "title": p["name"],
            "points": f"{number(p['points'])} of {number(p['max_points'])} points"
            if p.get("points") is not None
            else "",
            "score": f"{figure(p['score'])} of {number(p['weight'])}"
            if p.get("score") is not None and p.get("weight") is not None
            else "",
            "percent": percent(share_of_points(p)),
        }
        for p in bid["result"]["principles"]
    ]


def standstill(ends: str) -> str:
    """The standstill the contract award notice starts (s.51), with its last day; empty
    while the authority has not given it."""
    if not ends:
        return ""
    day = date.fromisoformat(ends)
    return (
        "The contract award notice starts a standstill period of eight working days "
        "(Procurement Act 2023, s.51). The contract will not be entered into before the "
        f"standstill ends on {day.day} {day:%B %Y}."
    )


def total(bid: dict[str, Any]) -> str:
    result = bid["result"]
    return f"{number(result['total'])} of {number(result['maximum'])} quality points"


def not_awarded(bid: dict[str, Any], best: dict[str, Any] | None) -> str:
    """Why the contract is not awarded to this bid (reg 31(3)(c)); empty for the winner."""
    if best is None:
        return ""
    if bid.get("not_awardable"):
        reason = str(bid.get("not_awardable_reason") or "")
        return f"Your tender is {reason[:1].lower()}{reason[1:]}" if reason else ""
    if bid.get("rejected"):
        reasons = [r["explanation"] for r in bid["result"].get("rejections", [])]
        return "Your tender was disqualified: " + " ".join(reasons)
    if bid.get("combined_score") is None or best.get("combined_score") is None:
        return ""
    return (
        f"Your tender's combined score, {figure(bid['combined_score'])}, is lower than the "
        f"most advantageous tender's, {figure(best['combined_score'])}."
    )


def standing(bids: list[dict[str, Any]]) -> str:
    """How many tenders were ranked, and why the others were not, in words."""
    ranked = sum(1 for b in bids if b.get("rank"))
    rejected = sum(1 for b in bids if b.get("rejected"))
    held = sum(1 for b in bids if b.get("not_awardable") and not b.get("rejected"))
    said = f"{ranked} ranked tender{'s' if ranked != 1 else ''}"
    notes = []
    if rejected:
        notes.append(f"{rejected} {'was' if rejected == 1 else 'were'} rejected")
    if held:
        notes.append(f"{held} {'was' if held == 1 else 'were'} in a band that may not be awarded")
    return said + (f" ({'; '.join(notes)})" if notes else "")


def contexts(tender: dict[str, Any], issued: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """For every bid, in the tender's order: a file name stem, and what its summary says
    (the Markdown and HTML templates and the reg 31 checklist read the same). `issued`: the
    summary's date (YYYY-MM-DD), today when not given."""
    bids = tender.get("bids", [])
    best = next((b for b in bids if b.get("rank") == 1), None)
    details = {**dict.fromkeys(_DETAILS, ""), **(tender.get("details") or {})}
    # Read once for the tender, not once a bid: a tender may have thousands.
    offered = _offered(bids) if bids else {}
    ranked, said = sum(1 for b in bids if b.get("rank")), standing(bids)
    out = []
    for bid in bids:
        other = None if best is None or best is bid else best
        context = {
            "tender": tender,
            "details": details,
            "standstill": standstill(details["standstill_ends"]),
            "total": total(bid),
            "issued": issued or date.today().isoformat(),
            "bid": bid,
            "best": other,
            "supplier": supplier(bid),
            "best_supplier": supplier(other) if other else None,
            "award_criteria": award_criteria(tender, bid, offered),
            "subtotals": subtotals(bid),
            "best_subtotals": subtotals(other) if other else [],
            "not_awarded": not_awarded(bid, other),
            "ranked": ranked,
            "standing": said,
            "criteria": _criteria(bid, other, set(tender.get("sensitive_answers") or ())),
            "principles": _principles(bid),
            "basis": cost_basis(tender),
            "figure": figure,
            "number": number,
            "answered": answered,
        }
        context["checklist"] = [f"{i.paragraph}: {i.says}" for i in reg31.applying(context)]
        out.append((_file_stem(bid), context))
    return out


def summaries(tender: dict[str, Any], issued: str | None = None) -> list[Summary]:
    """An assessment summary for every bid of a tender, in Markdown, in the tender's order;
    reg31.Incomplete if any lacks an item reg 31 asks for."""
    template = _ENVIRONMENT.get_template("summary.md.j2")
    out = []
    for stem, context in contexts(tender, issued):
        text = template.render(**context)
        reg31.check(context, markdown=text)
        out.append(Summary(f"{stem}.md", text))
    return out


@dataclass(frozen=True, slots=True)
class Documents:
    """One bidder's assessment summary in both forms a portal sends: Markdown and HTML."""

    bid: dict[str, Any]
    text: str
    html: str


def documents(
    tender: dict[str, Any], wanted: set[str] | None = None, issued: str | None = None
) -> Iterator[Documents]:
    """The summaries of the bids in `wanted` (submission ids; every bid when None), as text
    and as HTML, in the tender's order, each written as it is asked for; reg31.Incomplete
    for one that lacks an item reg 31 asks for."""
    from probity.reports import pages  # imported here: charts and PDF are large

    template = _ENVIRONMENT.get_template("summary.md.j2")
    for _stem, context in contexts(tender, issued):
        if wanted is None or context["bid"]["submission_id"] in wanted:
            text, page = template.render(**context), pages.summary_html(context)
            reg31.check(context, markdown=text, page=page)
            yield Documents(context["bid"], text, page)


def _file_stem(bid: dict[str, Any]) -> str:
    """A file name from the supplier's id (else the bid's), safe on any file system."""
    stem = bid.get("supplier_id") or bid["submission_id"]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "bid"


def write(
    tender: dict[str, Any], folder: Path, form: str = "markdown", issued: str | None = None
) -> list[Path]:
    """Every bidder's summary written into `folder` as Markdown, HTML or PDF; the paths, in
    the tender's order. Nothing is written unless every summary meets reg 31
    (reg31.Incomplete names the first that does not, and what it lacks)."""
    if form == "markdown":
        ready: list[tuple[str, Any]] = [(s.name, s.text) for s in summaries(tender, issued)]
    else:
        from probity.reports import pages  # imported here: charts and PDF are large

        ready = []
        for stem, context in contexts(tender, issued):
            page = pages.summary_html(context)
            reg31.check(context, page=page)
            ready.append((f"{stem}.{'pdf' if form == 'pdf' else 'html'}", page))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in ready:
        path = folder / name
        if form == "markdown":
            path.write_text(content, encoding="utf-8")
            written.append(path)
        else:
            written.append(pages.write_html(content, path))
    return written
