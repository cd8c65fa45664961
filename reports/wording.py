"""How figures are written in documents for people: scores, weights, the cost basis."""

from __future__ import annotations

from typing import Any

from probity.engine import is_panel_answer


def figure(value: float | None) -> str:
    """A score or an amount of money: two decimals, thousands separated; a dash for none."""
    return "—" if value is None else f"{value:,.2f}"


def number(value: float) -> str:
    """A weight or a count of points as people write it: 60, 2.5."""
    return f"{value:g}"


def share_of_points(principle: dict[str, Any]) -> float | None:
    """A principle's points as a percentage of what it could score; None when nothing of it
    applied to the bid (no points on offer). What the charts draw."""
    most, points = principle.get("max_points"), principle.get("points")
    if most and points is not None:
        return 100.0 * float(points) / float(most)
    return None


def percent(share: float | None) -> str:
    """A share as the text equivalent of a chart prints it: "75%", "n/a" when nothing of it
    applied."""
    return "n/a" if share is None else f"{share:.0f}%"


def cost_basis(tender: dict[str, Any]) -> str:
    """The cost a tender's price scores compared, in words."""
    return "whole-life cost" if tender.get("cost_basis") == "whole_life_cost" else "price"


_APPLIES = "this applies only when"
_SHORT = ("not_met", "partly_met", "evidence_missing")


def answered(finding: dict[str, Any], whose: str = "Your tender") -> str:
    """What a tender answered to a criterion and what the criterion asked for, from the
    finding's evidence, and, for a criterion of several answers that was not fully met,
    which of them fell short: the explanation by reference to the tender (reg 31(2)(e)(i)).
    Empty for a finding without evidence (one withheld from another bidder, s.94)."""
    if finding.get("scored_by") == "panel":
        return _panel_read(finding, whose)
    parts = []
    for evidence in finding.get("evidence") or []:
        said = evidence.get("shown") or ("not given" if not evidence.get("given") else "")
        asked = evidence.get("expected") or ""
        asked = "" if asked.startswith(_APPLIES) else f" (asked for: {asked})"
        parts.append(f"“{evidence['label']}”: {said or 'not given'}{asked}")
    if not parts:
        return ""
    text = f"{whose} answered {'; '.join(parts)}."
    short = [
        f"“{e['label']}”"
        for e in finding["evidence"]
        if e.get("given")
        and not e.get("met")
        and not (e.get("expected") or "").startswith(_APPLIES)
    ]
    if finding.get("outcome") in _SHORT and len(finding["evidence"]) > 1 and short:
        text += (
            f" The part not met: {', '.join(short)}."
            if len(short) == 1
            else (f" The parts not met: {', '.join(short)}.")
        )
    return text


def _panel_read(finding: dict[str, Any], whose: str) -> str:
    """A panel criterion's reference to the tender: the answers the panel read (their text
    is the bidder's own, and long: named, not repeated)."""
    read = [
        f"“{e['label']}”"
        for e in finding.get("evidence") or []
        if e.get("given") and not is_panel_answer(e["field"])
    ]
    if not read:
        return ""
    said = " and ".join(read)
    return f"Scored by the evaluation panel, which read {whose.lower()}'s answer to {said}."
