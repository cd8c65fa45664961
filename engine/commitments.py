"""From award to contract: the winning bid's commitments at tender (answers marked
`becomes_kpi`) become the targets of the contract's KPIs, each promise naming the tender
evaluation it came from, so monitoring can say whether it was kept ("promised 7 working
days, delivered 12 in 2026-Q3").

Plain values in, the contract's JSON form out (what `probity monitor` and CheckContract
read): the command line and the service both use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from probity.engine.compiler.model import RuleSetSpec


@dataclass(frozen=True, slots=True)
class AwardedBid:
    """The most advantageous bid of a final ranking, as recorded."""

    tender_id: str
    submission_id: str
    supplier: Mapping[str, str]  # id, name, postal_address, email, identifier
    price: float
    answers: Mapping[str, Any]
    evaluated_in: str  # the call that ranked the tender (its probity-request-id)


def contract_from_award(
    tender: RuleSetSpec,
    bid: AwardedBid,
    details: Mapping[str, str],
    contract_id: str = "",
) -> tuple[dict[str, Any], list[str]]:
    """The contract (its JSON form) and notes for people: each commitment the bid made is a
    promise setting its KPI's target; one it left unanswered is said."""
    promises, notes = [], []
    for item in tender.inputs:
        if not item.becomes_kpi:
            continue
        given = _at(bid.answers, item.path)
        label = item.label or item.path
        if isinstance(given, int | float) and not isinstance(given, bool):
            promises.append(
                {
                    "kpi": item.becomes_kpi,
                    "value": float(given),
                    "tender_id": bid.tender_id,
                    "submission_id": bid.submission_id,
                    "evaluated_in": bid.evaluated_in,
                }
            )
        else:
            notes.append(
                f"the winning bid made no commitment on {label[:1].lower()}{label[1:]}: "
                f"{item.becomes_kpi} keeps the contract's own target, or the rule set's"
            )
    supplier = {
        key: str(bid.supplier.get(key) or "")
        for key in ("name", "postal_address", "email", "identifier")
    }
    contract: dict[str, Any] = {
        "contract_id": contract_id or f"{bid.tender_id}/contract",
        "supplier": supplier["name"] or str(bid.supplier.get("id") or ""),
        "value": bid.price,
        "title": details.get("title", ""),
        "procurement_id": details.get("procurement_id", ""),
        "contracting_authority": {"name": details.get("contracting_authority", "")},
        "supplier_details": supplier,
        "promises": promises,
    }
    return contract, notes


def _at(answers: Mapping[str, Any], path: str) -> Any:
    node: Any = answers
    for part in path.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node
