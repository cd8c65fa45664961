"""reports.charts: what a chart shows of each bid."""

from __future__ import annotations

from probity.reports.charts import principle_scores


def _bid(name: str, score: float) -> dict[str, object]:
    principles = [{"name": "Integrity", "score": score}, {"name": "Openness", "score": score}]
    return {
        "submission_id": f"id-{name}",
        "supplier_name": name,
        "result": {"principles": principles},
    }


def test_every_supplier_is_in_the_legend_even_one_named_with_an_underscore() -> None:
    """matplotlib leaves out legend labels starting with "_": "_Acme" was missing."""
    svg = principle_scores({"bids": [_bid("_Acme", 10), _bid("Beta & Co", 5)]}, "Scores")
    assert "_Acme" in svg and "Beta &amp; Co" in svg
