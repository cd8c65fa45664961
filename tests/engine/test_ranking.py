"""Tender ranking: properties of relative price scores and ranks over random tenders."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from probity.engine.compiler.model import AwardSpec
from probity.engine.ranking import PRICE, WHOLE_LIFE_COST, BidScore, check_bids, rank

AWARD = AwardSpec(quality=60, price=40)

money = st.floats(1_000, 10_000_000, allow_nan=False)


@st.composite
def tenders(draw: st.DrawFn) -> list[BidScore]:
    count = draw(st.integers(1, 12))
    bids = []
    for n in range(count):
        total = draw(st.floats(0, 100, allow_nan=False))
        bids.append(
            BidScore(
                f"bid-{n:02d}",
                round(total, 2),
                100.0,
                draw(st.booleans()),
                ("INT-01: Interests declared",),
                draw(money),
                draw(st.none() | money),
                draw(st.booleans()),
            )
        )
    return bids


@given(tenders())
def test_ranking_properties(bids: list[BidScore]) -> None:
    ranking = rank(bids, AWARD)
    ranked = [b for b in ranking.bids if b.rank]
    unranked = [b for b in ranking.bids if not b.rank]
    assert len(ranking.bids) == len(bids)
    never = {b.submission_id for b in bids if b.rejected or not b.awardable}
    assert {b.bid.submission_id for b in unranked} == never
    assert ranking.bids[: len(ranked)] == tuple(ranked)  # ranked first
    rejected = [b.bid.rejected for b in unranked]
    assert rejected == sorted(rejected)  # then those that may not be awarded, then rejected
    assert all(b.bid.awardable and not b.bid.rejected for b in ranked)
    combined = [b.combined_score for b in ranked]
    assert combined == sorted(combined, reverse=True)
    for before, after in itertools.pairwise(ranked):
        if after.combined_score == before.combined_score:
            assert after.rank == before.rank  # equal scores share a rank
        else:
            assert after.rank == ranked.index(after) + 1  # competition ranking: 1, 2, 2, 4
    if ranked:
        assert ranked[0].rank == 1
        cheapest = min(ranked, key=lambda b: b.compared_cost)
        assert cheapest.price_score == AWARD.price  # the lowest cost gets full price marks
        assert ranking.lowest_cost == cheapest.compared_cost
        assert all(0 <= b.price_score <= AWARD.price for b in ranked)
        eligible = [b for b in bids if not b.rejected and b.awardable]
        every_wlc = all(b.whole_life_cost is not None for b in eligible)
        assert ranking.basis == (WHOLE_LIFE_COST if every_wlc else PRICE)
    assert all(b.price_score == 0 and b.combined_score == 0 for b in unranked)


def test_a_bid_that_may_not_be_awarded_never_beats_one_that_may() -> None:
    """Issue 33: a bid in a band the rule set says may not be awarded (0 of 100 quality
    points, "Non-compliant") ranked second on price alone, and would have won had it been
    cheaper still. Now it is never ranked, and does not set the lowest price either."""
    bids = [
        BidScore("weak-but-cheap", 0.0, 100.0, False, (), 50_000.0, None, awardable=False),
        BidScore("strong", 90.0, 100.0, False, (), 200_000.0, None),
        BidScore("middling", 60.0, 100.0, False, (), 150_000.0, None),
    ]
    ranking = rank(bids, AWARD)
    assert [(b.bid.submission_id, b.rank) for b in ranking.bids] == [
        ("strong", 1), ("middling", 2), ("weak-but-cheap", 0)
    ]  # fmt: skip
    assert ranking.lowest_cost == 150_000.0  # the cheapest bid that may be awarded
    held = ranking.bids[-1]
    assert (held.price_score, held.combined_score, held.ranked) == (0.0, 0.0, False)


def test_quality_and_price_split_as_declared() -> None:
    bids = [
        BidScore("a", 80.0, 100.0, False, (), 100_000.0, None),
        BidScore("b", 100.0, 100.0, False, (), 125_000.0, None),
    ]
    ranking = rank(bids, AWARD)
    by_id = {b.bid.submission_id: b for b in ranking.bids}
    assert (by_id["a"].quality_score, by_id["a"].price_score) == (48.0, 40.0)
    assert (by_id["b"].quality_score, by_id["b"].price_score) == (60.0, 32.0)
    assert [b.bid.submission_id for b in ranking.bids] == ["b", "a"]  # 92 beats 88


def test_check_bids_names_each_bad_field() -> None:
    problems = check_bids([("a", 10.0, None), ("a", 0.0, -1.0), ("", float("nan"), None)])
    assert [(p.field, p.reason) for p in problems] == [
        ("bids[1].submission.id", "'a' is used twice"),
        ("bids[1].price", "must be a number above zero"),
        ("bids[1].whole_life_cost", "must be a number above zero"),
        ("bids[2].submission.id", "is required"),
        ("bids[2].price", "must be a number above zero"),
    ]
    assert check_bids([])[0].reason == "a tender needs at least one bid"
