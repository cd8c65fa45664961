"""reports.charts: what a chart shows of each bid."""

from __future__ import annotations

import re

from probity.reports.charts import principle_percentages, principle_scores, quality_and_price


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


def _scored(
    name: str, shares: list[tuple[int, int, float]], **standing: object
) -> dict[str, object]:
    """A bid whose principles scored (points, max_points, weight)."""
    principles = [
        {"name": n, "points": p, "max_points": m, "weight": w, "score": w * p / m}
        for n, (p, m, w) in zip(("Integrity", "Openness"), shares, strict=True)
    ]
    return {
        "submission_id": f"id-{name}",
        "supplier_name": name,
        "result": {"principles": principles},
        **standing,
    }


def _bar_labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>\s*([0-9]+|n/a)\s*</text>", svg) or re.findall(
        r"<!-- ([0-9]+|n/a) -->", svg
    )


def test_principles_are_drawn_as_a_share_of_what_they_could_score() -> None:
    """Full marks on a principle weighted 20 and on one weighted 10 are both 100%, not 20
    and 10; a zero is labelled and marked, not left out."""
    full = _scored("Full", [(16, 16, 20.0), (8, 8, 10.0)])
    none = _scored("Nothing", [(0, 16, 20.0), (0, 8, 10.0)])
    assert principle_percentages([full, none]) == [
        ("Full", [100.0, 100.0]),
        ("Nothing", [0.0, 0.0]),
    ]
    svg = principle_scores({"bids": [full, none]}, "Scores")
    labels = _bar_labels(svg)  # the axis's ticks (0, 25, 50, 75, 100), then each bar's value
    assert labels.count("100") == 1 + 2 and labels.count("0") == 1 + 2
    assert "PathCollection" in svg  # the zeros' mark on the axis
    assert "PathCollection" not in principle_scores({"bids": [full]}, "Scores")


def test_bids_that_are_not_ranked_are_named_so_in_the_charts() -> None:
    ranked = {**_scored("Winner", [(8, 8, 10.0), (4, 8, 10.0)]), "quality_score": 60.0}
    ranked |= {"price_score": 40.0, "rank": 1}
    rejected = _scored("Cheapest", [(8, 8, 10.0), (8, 8, 10.0)], rejected=True)
    rejected |= {"quality_score": 60.0, "price_score": None}
    held = _scored("Weak", [(0, 8, 10.0), (1, 8, 10.0)], not_awardable=True)
    held |= {"quality_score": 3.75, "price_score": None}
    tender = {"bids": [ranked, held, rejected], "weighting": {"quality": 60, "price": 40}}
    svg = principle_scores(tender, "Scores", described_by="the-table")
    assert "Cheapest (rejected)" in svg and "Weak (may not be awarded)" in svg
    assert "Winner (" not in svg
    assert 'aria-describedby="the-table"' in svg
    ranking = quality_and_price(tender, "Quality and price")
    assert "60.00 + 40.00 = 100.00" in ranking  # price shown beside quality
    assert "quality 60.00; not ranked: rejected" in ranking
    assert "quality 3.75; not ranked: may not be awarded" in ranking
    assert "price score (up to 40)" in ranking
