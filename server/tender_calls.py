"""A whole tender (EvaluateTender, EvaluateTenderStream): every bid evaluated, then ranked
on quality and price (engine.ranking); the unary answer carries each bid's result in wire
format as its worker wrote it, the stream sends each bid's as its chunk finishes and the
ranking last."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, cast

import grpc

from probity.codec import views, wire
from probity.engine import (
    AwardSpec,
    BidScore,
    CompiledRuleSet,
    Encoded,
    EngineCrashed,
    FieldViolation,
    Outcome,
    Prepared,
    Serialized,
    SubmissionError,
    check_bids,
    rank,
    stated_minimums,
)
from probity.server import calls, fields, statuses
from probity.server.handling import (
    EvaluationCalls,
    as_submission,
    outcome_error,
    still_waited_for,
    submission_item,
)
from probity.server.reading import Unreadable
from probity.store.decisions import Decision
from probity.v1 import evaluation_pb2, result_pb2


class TenderCalls(EvaluationCalls):
    def evaluate(
        self,
        request: evaluation_pb2.EvaluateTenderRequest,
        context: grpc.ServicerContext,
        panel_answers: bool = False,
    ) -> bytes:
        """The EvaluateTenderResponse in wire format: each bid's result goes as its worker
        serialized it (codec.wire), not parsed, copied twice and serialized again.
        `panel_answers`: the bids carry the evaluation panel's moderated scores (the panel
        ranking a tender again, never a portal); nothing is answered then (b""), only
        recorded, so no message limit applies."""
        prepared = self.prepare(request.ruleset_id, request.ruleset_version, view=request.view)
        limit = self.limits.tender_bids(prepared.view)
        if len(request.bids) > limit and not panel_answers:
            said = (
                f"a tender call takes at most {limit:,} bids with {prepared.view.upper()} "
                "results, so that its answer fits one message; send more through "
                "EvaluateTenderStream (probity tender does)"
            )
            raise statuses.ServiceError(statuses.exhausted("bids", said))
        ruleset = prepared.ruleset
        award = _award(ruleset)
        bids = request.bids
        fields.checked(("tender_id", request.tender_id, fields.MAX_ID))
        fields.checked_details("details", request.details)
        problems = check_bids(
            [
                (
                    b.submission.id,
                    b.price,
                    b.whole_life_cost if b.HasField("whole_life_cost") else None,
                )
                for b in bids
            ]
        )
        for n, bid in enumerate(bids):
            problems += _other_tender(bid, request.tender_id, f"bids[{n}]")
        if problems:
            raise statuses.ServiceError(
                statuses.bad_request(problems, "the tender's bids are not valid")
            )
        submissions = [
            as_submission(b.submission, f"bids[{n}].submission", panel_answers)
            for n, b in enumerate(bids)
        ]
        outcomes = self.wait(prepared.submit(submissions), context)
        results = self._tender_results(outcomes)
        head, scored = _ranking(request.tender_id, ruleset, award, list(bids), results)
        head.details.CopyFrom(request.details)
        by_id = {b.submission.id: o for b, o in zip(bids, outcomes, strict=True)}
        out = [head.SerializeToString()]
        for bid_result in scored:
            outcome = cast(Encoded, by_id[bid_result.submission_id])
            out.append(wire.bid_result(bid_result.SerializeToString(), outcome))
        still_waited_for(context)
        response = b"" if panel_answers else self.deliverable(b"".join(out), len(bids))
        if self.recorder.recording:  # only what can be sent is recorded as sent
            stored = [submission_item(bid.submission) for bid in bids]
            origin = calls.current().origin
            head.bids.extend(scored)  # the ranking as sent, without the results
            ranking = head.SerializeToString()
            ranked = self.recorder.tender(prepared, origin, request.tender_id, ranking, len(bids))
            self.recorder.recorded(prepared, origin, stored, outcomes, tender=ranked)
        return response

    def stream(
        self,
        requests: Iterator[evaluation_pb2.EvaluateTenderStreamRequest],
        context: grpc.ServicerContext,
    ) -> Iterator[evaluation_pb2.EvaluateTenderStreamResponse | bytes]:
        """Bids are read in chunks and each chunk sent to the pool as it is read; each bid's
        result is recorded, then sent, as its chunk finishes (a bad bid fails alone); the
        ranking of every bid evaluated comes last."""
        record = calls.current()
        header = next(requests, None)
        if isinstance(header, Unreadable):
            raise statuses.ServiceError(statuses.unreadable(header))
        if header is None or header.WhichOneof("item") != "tender":
            said = "the first message names the tender: its rule set and tender id"
            violation = FieldViolation("tender", said)
            raise statuses.ServiceError(statuses.bad_request([violation], said))
        tender = header.tender
        fields.checked(("tender.tender_id", tender.tender_id, fields.MAX_ID))
        fields.checked_details("tender.details", tender.details)
        prepared = self.prepare(
            tender.ruleset_id, tender.ruleset_version, "tender", record, tender.view
        )
        award = _award(prepared.ruleset)
        state = _TenderState(tender.tender_id)
        pending: list[tuple[list[tuple[int, Any]], Future[list[Outcome]]]] = []
        for chunk in _chunks(requests, _TENDER_CHUNK):
            good, submissions = [], []
            for request in chunk:
                state.count += 1
                admitted = self._admit_bid(request, state)
                if isinstance(admitted, Serialized):
                    good.append((state.count, request.bid))
                    submissions.append(admitted)
                else:
                    record.failed += 1
                    yield admitted
            if good:
                pending.append((good, prepared.submit(submissions)))
            while len(pending) > 2 or (pending and pending[0][1].done()):
                yield from self._bids_done(*pending.pop(0), prepared, state, context)
        while pending:
            yield from self._bids_done(*pending.pop(0), prepared, state, context)
        record.count = state.count
        bids, results = state.bids, state.results
        head, scored = _ranking(tender.tender_id, prepared.ruleset, award, bids, results)
        head.details.CopyFrom(tender.details)
        head.bids.extend(scored)
        if self.recorder.recording:  # its bids are recorded already, each as it was sent
            ranking = head.SerializeToString()
            ranked = self.recorder.tender(
                prepared, record.origin, tender.tender_id, ranking, len(bids)
            )
            self.recorder.record([], ranked)
        yield evaluation_pb2.EvaluateTenderStreamResponse(ranking=head)

    def _admit_bid(self, request: Any, state: _TenderState) -> Serialized | Any:
        """A tender stream's request: its bid's submission for the engine, or the error
        response refusing it."""
        if isinstance(request, Unreadable):
            return _bid_error(request.ident(), statuses.unreadable(request))
        if request.WhichOneof("item") != "bid":
            violation = FieldViolation("bid", "after the first message, every message is a bid")
            return _bid_error("", statuses.bad_request([violation], violation.reason))
        bid = request.bid
        if state.count > self.limits.max_submissions_per_call:
            limit = self.limits.max_submissions_per_call
            status = statuses.exhausted("bids", f"a tender stream takes at most {limit} bids")
            return _bid_error(bid.submission.id, status)
        wlc = bid.whole_life_cost if bid.HasField("whole_life_cost") else None
        problems = [
            FieldViolation(v.field.replace("bids[0]", "bid", 1), v.reason)
            for v in check_bids([(bid.submission.id, bid.price, wlc)])
        ]
        problems += _other_tender(bid, state.tender_id, "bid")
        if bid.submission.id in state.seen:
            reason = f"{bid.submission.id!r} is used twice"
            problems.append(FieldViolation("bid.submission.id", reason))
        if problems:
            status = statuses.bad_request(problems, "the bid is not valid")
            return _bid_error(bid.submission.id, status)
        try:
            submission = as_submission(bid.submission, "bid.submission")  # id lengths too
        except statuses.ServiceError as exc:
            return _bid_error(bid.submission.id, statuses.to_status(exc))
        state.seen.add(bid.submission.id)
        return submission

    def _bids_done(
        self,
        chunk: list[tuple[int, Any]],
        future: Future[list[Outcome]],
        prepared: Prepared,
        state: _TenderState,
        context: grpc.ServicerContext,
    ) -> Iterator[Any]:
        """A chunk's answers: recorded, then sent; its results kept for the ranking."""
        outcomes = self.wait(future, context)
        record = calls.current()
        answers: list[Any] = []  # messages, or bytes in wire format
        decisions: list[Decision | None] = []  # each answer's: None for an error
        for (number, bid), outcome in zip(chunk, outcomes, strict=True):
            status = outcome_error(outcome, "bid.submission.answers")
            if status is not None:
                record.failed += 1
                answers.append(_bid_error(bid.submission.id, status))
                decisions.append(None)
                continue
            encoded = cast(Encoded, outcome)
            decision = None
            if self.recorder.recording:
                item = submission_item(bid.submission)
                decision = self.recorder.decision(prepared, record.origin, number, item, encoded)
            decisions.append(decision)
            state.bids.append(bid)
            state.results.append(result_pb2.Result.FromString(cast(bytes, encoded)))
            answer = wire.stream_result(bid.submission.id, encoded)
            answers.append(wire.field(_TENDER_BID_FIELD, answer))
        self.recorder.record([d for d in decisions if d is not None])  # before sending
        yield from self.sending(answers, decisions, record)

    def _tender_results(self, outcomes: list[Outcome]) -> list[result_pb2.Result]:
        """Every bid's result, or the error for the whole tender naming each bad bid."""
        violations: list[FieldViolation] = []
        results = []
        for n, outcome in enumerate(outcomes):
            if isinstance(outcome, SubmissionError):
                prefix = f"bids[{n}].submission.answers"
                violations.extend(
                    FieldViolation(f"{prefix}.{v.field}", v.reason) for v in outcome.violations
                )
            elif isinstance(outcome, EngineCrashed):
                raise statuses.ServiceError(statuses.crashed(outcome))
            else:
                # Parsing takes any buffer, a lent result too (engine.workers.Encoded).
                results.append(result_pb2.Result.FromString(cast(bytes, outcome)))
        if violations:
            raise statuses.ServiceError(
                statuses.bad_request(violations, "some bids' answers are not valid")
            )
        return results


