"""EvaluationService: protobuf in, engine calls, protobuf out.

Answers travel to the worker processes as serialized Structs and results come back as
serialized probity.v1.Result messages (the codec is the workers' codec), so this
process only routes bytes.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar, cast

import grpc
import structlog

from probity.codec import messages, views, wire
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.model import AwardSpec
from probity.engine.errors import EngineCrashed, FieldViolation, RecordingFailed, SubmissionError
from probity.engine.evaluation.items import Serialized
from probity.engine.evaluation.thresholds import stated_minimums
from probity.engine.evaluations import (
    Decision,
    Encoded,
    Evaluations,
    Outcome,
    Prepared,
    Recorded,
)
from probity.engine.ranking import BidScore, check_bids, rank
from probity.server import calls, errors, fields
from probity.server.reading import Unreadable
from probity.server.settings import Limits
from probity.v1 import evaluation_pb2, evaluation_pb2_grpc, result_pb2

_log = structlog.get_logger("probity.evaluation")


# The longest ids and versions a request may carry: what the decision log stores
# (store.schema), stated in the API (probity.v1). Longer ones are INVALID_ARGUMENT.


def _outcome_error(outcome: Outcome, prefix: str) -> Any:
    """The status for an outcome that is not a result, or None for a result."""
    if isinstance(outcome, Encoded):
        return None
    return errors.to_status(outcome, prefix)


class _Window:
    """Bounds a stream's submissions in evaluation, and its rate."""

    def __init__(self, limits: Limits) -> None:
        self.slots = threading.BoundedSemaphore(limits.stream_window)
        self.rate = limits.stream_rate
        self.tokens = limits.stream_rate
        self.refilled = time.monotonic()

    def over_rate(self) -> float | None:
        """Seconds to wait before the next submission, or None if it may go now."""
        if not self.rate:
            return None
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.refilled) * self.rate)
        self.refilled = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return (1 - self.tokens) / self.rate


@dataclass(frozen=True)
class _Kind:
    """What differs between evaluating submissions and checking contracts."""

    ruleset: str  # the kind of rule set it needs
    prefix: str  # where a bad answer is, in the request ("" when it names the path itself)
    error: Callable[[str, Any], Any]  # (id, status) → a stream's error response
    item: Callable[[Any], Recorded]  # what the decision log keeps of a request
    ident: Callable[[Any], str]  # a stream request's id: its answer names it
    serialized: Callable[[Any], Serialized]  # a request as the engine takes it

    TENDER: ClassVar[_Kind]
    MONITORING: ClassVar[_Kind]


def _submission_item(submission: Any) -> Recorded:
    """A submission as the log keeps it (deterministic bytes: its answers' keys sorted)."""
    return Recorded(
        submission.SerializeToString(deterministic=True),
        submission.id,
        tender_id=submission.tender_id,
        supplier_id=submission.supplier.id,
    )


def _contract_item(request: Any) -> Recorded:
    """A contract check as the log keeps it: the whole request (a CheckPortfolioRequest
    reads as a CheckContractRequest)."""
    contract = request.contract
    return Recorded(
        request.SerializeToString(deterministic=True),
        contract.contract_id,
        contract_id=contract.contract_id,
        supplier_id=contract.supplier,
    )


_Kind.TENDER = _Kind(
    "tender",
    "submission.answers",
    lambda ident, status: evaluation_pb2.EvaluateStreamResponse(submission_id=ident, error=status),
    lambda request: _submission_item(request.submission),
    lambda request: str(request.submission.id),
    lambda request: _submission(request.submission, "submission"),
)
_Kind.MONITORING = _Kind(
    "monitoring",
    "",
    lambda ident, status: evaluation_pb2.CheckPortfolioResponse(contract_id=ident, error=status),
    _contract_item,
    lambda request: str(request.contract.contract_id),
    lambda request: _series(request),
)
# Stream results recorded in one transaction, at most; and how long to wait for more
# results before recording those in hand (a commit costs an fsync, whatever its size).
_RECORD_BATCH = 512
_LINGER_SECONDS = 0.005


def _take_batch(done: queue.SimpleQueue[Any], linger: bool) -> list[Any]:
    """The next answers to record and send: at least one; when recording, what else comes
    within a few milliseconds too, so that one commit (and one fsync) covers many results."""
    batch = [done.get()]
    deadline = time.monotonic() + _LINGER_SECONDS if linger else 0.0
    while len(batch) < _RECORD_BATCH:
        if not done.empty():
            batch.append(done.get())
            continue
        left = deadline - time.monotonic()
        if left <= 0 or isinstance(batch[-1], int):
            break
        try:
            batch.append(done.get(timeout=left))
        except queue.Empty:
            break
    return batch


