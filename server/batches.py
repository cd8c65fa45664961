"""Batches of submissions (EvaluateBatch, EvaluateBatchStream): many submissions in one
request and their answers in one response, so that Python gRPC's cost per message (most of
a stream's cost per submission) is paid once per batch. Each submission still gets exactly
one answer, its result or its error, in the order sent; a bad one fails alone.

A batch goes to the pool as one request (cut there into one job per worker); its results are
recorded in the decision log in one transaction, then sent. A stream keeps at most
`stream_window` submissions in evaluation, and answers its batches in the order they came.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import grpc

from probity.codec import wire
from probity.engine import (
    Encoded,
    FieldViolation,
    Outcome,
    Prepared,
    RecordingFailed,
    Serialized,
)
from probity.server import calls, statuses
from probity.server.handling import (
    EvaluationCalls,
    Rate,
    as_submission,
    outcome_error,
    still_waited_for,
    submission_item,
)
from probity.server.reading import Unreadable
from probity.store.decisions import Decision
from probity.v1 import evaluation_pb2


def _error(ident: str, status: Any) -> bytes:
    """One submission's answer that is an error, in wire format."""
    answer = evaluation_pb2.EvaluateStreamResponse(submission_id=ident, error=status)
    return answer.SerializeToString()


@dataclass
class _Batch:
    """One request's submissions: each one's answer so far (None while it is evaluated),
    and what went to the engine."""

    number: int  # the request's place in its stream (1 first); 0 for EvaluateBatch
    first: int  # how many submissions came before this batch in its call
    answers: list[bytes | wire.Pieces | None] = field(default_factory=list)
    sent: list[Serialized] = field(default_factory=list)
    # Each submission sent: its answer's slot, its place in the request, the message.
    waiting: list[tuple[int, int, Any]] = field(default_factory=list)
    results: list[int] = field(default_factory=list)  # the slots holding results
    failed: int = 0

    def refuse(self, ident: str, status: Any, slot: int | None = None) -> None:
        """Answer one submission with an error: in its slot, or as the next answer."""
        if slot is None:
            self.answers.append(_error(ident, status))
        else:
            self.answers[slot] = _error(ident, status)
        self.failed += 1

    def refuse_all(self, submissions: Any, status: Any) -> None:
        for submission in submissions:
            self.refuse(submission.id, status)

    def done(self) -> list[bytes | wire.Pieces]:
        answers = [a for a in self.answers if a is not None]
        assert len(answers) == len(self.answers), "every submission is answered"
        return answers