# Bids of a tender stream sent to the pool together, at most; and the response field a
# bid's answer travels in (EvaluateTenderStreamResponse.bid).
_TENDER_CHUNK = 64
_TENDER_BID_FIELD = evaluation_pb2.EvaluateTenderStreamResponse.BID_FIELD_NUMBER


@dataclass
class _TenderState:
    """What a tender stream has read so far, and the bids evaluated, for the ranking."""

    tender_id: str
    count: int = 0
    seen: set[str] = field(default_factory=set)
    bids: list[Any] = field(default_factory=list)
    results: list[result_pb2.Result] = field(default_factory=list)


def _bid_error(ident: str, status: Any) -> evaluation_pb2.EvaluateTenderStreamResponse:
    answer = evaluation_pb2.EvaluateStreamResponse(submission_id=ident, error=status)
    return evaluation_pb2.EvaluateTenderStreamResponse(bid=answer)


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    """Lists of up to `size` items, each as soon as it is full or the items end."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _other_tender(bid: Any, tender_id: str, where: str) -> list[FieldViolation]:
    """The problem of a bid that names another tender than the call's, if it does."""
    tender = bid.submission.tender_id
    if tender and tender_id and tender != tender_id:
        reason = f"is {tender!r}, not the tender's {tender_id!r}"
        return [FieldViolation(f"{where}.submission.tender_id", reason)]
    return []


