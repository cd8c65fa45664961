"""A short, readable account of evaluation results, for people at a terminal."""

from __future__ import annotations

from typing import Any

_MARK = {"partly_met": "◐", "not_met": "✗", "evidence_missing": "?"}


def summarise(result: dict[str, Any]) -> str:
    """One bid: its band and total, the score per principle, and what was not fully met,
    each with its remedy.
    One contract: its rating per period, and every breach found."""
    if "contract_id" in result:
        return _contract(result)
    lines = [
        f"{result['submission_id']}: {result['band_label']} — "
        f"{result['total']:g} of {result['maximum']:g}"
        f"  ({result['ruleset']['id']} {result['ruleset']['version']})"
    ]
    for rejection in result["rejections"]:
        lines.append(f"  rejected: {rejection['explanation']}")
    if result.get("awaiting_panel"):
        awaited = ", ".join(result["awaiting_panel"])
        lines.append(
            f"  awaiting the evaluation panel ({awaited}): counted 0 until it has moderated"
        )
    failed = {
        f["principle"]
        for f in result["findings"]
        if f["gate"] and f["outcome"] in ("not_met", "evidence_missing")
    }
    scores = "  ".join(
        # A failed pass/fail requirement is not full marks, whatever the scored ones gave.
        f"{p['name']} pass/fail not met"
        if p["principle"] in failed
        else f"{p['name']} {p['score']:g}/{p['weight']:g}"
        for p in result["principles"]
    )
    lines.append(f"  {scores}")
    for finding in result["findings"]:
        if finding["outcome"] in ("met", "not_applicable"):
            continue
        mark = _MARK[finding["outcome"]]
        points = "pass/fail" if finding["gate"] else f"{finding['points']}/{finding['max_points']}"
        meaning = f" ({finding['descriptor']})" if finding.get("descriptor") else ""
        lines.append(f"  {mark} {finding['criterion']} {points}{meaning} {finding['explanation']}")
        if finding.get("remedy"):  # what the supplier could do about it
            lines.append(f"      → {finding['remedy']}")
    met = sum(f["outcome"] == "met" for f in result["findings"])
    lines.append(f"  {met} of {len(result['findings'])} criteria fully met")
    return "\n".join(lines)


def _contract(result: dict[str, Any]) -> str:
    lines = [
        f"{result['contract_id']} {result['supplier']}: {result['rating_label']} in "
        f"{result['period']} (rule {result['rating_rule']})"
        f"  ({result['ruleset']['id']} {result['ruleset']['version']})"
    ]
    lines.append(
        "  "
        + "  ".join(
            f"{p['period']} {p['label']}" + ("" if p.get("returned", True) else " (no return)")
            for p in result["periods"]
        )
    )
    for finding in result["findings"]:
        if finding["outcome"] == "not_met":
            lines.append(
                f"  ✗ {finding['criterion']} ({finding['severity']}) "
                f"{finding['explanation']} → {finding['action']}"
            )
        elif finding["outcome"] == "evidence_missing":
            lines.append(f"  ? {finding['criterion']} {finding['explanation']}")
    lines.extend(f"  note: {notice}" for notice in result["notices"])
    for kpi in result.get("kpis", []):  # each KPI's assessment for the notice period
        lines.append(f"  KPI {kpi['title']}: {kpi['overall_reason']}")
    breached = sum(f["outcome"] == "not_met" for f in result["findings"])
    lines.append(f"  {breached} of {len(result['findings'])} checks breached")
    return "\n".join(lines)
