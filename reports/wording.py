"""How figures are written in documents for people: scores, weights, the cost basis."""

from __future__ import annotations

from typing import Any


def figure(value: float | None) -> str:
    """A score or an amount of money: two decimals, thousands separated; a dash for none."""
    return "—" if value is None else f"{value:,.2f}"


def number(value: float) -> str:
    """A weight or a count of points as people write it: 60, 2.5."""
    return f"{value:g}"


def cost_basis(tender: dict[str, Any]) -> str:
    """The cost a tender's price scores compared, in words."""
    return "whole-life cost" if tender.get("cost_basis") == "whole_life_cost" else "price"