def _award(ruleset: CompiledRuleSet) -> AwardSpec:
    """The rule set's quality:price split; FAILED_PRECONDITION if it declares none."""
    award = ruleset.spec.award
    if award is None:
        message = f"rule set {ruleset.id} declares no quality:price split ('award')"
        raise statuses.ServiceError(statuses.precondition(ruleset.id, message))
    return award


def _ranking(
    tender_id: str,
    ruleset: CompiledRuleSet,
    award: AwardSpec,
    bids: list[Any],
    results: list[result_pb2.Result],
) -> tuple[evaluation_pb2.EvaluateTenderResponse, list[evaluation_pb2.BidResult]]:
    """A tender's head (its rule set, weighting, cost basis) and its bids' scores in rank
    order, without their results (the unary answer adds them in wire format)."""
    held_back = _not_awardable(ruleset)
    scores = [
        BidScore(
            b.submission.id,
            r.total,
            r.maximum,
            r.rejected,
            views.exclusion_reasons(r, ruleset),  # a BASIC result does not carry them
            b.price,
            b.whole_life_cost if b.HasField("whole_life_cost") else None,
            awardable=r.band not in held_back,
        )
        for b, r in zip(bids, results, strict=True)
    ]
    bands = {b.submission.id: r.band for b, r in zip(bids, results, strict=True)}
    ranking = rank(scores, award)
    by_id = {b.submission.id: b for b in bids}
    reference = result_pb2.RulesetRef(id=ruleset.id, version=ruleset.version, digest=ruleset.digest)
    head = evaluation_pb2.EvaluateTenderResponse(
        tender_id=tender_id,
        ruleset=reference,
        weighting=evaluation_pb2.AwardWeighting(quality=award.quality, price=award.price),
        cost_basis=ranking.basis,
        lowest_cost=ranking.lowest_cost,
        minimums=[
            evaluation_pb2.MinimumScore(
                kind=m.kind, subject=m.subject, least=m.least, statement=m.statement
            )
            for m in stated_minimums(ruleset)
        ],
        bands=[_standing(band) for band in ruleset.spec.bands],
        sensitive_answers=[i.path for i in ruleset.spec.inputs if i.commercially_sensitive],
        awaiting_panel=any(r.awaiting_panel for r in results),
    )
    scored = []
    for ranked in ranking.bids:
        bid = by_id[ranked.bid.submission_id]
        held = not ranked.bid.rejected and not ranked.bid.awardable
        scored.append(
            evaluation_pb2.BidResult(
                submission_id=bid.submission.id,
                supplier_id=bid.submission.supplier.id,
                supplier_name=bid.submission.supplier.name,
                quality_score=ranked.quality_score,
                price_score=ranked.price_score if ranked.ranked else None,
                combined_score=ranked.combined_score if ranked.ranked else None,
                compared_cost=ranked.compared_cost,
                price=bid.price,
                whole_life_cost=ranked.bid.whole_life_cost,
                rank=ranked.rank,
                excluded=ranked.bid.rejected,  # deprecated, kept equal for older clients
                exclusion_reason="; ".join(ranked.bid.rejection_reasons),
                rejected=ranked.bid.rejected,
                supplier=bid.submission.supplier,
                not_awardable=held,
                not_awardable_reason=held_back.get(bands[bid.submission.id], "") if held else "",
            )
        )
    return head, scored


def _standing(band: Any) -> evaluation_pb2.BandStanding:
    """A band, and whether a bid in it may be awarded, in a sentence."""
    awardable = band.awardable and not band.gate_failure
    said = f"{band.label}: {_meaning(band)}." if band.description else f"{band.label}."
    if not band.gate_failure:  # the rejected band's own words say it is not ranked
        said += " May be awarded." if awardable else " May not be awarded; not ranked."
    return evaluation_pb2.BandStanding(
        band=band.id, label=band.label, awardable=awardable, statement=said
    )


def _meaning(band: Any) -> str:
    """A band's description as a clause: "falls short of the ethical standards expected"."""
    text = str(band.description or "").strip().rstrip(".")
    return text[:1].lower() + text[1:]


def _not_awardable(ruleset: CompiledRuleSet) -> dict[str, str]:
    """The bands of a rule set that may not be awarded, and why, for the bidder."""
    return {
        band.id: f"In the band {band.label}"
        + (f" ({_meaning(band)})" if band.description else "")
        + ", which may not be awarded the contract."
        for band in ruleset.spec.bands
        if not band.awardable and not band.gate_failure
    }
