"""What an assessment summary must contain (Procurement Regulations 2024, reg 31), item by
item, and the check that gates issuing one: every item that applies to the summary has its
values, and each value is printed in the document (its Markdown and its HTML alike).

Reg 31(2) lists what a summary gives of the most advantageous tender; reg 31(3) what the
summary of any other assessed tender gives: the supplier and award-criteria information of
31(2)(a) to (d), how that tender was assessed (31(2)(e)) and why the contract is not awarded
to it. The procurement's own details (who, what, when, the standstill of s.51) are not in
reg 31 but a summary is not issued without them either: a supplier must know which
procurement it answers and when the standstill ends.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Context = dict[str, Any]


@dataclass(frozen=True)
class Item:
    paragraph: str  # where the requirement is, e.g. "reg 31(2)(b)"
    says: str  # what it asks for, in words
    values: Callable[[Context], list[str]]  # what the summary must print (empty: missing)
    applies: Callable[[Context], bool] = lambda context: True


class Incomplete(Exception):
    """A summary that cannot be issued: the bid, and each item it lacks."""

    def __init__(self, bid: str, missing: list[Item]) -> None:
        self.bid = bid
        self.missing = missing
        said = "; ".join(f"{item.paragraph}: {item.says}" for item in missing)
        super().__init__(f"the assessment summary for {bid} cannot be issued; it lacks {said}")


def _mat(context: Context) -> bool:
    """The summary is the most advantageous tender's own."""
    return context["best"] is None and context["bid"].get("rank") == 1


def _other(context: Context) -> bool:
    return not _mat(context)


def _winner(context: Context) -> dict[str, str] | None:
    """The most advantageous tender's supplier, whichever summary this is."""
    winner: dict[str, str] | None = context["supplier" if _mat(context) else "best_supplier"]
    return winner


def _of_winner(*names: str) -> Callable[[Context], list[str]]:
    def values(context: Context) -> list[str]:
        winner = _winner(context)
        return [winner[name] if winner else "" for name in names]

    return values


def _of_own(*names: str) -> Callable[[Context], list[str]]:
    return lambda context: [context["supplier"][name] for name in names]


def _criteria_titles(context: Context) -> list[str]:
    return [row["title"] for row in context["award_criteria"]]


def _importance(context: Context) -> list[str]:
    return [row["importance"] for row in context["award_criteria"]]


def _available(context: Context) -> list[str]:
    rows = context["award_criteria"]
    return [row["available"] for row in rows] + [s["available"] for r in rows for s in r["sub"]]


def _scores(context: Context) -> list[str]:
    """Each criterion's title, score and explanation (its sub-criteria are the criteria).
    A criterion still awaiting the evaluation panel has no score yet: none to print."""
    result = context["bid"]["result"]
    if result.get("awaiting_panel"):
        return [""]
    out = []
    for finding in result["findings"]:
        out += [finding["title"], finding["explanation"]]
    return out


def _totals(context: Context) -> list[str]:
    rows = context["subtotals"]
    return [r["points"] for r in rows] + [r["score"] for r in rows] + [context["total"]]


def _published(context: Context) -> list[str]:
    return [context["details"]["criteria_published_at"]]


def _detail(name: str) -> Callable[[Context], list[str]]:
    return lambda context: [context["details"][name]]


ITEMS: tuple[Item, ...] = (
    Item("s.50", "the contracting authority", _detail("contracting_authority")),
    Item("s.50", "the procurement's title", _detail("title")),
    Item("s.50", "the procurement's identifier", _detail("procurement_id")),
    Item("s.50", "the date of the summary", lambda c: [c["issued"]]),
    Item("s.51", "the standstill the contract award notice starts", lambda c: [c["standstill"]]),
    Item("reg 31(2)(a)", "the name of the most advantageous tender's supplier", _of_winner("name")),
    Item(
        "reg 31(2)(b)",
        "a contact postal address and email address for that supplier",
        _of_winner("postal_address", "email"),
    ),
    Item("reg 31(2)(c)", "the unique identifier for that supplier", _of_winner("identifier")),
    Item("reg 31(2)(d)(i)(aa)", "the title of each award criterion", _criteria_titles),
    Item("reg 31(2)(d)(i)(bb)", "the relative importance of each criterion", _importance),
    Item(
        "reg 31(2)(d)(i)(cc)",
        "how each criterion was assessed and the scores available for it",
        _available,
    ),
    Item(
        "reg 31(2)(d)(ii)",
        "where the award criteria and assessment methodology can be read in full",
        _published,
    ),
    Item(
        "reg 31(2)(e)(i)",
        "the score for each criterion and sub-criterion, explained by reference to the tender",
        _scores,
    ),
    Item("reg 31(2)(e)(ii)", "the total score and every sub-total", _totals),
    Item(
        "reg 31(3)(a)",
        "the name, contact addresses and unique identifier of the supplier it is sent to",
        _of_own("name", "postal_address", "email", "identifier"),
        _other,
    ),
    Item(
        "reg 31(3)(c)",
        "why the contract is not awarded to the supplier, and any disqualification",
        lambda c: [c["not_awarded"]],
        _other,
    ),
)


def applying(context: Context) -> list[Item]:
    """The items a summary must meet."""
    return [item for item in ITEMS if item.applies(context)]


def plain_markdown(text: str) -> str:
    """What a reader of the Markdown sees: escapes removed, whitespace collapsed."""
    return _collapsed(re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL))


def plain_html(document: str) -> str:
    """What a reader of the HTML sees: its text, without tags, styles or the chart."""
    body = re.sub(r"<(style|svg|script)\b.*?</\1>", " ", document, flags=re.DOTALL | re.I)
    body = re.sub(r"<wbr\s*/?>", "", body, flags=re.I)  # a place a line may break: no space
    return _collapsed(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _collapsed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def missing(context: Context, *plain_texts: str) -> list[Item]:
    """The items a summary lacks: a value not given, or not printed in one of its forms
    (each as plain_markdown or plain_html gives it)."""
    lacking = []
    for item in applying(context):
        values = [_collapsed(value).strip() for value in item.values(context)]
        printed = all(value in text for value in values for text in plain_texts)
        if not values or not all(values) or not printed:
            lacking.append(item)
    return lacking


def check(context: Context, markdown: str | None = None, page: str | None = None) -> None:
    """Incomplete (naming the bid and each item it lacks) unless the summary meets every
    item that applies to it, in each form given."""
    texts = []
    if markdown is not None:
        texts.append(plain_markdown(markdown))
    if page is not None:
        texts.append(plain_html(page))
    lacking = missing(context, *texts)
    if lacking:
        bid = context["bid"]
        name = context["supplier"]["name"] or bid.get("supplier_id") or bid["submission_id"]
        raise Incomplete(f"{name} ({bid['submission_id']})", lacking)
