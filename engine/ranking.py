"""Rank the bids of one tender: relative price scores, the quality:price split, the ranking.

Quality is each bid's rule-set total as a share of its maximum; price is the lowest compared
cost ÷ the bid's cost (the usual UK formula: the cheapest eligible bid gets full marks).
Costs are compared like with like: whole-life cost when every eligible bid gives one,
otherwise tendered price for all. A rejected bid (a pass/fail criterion not met, or a score
below a stated minimum) is never ranked, and does not set the lowest cost; nor is a bid whose
band the rule set says may not be awarded (`awardable: false`): it is listed after the ranked
bids, so it can never beat one that may be awarded. Equal combined scores share a rank
(1, 2, 2, 4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from probity.engine import figures
from probity.engine.compiler.model import AwardSpec
from probity.engine.errors import FieldViolation

PRICE, WHOLE_LIFE_COST = "price", "whole_life_cost"


@dataclass(frozen=True, slots=True)
class BidScore:
    """What ranking needs of one evaluated bid."""

    submission_id: str
    total: float
    maximum: float
    rejected: bool  # a pass/fail criterion not met or a minimum not reached: never ranked
    rejection_reasons: tuple[str, ...]
    price: float
    whole_life_cost: float | None
    awardable: bool = True  # False: its band may not be awarded, so it is never ranked


@dataclass(frozen=True, slots=True)
class RankedBid:
    bid: BidScore
    quality_score: float
    price_score: float
    combined_score: float
    compared_cost: float
    rank: int  # 0 when rejected or not awardable

    @property
    def ranked(self) -> bool:
        return self.rank > 0


@dataclass(frozen=True, slots=True)
class Ranking:
    basis: str  # PRICE or WHOLE_LIFE_COST
    lowest_cost: float
    # Ranked best first, then bids that may not be awarded, then rejected bids.
    bids: tuple[RankedBid, ...]


def check_bids(bids: Sequence[tuple[str, float, float | None]]) -> list[FieldViolation]:
    """Problems with (submission id, price, whole-life cost) of each bid, by field path."""
    problems = []
    if not bids:
        problems.append(FieldViolation("bids", "a tender needs at least one bid"))
    seen: set[str] = set()
    for n, (submission_id, price, whole_life_cost) in enumerate(bids):
        where = f"bids[{n}]"
        if not submission_id:
            problems.append(FieldViolation(f"{where}.submission.id", "is required"))
        elif submission_id in seen:
            problems.append(
                FieldViolation(f"{where}.submission.id", f"{submission_id!r} is used twice")
            )
        seen.add(submission_id)
        if not (math.isfinite(price) and price > 0):
            problems.append(FieldViolation(f"{where}.price", "must be a number above zero"))
        if whole_life_cost is not None and not (
            math.isfinite(whole_life_cost) and whole_life_cost > 0
        ):
            problems.append(
                FieldViolation(f"{where}.whole_life_cost", "must be a number above zero")
            )
    return problems


def rank(bids: Sequence[BidScore], award: AwardSpec) -> Ranking:
    eligible = [b for b in bids if not b.rejected and b.awardable]
    basis = (
        WHOLE_LIFE_COST
        if eligible and all(b.whole_life_cost is not None for b in eligible)
        else PRICE
    )

    def cost(bid: BidScore) -> float:
        if basis == WHOLE_LIFE_COST and bid.whole_life_cost is not None:
            return bid.whole_life_cost
        return bid.price

    lowest = min((cost(b) for b in eligible), default=0.0)
    scored = []
    for bid in eligible:
        quality = figures.share(award.quality, bid.total, bid.maximum)
        scored.append((bid, quality, figures.share(award.price, lowest, cost(bid)), cost(bid)))
    ranked = sorted(scored, key=lambda s: (-figures.rounded(s[1] + s[2]), s[0].submission_id))
    out: list[RankedBid] = []
    for position, (bid, quality, price, compared) in enumerate(ranked, start=1):
        combined = figures.rounded(quality + price)
        shared = bool(out) and out[-1].combined_score == combined
        place = out[-1].rank if shared else position
        out.append(RankedBid(bid, quality, price, combined, compared, place))
    held_back = [b for b in bids if not b.rejected and not b.awardable]
    rejected = [b for b in bids if b.rejected]
    for bid in [*_by_id(held_back), *_by_id(rejected)]:  # never ranked: no price score
        quality = figures.share(award.quality, bid.total, bid.maximum)
        out.append(RankedBid(bid, quality, 0.0, 0.0, cost(bid), 0))
    return Ranking(basis, lowest, tuple(out))


def _by_id(bids: list[BidScore]) -> list[BidScore]:
    return sorted(bids, key=lambda b: b.submission_id)