class _Window:
    """Bounds the submissions a stream has in evaluation: its reader waits for room."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.changed = threading.Condition()

    def take(self, count: int, context: grpc.ServicerContext) -> bool:
        """Room for `count` more (a batch larger than the window goes alone); False if the
        call ended while waiting."""
        with self.changed:
            while self.used and self.used + count > self.limit:
                if not self.changed.wait(timeout=1) and not context.is_active():
                    return False
            self.used += count
            return True

    def give(self, count: int) -> None:
        with self.changed:
            self.used -= count
            self.changed.notify()


class Batches(EvaluationCalls):
    # -- one batch ----------------------------------------------------------------------
    def evaluate(
        self, request: evaluation_pb2.EvaluateBatchRequest, context: grpc.ServicerContext
    ) -> bytes:
        """The EvaluateBatchResponse, in wire format: each result as its worker wrote it."""
        record = calls.current()
        record.count = len(request.submissions)
        prepared = self.prepare(request.ruleset_id, request.ruleset_version, view=request.view)
        refused = self._oversized(len(request.submissions), prepared, 0)
        if refused is not None:
            raise statuses.ServiceError(refused)
        batch = _admitted(request.submissions, _Batch(0, 0), Rate(0))
        outcomes = self.wait(prepared.submit(batch.sent), context)
        decisions = self._settled(batch, outcomes, prepared, record)
        record.failed += batch.failed
        response = self.deliverable(wire.batch_response(batch.done(), 0), len(batch.answers))
        still_waited_for(context)
        self.recorder.record(decisions)
        return response

    # -- a stream of batches ------------------------------------------------------------
    def stream(
        self,
        requests: Iterator[evaluation_pb2.EvaluateBatchStreamRequest | Unreadable],
        context: grpc.ServicerContext,
    ) -> Iterator[bytes]:
        """A reader thread sends each request's batch to the pool as it is read (so a
        caller may wait for one batch's answers before sending the next); here each batch's
        answers are recorded, then sent, once it is done, in the order the requests came."""
        record = calls.current()
        window = _Window(self.limits.stream_window)
        rate = Rate(self.limits.stream_rate)
        ready: queue.SimpleQueue[_Sent | None] = queue.SimpleQueue()
        reader = threading.Thread(
            target=self._read_batches,
            args=(requests, context, record, (window, rate), ready),
            daemon=True,
            name="probity-batch-reader",
        )
        reader.start()
        while (sent := ready.get()) is not None:
            batch, prepared, future = sent
            response = self._answered(batch, prepared, future, record, context)
            window.give(len(batch.sent))
            yield response
        reader.join()

    def _read_batches(
        self,
        requests: Iterator[Any],
        context: grpc.ServicerContext,
        record: calls.CallRecord,
        bounds: tuple[_Window, Rate],
        ready: queue.SimpleQueue[_Sent | None],
    ) -> None:
        count = 0
        window, rate = bounds
        try:
            for number, request in enumerate(requests, 1):
                batch, prepared = self._stream_batch(request, number, count, record, rate)
                count += len(batch.answers)
                if not window.take(len(batch.sent), context):
                    return
                future = prepared.submit(batch.sent) if prepared else _no_outcomes()
                ready.put((batch, prepared, future))
        except grpc.RpcError:  # the caller went away; what was read is still answered
            pass
        finally:
            record.count = count
            ready.put(None)

    def _stream_batch(
        self, request: Any, number: int, before: int, record: calls.CallRecord, rate: Rate
    ) -> tuple[_Batch, Prepared | None]:
        """A stream's request as a batch: its submissions admitted, or each refused (an
        unreadable request is one answer, its error)."""
        batch = _Batch(number, before)
        if isinstance(request, Unreadable):
            batch.refuse(request.ident(), statuses.unreadable(request))
            return batch, None
        try:
            prepared = self.prepare(
                request.ruleset_id, request.ruleset_version, "tender", record, request.view
            )
        except statuses.TRANSLATED as exc:  # this batch alone fails, each submission with it
            batch.refuse_all(request.submissions, statuses.to_status(exc))
            return batch, None
        refused = self._oversized(len(request.submissions), prepared, before)
        if refused is not None:
            batch.refuse_all(request.submissions, refused)
            return batch, None
        return _admitted(request.submissions, batch, rate), prepared

    def _answered(
        self,
        batch: _Batch,
        prepared: Prepared | None,
        future: Future[list[Outcome]],
        record: calls.CallRecord,
        context: grpc.ServicerContext,
    ) -> bytes:
        """A batch's response, once its results are in the decision log; if the log cannot
        take them, each result is replaced by an UNAVAILABLE error for its submission."""
        outcomes = self.wait(future, context)
        decisions = self._settled(batch, outcomes, prepared, record) if prepared else []
        try:
            self.recorder.record(decisions)
        except RecordingFailed as exc:
            status = statuses.to_status(exc)
            idents = {slot: message.id for slot, _, message in batch.waiting}
            for slot in batch.results:
                batch.refuse(idents[slot], status, slot)
        record.failed += batch.failed
        return wire.batch_response(batch.done(), batch.number)

    # -- what both do ---------------------------------------------------------------------
    def _oversized(self, count: int, prepared: Prepared, before: int) -> Any:
        """The status refusing a batch over the limits, or None."""
        most = self.limits.batch_submissions(prepared.view)
        if count > most:
            said = (
                f"a batch takes at most {most:,} submissions with {prepared.view.upper()} "
                "results, so that its answers fit one message; send smaller batches"
            )
            return statuses.exhausted("submissions", said)
        if before + count > self.limits.max_submissions_per_call:
            limit = self.limits.max_submissions_per_call
            return statuses.exhausted("submissions", f"a call takes at most {limit} submissions")
        return None

    def _settled(
        self,
        batch: _Batch,
        outcomes: list[Outcome],
        prepared: Prepared,
        record: calls.CallRecord,
    ) -> list[Decision]:
        """Each outcome in its answer slot; the decisions to record for the results."""
        decisions = []
        recording = self.recorder.recording
        for (slot, n, submission), outcome in zip(batch.waiting, outcomes, strict=True):
            status = outcome_error(outcome, f"submissions[{n}].answers")
            if status is not None:
                batch.refuse(submission.id, status, slot)
                continue
            assert isinstance(outcome, Encoded)
            batch.answers[slot] = wire.result_pieces(submission.id, outcome)
            batch.results.append(slot)
            if recording:
                number = batch.first + n + 1
                item = submission_item(submission)
                decision = self.recorder.decision(prepared, record.origin, number, item, outcome)
                decisions.append(decision)
        return decisions


_Sent = tuple[_Batch, Prepared | None, Future[list[Outcome]]]


def _admitted(submissions: Any, batch: _Batch, rate: Rate) -> _Batch:
    """Each submission checked alone: an answer slot for it, and either its engine form to
    send or its error now (no id, an id too long, an id used twice in the batch, over the
    stream's rate)."""
    seen: set[str] = set()
    for n, submission in enumerate(submissions):
        where = f"submissions[{n}]"
        over = rate.refused()
        if over is not None:
            batch.refuse(submission.id, over)
            continue
        try:
            serialized = as_submission(submission, where)
        except statuses.ServiceError as exc:
            batch.refuse(submission.id, exc.status)
            continue
        if submission.id in seen:
            violation = FieldViolation(f"{where}.id", f"{submission.id!r} is used twice")
            batch.refuse(submission.id, statuses.bad_request([violation], violation.reason))
            continue
        seen.add(submission.id)
        batch.waiting.append((len(batch.answers), n, submission))
        batch.answers.append(None)
        batch.sent.append(serialized)
    return batch


def _no_outcomes() -> Future[list[Outcome]]:
    future: Future[list[Outcome]] = Future()
    future.set_result([])
    return future