@dataclass(frozen=True, slots=True)
class _Answer:
    """One stream response waiting to be sent: its decision to record (None for an error),
    and how to answer instead if it cannot be recorded."""

    response: Any
    decision: Decision | None
    refuse: Callable[[Any], Any]


class EvaluationService(evaluation_pb2_grpc.EvaluationServiceServicer):
    def __init__(self, evaluations: Evaluations, limits: Limits) -> None:
        self.evaluations = evaluations
        self.limits = limits

    def _prepare(
        self,
        ruleset_id: str,
        version: str,
        kind: str = "tender",
        record: calls.CallRecord | None = None,
        view: int = 0,
    ) -> Prepared:
        """The rule set version a request names, noted on the call's record (a stream's
        reader thread passes the record: the call's context is not its own), to write
        results in `view` (a ResultView)."""
        if not ruleset_id:
            raise errors.ServiceError(
                errors.bad_request([FieldViolation("ruleset_id", "is required")], "no rule set")
            )
        fields.checked(
            ("ruleset_id", ruleset_id, fields.MAX_ID),
            ("ruleset_version", version, fields.MAX_VERSION),
        )
        if view not in messages.READ_VIEWS:
            violation = FieldViolation("view", "is not a view of results: BASIC or FULL")
            raise errors.ServiceError(errors.bad_request([violation], "unknown view"))
        prepared = self.evaluations.prepare(ruleset_id, version, kind, messages.READ_VIEWS[view])
        (record or calls.current()).digests.add(prepared.ruleset.digest)
        return prepared

    def _wait(self, future: Future[list[Outcome]], context: grpc.ServicerContext) -> list[Outcome]:
        try:
            return future.result(timeout=calls.time_left(context))
        except FutureTimeout:
            raise errors.ServiceError(
                errors.deadline("the deadline passed before evaluation finished")
            ) from None

    # -- one submission ------------------------------------------------------------------
    def Evaluate(
        self, request: evaluation_pb2.EvaluateRequest, context: grpc.ServicerContext
    ) -> bytes:
        """An EvaluateResponse, in wire format (codec.wire)."""
        return self._one(context, _Kind.TENDER, request)

    def _one(
        self,
        context: grpc.ServicerContext,
        kind: _Kind,
        request: Any,
    ) -> bytes:
        """One submission or contract: its response in wire format, or the call aborted."""
        record = calls.current()
        record.count = 1
        prepared = self._prepare(
            request.ruleset_id, request.ruleset_version, kind.ruleset, view=request.view
        )
        (outcome,) = self._wait(prepared.submit([kind.serialized(request)]), context)
        status = _outcome_error(outcome, kind.prefix)
        if status is not None:
            raise errors.ServiceError(status)
        assert isinstance(outcome, Encoded)
        response = self._deliverable(wire.evaluate_response(outcome), 1)
        _still_waited_for(context)
        prepared.recorded(record.origin, [kind.item(request)], [outcome])
        return response

    # -- a stream ------------------------------------------------------------------------
    def EvaluateStream(
        self,
        requests: Iterator[evaluation_pb2.EvaluateStreamRequest],
        context: grpc.ServicerContext,
    ) -> Iterator[evaluation_pb2.EvaluateStreamResponse | bytes]:
        return self._stream(requests, context, _Kind.TENDER)

    def _stream(
        self, requests: Iterator[Any], context: grpc.ServicerContext, kind: _Kind
    ) -> Iterator[Any]:
        """A reader thread takes requests and sends each to the pool as it
        arrives; results are recorded in the decision log, in batches, then yielded here as
        they finish. Every request gets exactly one response."""
        record = calls.current()
        window = _Window(self.limits)
        # Answers (responses as messages or bytes in wire format, see codec.wire); an int
        # when the reader is done: the number of requests it read.
        done: queue.SimpleQueue[_Answer | int] = queue.SimpleQueue()
        reader = threading.Thread(
            target=self._read_stream,
            args=(requests, context, window, done, record, kind),
            daemon=True,
            name="probity-stream-reader",
        )
        reader.start()
        sent, expected = 0, None
        while expected is None or sent < expected:
            batch = _take_batch(done, self.evaluations.recording)
            answers = []
            for item in batch:
                if isinstance(item, int):
                    expected = item
                else:
                    answers.append(item)
            responses, recorded = self._recorded(answers, record)
            decisions = [a.decision for a in answers] if recorded else [None] * len(answers)
            for response in self._sending(responses, decisions, record):
                window.slots.release()
                sent += 1
                yield response
        reader.join()

    def _sending(
        self, responses: list[Any], decisions: list[Decision | None], record: calls.CallRecord
    ) -> Iterator[Any]:
        """Each response in turn; if the call ends first (the caller cancelled or went
        away), the recorded decisions of those never handed to gRPC are noted undelivered
        in the decision log, and counted on the call's log line."""
        for position, response in enumerate(responses):
            try:
                yield response
            except GeneratorExit:
                unsent = [d for d in decisions[position + 1 :] if d is not None]
                record.undelivered += len(unsent)
                try:
                    self.evaluations.undelivered(unsent)
                except RecordingFailed as exc:
                    _log.error("undelivered not noted", reason=str(exc), count=len(unsent))
                raise

    def _recorded(self, answers: list[_Answer], record: calls.CallRecord) -> tuple[list[Any], bool]:
        """The responses to send, once their results are in the decision log, and whether
        they are; if it cannot take them, each result is replaced by an UNAVAILABLE error
        for its item."""
        decisions = [a.decision for a in answers if a.decision is not None]
        try:
            self.evaluations.record(decisions)
        except RecordingFailed as exc:
            record.failed += len(decisions)
            status = errors.to_status(exc)
            responses = [a.response if a.decision is None else a.refuse(status) for a in answers]
            return responses, False
        return [a.response for a in answers], True

    def _read_stream(
        self,
        requests: Iterator[evaluation_pb2.EvaluateStreamRequest],
        context: grpc.ServicerContext,
        window: _Window,
        done: queue.SimpleQueue[Any],
        record: calls.CallRecord,
        kind: _Kind,
    ) -> None:
        count = 0
        try:
            for request in requests:
                while not window.slots.acquire(timeout=1):
                    if not context.is_active():
                        return
                count += 1
                self._stream_item(kind, request, count, window, done, record)
        except grpc.RpcError:  # the client went away; what was read is still answered
            pass
        finally:
            record.count = count
            done.put(count)

    def _admit(self, count: int, window: _Window) -> Any:
        """The status refusing a stream's `count`th item over the limits, or None."""
        if count > self.limits.max_submissions_per_call:
            limit = self.limits.max_submissions_per_call
            return errors.exhausted("submissions", f"a stream takes at most {limit} submissions")
        wait = window.over_rate()
        if wait is not None:
            rate = self.limits.stream_rate
            return errors.exhausted("stream_rate", f"over {rate:g} submissions/s", wait)
        return None

    def _stream_item(
        self,
        kind: _Kind,
        request: Any,
        count: int,
        window: _Window,
        done: queue.SimpleQueue[Any],
        record: calls.CallRecord,
    ) -> None:
        """Send one request of a stream to the pool; its response (its id and the result in
        wire format, or the error) goes to `done` when it is finished."""
        unreadable = isinstance(request, Unreadable)
        ident = request.ident() if unreadable else kind.ident(request)
        refuse = partial(kind.error, ident)

        def fail(status: Any) -> None:
            record.failed += 1
            done.put(_Answer(refuse(status), None, refuse))

        refused = errors.unreadable(request) if unreadable else self._admit(count, window)
        if refused is not None:  # an unreadable item fails alone, at its field
            fail(refused)
            return
        try:
            prepared = self._prepare(
                request.ruleset_id,
                request.ruleset_version,
                kind.ruleset,
                record,
                request.view,
            )
            submission = kind.serialized(request)
        except errors.TRANSLATED as exc:  # one item of a stream fails alone
            fail(errors.to_status(exc))
            return

        def finished(future: Future[list[Outcome]]) -> None:
            try:
                (outcome,) = future.result()
            except Exception as exc:  # the pool settles every future; this is belt and braces
                outcome = EngineCrashed(f"{ident}: {exc}")
            status = _outcome_error(outcome, kind.prefix)
            if status is not None:
                fail(status)
                return
            assert isinstance(outcome, Encoded)
            decision = None
            if prepared.recording:
                decision = prepared.decision(record.origin, count, kind.item(request), outcome)
            done.put(_Answer(wire.stream_result(ident, outcome), decision, refuse))

        prepared.submit([submission]).add_done_callback(finished)

    # -- contract monitoring -------------------------------------------------------------
    def CheckContract(
        self, request: evaluation_pb2.CheckContractRequest, context: grpc.ServicerContext
    ) -> bytes:
        """A CheckContractResponse, in wire format (codec.wire)."""
        return self._one(context, _Kind.MONITORING, request)

    def CheckPortfolio(
        self,
        requests: Iterator[evaluation_pb2.CheckPortfolioRequest],
        context: grpc.ServicerContext,
    ) -> Iterator[evaluation_pb2.CheckPortfolioResponse | bytes]:
        return self._stream(requests, context, _Kind.MONITORING)

    # -- a whole tender ------------------------------------------------------------------
    def EvaluateTender(
        self, request: evaluation_pb2.EvaluateTenderRequest, context: grpc.ServicerContext
    ) -> bytes:
        calls.current().count = len(request.bids)
        return self._tender(request, context)

    def _tender(
        self, request: evaluation_pb2.EvaluateTenderRequest, context: grpc.ServicerContext
    ) -> bytes:
        """The EvaluateTenderResponse in wire format: each bid's result goes as its worker
        serialized it (codec.wire), not parsed, copied twice and serialized again."""
        prepared = self._prepare(request.ruleset_id, request.ruleset_version, view=request.view)
        limit = self.limits.tender_bids(prepared.view)
        if len(request.bids) > limit:
            said = (
                f"a tender call takes at most {limit:,} bids with {prepared.view.upper()} "
                "results, so that its answer fits one message; send more through "
                "EvaluateTenderStream (probity tender does)"
            )
            raise errors.ServiceError(errors.exhausted("bids", said))
        ruleset = prepared.ruleset
        award = _award(ruleset)
        bids = request.bids
        fields.checked(("tender_id", request.tender_id, fields.MAX_ID))
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
            raise errors.ServiceError(
                errors.bad_request(problems, "the tender's bids are not valid")
            )
        submissions = [
            _submission(b.submission, f"bids[{n}].submission") for n, b in enumerate(bids)
        ]
        outcomes = self._wait(prepared.submit(submissions), context)
        results = self._tender_results(outcomes)
        head, scored = _ranking(request.tender_id, ruleset, award, list(bids), results)
        by_id = {b.submission.id: o for b, o in zip(bids, outcomes, strict=True)}
        out = [head.SerializeToString()]
        for bid_result in scored:
            outcome = cast(Encoded, by_id[bid_result.submission_id])
            out.append(wire.bid_result(bid_result.SerializeToString(), outcome))
        _still_waited_for(context)
        response = self._deliverable(b"".join(out), len(bids))
        if prepared.recording:  # only what can be sent is recorded as sent
            stored = [_submission_item(bid.submission) for bid in bids]
            origin = calls.current().origin
            head.bids.extend(scored)  # the ranking as sent, without the results
            ranked = prepared.tender(origin, request.tender_id, head.SerializeToString(), len(bids))
            prepared.recorded(origin, stored, outcomes, tender=ranked)
        return response

    def _deliverable(self, response: bytes, items: int) -> bytes:
        """The response, if gRPC can send it; else RESOURCE_EXHAUSTED, before anything is
        recorded (gRPC would fail the call only after the handler returned, with the call
        logged OK and its results in the decision log as sent)."""
        limit = self.limits.max_message_bytes
        if len(response) <= limit:
            return response
        per_item = len(response) // max(1, items)
        fits = max(1, limit // max(1, per_item))
        advice = (
            f"send at most about {fits:,} at a time, or raise the server's message limit "
            "(--max-message-bytes)"
        )
        raise errors.ServiceError(errors.oversized(len(response), limit, advice))

    # -- a whole tender, streamed --------------------------------------------------------
    def EvaluateTenderStream(
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
            raise errors.ServiceError(errors.unreadable(header))
        if header is None or header.WhichOneof("item") != "tender":
            said = "the first message names the tender: its rule set and tender id"
            violation = FieldViolation("tender", said)
            raise errors.ServiceError(errors.bad_request([violation], said))
        tender = header.tender
        fields.checked(("tender.tender_id", tender.tender_id, fields.MAX_ID))
        prepared = self._prepare(
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
        head.bids.extend(scored)
        if prepared.recording:  # its bids are recorded already, each as it was sent
            ranking = head.SerializeToString()
            prepared.record(
                [], prepared.tender(record.origin, tender.tender_id, ranking, len(bids))
            )
        yield evaluation_pb2.EvaluateTenderStreamResponse(ranking=head)

    def _admit_bid(self, request: Any, state: _TenderState) -> Serialized | Any:
        """A tender stream's request: its bid's submission for the engine, or the error
        response refusing it."""
        if isinstance(request, Unreadable):
            return _bid_error(request.ident(), errors.unreadable(request))
        if request.WhichOneof("item") != "bid":
            violation = FieldViolation("bid", "after the first message, every message is a bid")
            return _bid_error("", errors.bad_request([violation], violation.reason))
        bid = request.bid
        if state.count > self.limits.max_submissions_per_call:
            limit = self.limits.max_submissions_per_call
            status = errors.exhausted("bids", f"a tender stream takes at most {limit} bids")
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
            status = errors.bad_request(problems, "the bid is not valid")
            return _bid_error(bid.submission.id, status)
        try:
            submission = _submission(bid.submission, "bid.submission")  # id lengths too
        except errors.ServiceError as exc:
            return _bid_error(bid.submission.id, errors.to_status(exc))
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
        outcomes = self._wait(future, context)
        record = calls.current()
        answers: list[Any] = []  # messages, or bytes in wire format
        decisions: list[Decision | None] = []  # each answer's: None for an error
        for (number, bid), outcome in zip(chunk, outcomes, strict=True):
            status = _outcome_error(outcome, "bid.submission.answers")
            if status is not None:
                record.failed += 1
                answers.append(_bid_error(bid.submission.id, status))
                decisions.append(None)
                continue
            encoded = cast(Encoded, outcome)
            decision = None
            if prepared.recording:
                item = _submission_item(bid.submission)
                decision = prepared.decision(record.origin, number, item, encoded)
            decisions.append(decision)
            state.bids.append(bid)
            state.results.append(result_pb2.Result.FromString(cast(bytes, encoded)))
            answer = wire.stream_result(bid.submission.id, encoded)
            answers.append(wire.field(_TENDER_BID_FIELD, answer))
        self.evaluations.record([d for d in decisions if d is not None])  # before sending
        yield from self._sending(answers, decisions, record)

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
                raise errors.ServiceError(errors.crashed(outcome))
            else:
                # Parsing takes any buffer, a lent result too (engine.workers.Encoded).
                results.append(result_pb2.Result.FromString(cast(bytes, outcome)))
        if violations:
            raise errors.ServiceError(
                errors.bad_request(violations, "some bids' answers are not valid")
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


def _still_waited_for(context: grpc.ServicerContext) -> None:
    """Before a unary answer is recorded: a caller that cancelled while it was evaluated
    gets nothing, so nothing is recorded as sent (the call is logged CANCELLED)."""
    if not context.is_active():
        raise errors.ServiceError(errors.cancelled("the caller cancelled the call"))


def _award(ruleset: CompiledRuleSet) -> AwardSpec:
    """The rule set's quality:price split; FAILED_PRECONDITION if it declares none."""
    award = ruleset.spec.award
    if award is None:
        message = f"rule set {ruleset.id} declares no quality:price split ('award')"
        raise errors.ServiceError(errors.precondition(ruleset.id, message))
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
    scores = [
        BidScore(
            b.submission.id,
            r.total,
            r.maximum,
            r.rejected,
            views.exclusion_reasons(r, ruleset),  # a BASIC result does not carry them
            b.price,
            b.whole_life_cost if b.HasField("whole_life_cost") else None,
        )
        for b, r in zip(bids, results, strict=True)
    ]
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
    )
    scored = []
    for ranked in ranking.bids:
        bid = by_id[ranked.bid.submission_id]
        scored.append(
            evaluation_pb2.BidResult(
                submission_id=bid.submission.id,
                supplier_id=bid.submission.supplier.id,
                supplier_name=bid.submission.supplier.name,
                quality_score=ranked.quality_score,
                price_score=ranked.price_score,
                combined_score=ranked.combined_score,
                compared_cost=ranked.compared_cost,
                price=bid.price,
                whole_life_cost=ranked.bid.whole_life_cost,
                rank=ranked.rank,
                excluded=ranked.bid.rejected,  # deprecated, kept equal for older clients
                exclusion_reason="; ".join(ranked.bid.rejection_reasons),
                rejected=ranked.bid.rejected,
            )
        )
    return head, scored


def _series(request: Any) -> Serialized:
    """A contract and its returns for the engine, still as request bytes for the codec (a
    CheckPortfolioRequest has a CheckContractRequest's fields). A missing contract id is
    the engine's to report, with every other problem of the contract in the same answer."""
    return Serialized(request.contract.contract_id, request.SerializeToString())


def _submission(message: Any, where: str) -> Serialized:
    """The engine's submission: its id, and its answers still as Struct bytes for the codec."""
    if not message.id:
        raise errors.ServiceError(
            errors.bad_request([FieldViolation(f"{where}.id", "is required")], "no submission id")
        )
    fields.checked(
        (f"{where}.id", message.id, fields.MAX_ID),
        (f"{where}.tender_id", message.tender_id, fields.MAX_ID),
        (f"{where}.supplier.id", message.supplier.id, fields.MAX_ID),
        (f"{where}.supplier.name", message.supplier.name, fields.MAX_ID),
    )
    return Serialized(message.id, message.answers.SerializeToString())
