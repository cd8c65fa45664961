"""A draft's impact before it is published (PreviewImpact): recorded submissions of the
active version evaluated again on the draft, through the workers, and each change of band,
total, pass/fail or rank within its tender. Nothing is recorded and the draft is not kept."""

from __future__ import annotations

from dataclasses import dataclass

from probity.engine import BidScore, CompiledRuleSet, Encoded, Evaluations, Serialized, rank
from probity.store.log import DecisionLog, Evaluation, Query
from probity.v1 import audit_pb2, evaluation_pb2, result_pb2, submission_pb2

DEFAULT_LIMIT, MOST = 500, 5000
TIMEOUT = 600.0  # seconds for the whole re-evaluation, when the caller's deadline is later


@dataclass
class _Bid:
    """A bid of a recorded tender ranking: its price, and its rank as recorded."""

    price: float
    whole_life_cost: float | None
    rank: int


def preview(
    log: DecisionLog,
    evaluations: Evaluations,
    draft: CompiledRuleSet,
    active: CompiledRuleSet,
    request: audit_pb2.PreviewImpactRequest,
    timeout: float = TIMEOUT,
) -> audit_pb2.PreviewImpactResponse:
    """`limit` bounds every evaluation the call makes, the bids of tenders ranked again
    included, so no recorded tender, however large, makes one call load or evaluate more;
    the evaluations run within `timeout` seconds (TimeoutError otherwise)."""
    limit = min(request.limit or DEFAULT_LIMIT, MOST)
    query = Query(
        ruleset_id=active.id,
        tender_id=request.tender_id,
        since=request.since,
        until=request.until,
        limit=limit,
    )
    rows, _ = log.evaluations(query)
    chosen = [row["seq"] for row in rows if row["ruleset_version"] == active.version]
    records = {seq: found for seq in chosen if (found := log.evaluation(seq)) is not None}
    rankings, unranked = _rankings(log, active, records, limit)
    before = {seq: result_pb2.Result.FromString(found.result) for seq, found in records.items()}
    after, refused = _evaluated(evaluations, draft, records, timeout)
    ranks_before, ranks_after = _ranks(rankings, records, before, after, draft)
    response = audit_pb2.PreviewImpactResponse(
        draft=result_pb2.RulesetRef(id=draft.id, version=draft.version, digest=draft.digest),
        active_version=active.version,
        evaluated=len(after),
        refused=refused,
        unranked_tenders=unranked,
    )
    labels = {band.id: band.label for band in active.bands}
    for seq in chosen:
        if seq not in after:
            continue
        was = _outcome(before[seq], ranks_before.get(seq, 0))
        if not was.band_label:  # recorded in BASIC: the active version's wording
            was.band_label = labels.get(was.band, was.band)
        now = _outcome(after[seq], ranks_after.get(seq, 0))
        if _differ(was, now):
            found = records[seq]
            response.changes.add(
                seq=seq,
                submission_id=found.subject_id,
                tender_id=found.tender_id,
                supplier_id=found.supplier_id,
                before=was,
                after=now,
            )
    response.changed = len(response.changes)
    return response


def _evaluated(
    evaluations: Evaluations,
    draft: CompiledRuleSet,
    records: dict[int, Evaluation],
    timeout: float,
) -> tuple[dict[int, result_pb2.Result], list[str]]:
    """Each record's submission evaluated again on the draft, through the workers: the
    results by record, and the submissions the draft refuses. Past `timeout`, the batches
    not yet started are dropped (not evaluated for no one) and TimeoutError raised."""
    order = list(records)
    pending = evaluations.prepare_version(draft).submit([_submission(records[s]) for s in order])
    try:
        outcomes = pending.result(timeout=timeout)
    except TimeoutError:
        pending.cancel()
        raise
    after: dict[int, result_pb2.Result] = {}
    refused = []
    for seq, outcome in zip(order, outcomes, strict=True):
        if isinstance(outcome, Encoded):
            after[seq] = result_pb2.Result.FromString(bytes(outcome))
        else:
            refused.append(records[seq].subject_id)
    return after, refused


def _differ(was: audit_pb2.ImpactOutcome, now: audit_pb2.ImpactOutcome) -> bool:
    """Whether a submission's band, total, pass/fail or rank changed."""
    return (was.band, was.total, was.rejected, was.rank) != (
        now.band,
        now.total,
        now.rejected,
        now.rank,
    )


def _rankings(
    log: DecisionLog, active: CompiledRuleSet, records: dict[int, Evaluation], limit: int
) -> tuple[dict[str, dict[int, _Bid]], list[str]]:
    """For each tender among the records, its newest recorded ranking on the active version:
    each bid's recorded evaluation (added to `records`) with its price and rank; and the
    tenders left unranked because their other bids would take `records` past `limit` (counted
    before any of them is read)."""
    out: dict[str, dict[int, _Bid]] = {}
    unranked: list[str] = []
    for tender_id in sorted({r.tender_id for r in records.values() if r.tender_id}):
        found = log.tender(tender_id)
        if found is None or found.ruleset_digest != active.digest:
            continue
        ranking = evaluation_pb2.EvaluateTenderResponse.FromString(found.ranking)
        held = sum(1 for r in records.values() if r.tender_id == tender_id)
        if len(records) + len(ranking.bids) - held > limit:
            unranked.append(tender_id)
            continue
        by_id = {e.subject_id: e for e in log.evaluations_of_call(found.request_id)}
        bids: dict[int, _Bid] = {}
        for bid in ranking.bids:
            evaluation = by_id.get(bid.submission_id)
            if evaluation is None:
                continue
            records.setdefault(evaluation.seq, evaluation)
            cost = bid.whole_life_cost if bid.HasField("whole_life_cost") else None
            bids[evaluation.seq] = _Bid(bid.price, cost, bid.rank)
        out[tender_id] = bids
    return out, unranked


def _ranks(
    rankings: dict[str, dict[int, _Bid]],
    records: dict[int, Evaluation],
    before: dict[int, result_pb2.Result],
    after: dict[int, result_pb2.Result],
    draft: CompiledRuleSet,
) -> tuple[dict[int, int], dict[int, int]]:
    """Each ranked bid's rank as recorded, and as the draft would rank its tender."""
    was: dict[int, int] = {}
    now: dict[int, int] = {}
    award = draft.spec.award
    held_back = {band.id for band in draft.spec.bands if not band.awardable}
    for bids in rankings.values():
        was.update({seq: bid.rank for seq, bid in bids.items()})
        if award is None or any(seq not in after for seq in bids):
            continue
        scores = [
            BidScore(
                records[seq].subject_id,
                after[seq].total,
                after[seq].maximum,
                after[seq].rejected,
                (),
                bid.price,
                bid.whole_life_cost,
                awardable=after[seq].band not in held_back,
            )
            for seq, bid in bids.items()
        ]
        ranked = {r.bid.submission_id: r.rank for r in rank(scores, award).bids}
        now.update({seq: ranked.get(records[seq].subject_id, 0) for seq in bids})
    return was, now


def _outcome(result: result_pb2.Result, rank_in_tender: int) -> audit_pb2.ImpactOutcome:
    return audit_pb2.ImpactOutcome(
        band=result.band,
        band_label=result.band_label,
        total=result.total,
        rejected=result.rejected,
        rank=rank_in_tender,
    )


def _submission(found: Evaluation) -> Serialized:
    message = submission_pb2.Submission.FromString(found.submission)
    return Serialized(message.id, message.answers.SerializeToString())
