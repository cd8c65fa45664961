"""A stream of submissions or contract checks (EvaluateStream, CheckPortfolio): a reader
thread sends each request to the pool as it arrives, within a window; results are recorded
in the decision log in batches, then sent as they finish. Every request gets exactly one
response, and a bad one fails alone."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import Any

import grpc

from probity.codec import wire
from probity.engine import Encoded, EngineCrashed, Outcome, RecordingFailed
from probity.server import calls, statuses
from probity.server.handling import EvaluationCalls, Kind, Rate, outcome_error
from probity.server.reading import Unreadable
from probity.server.settings import Limits
from probity.store.decisions import Decision
from probity.v1 import evaluation_pb2


class _Window:
    """Bounds a stream's submissions in evaluation, and its rate."""

    def __init__(self, limits: Limits) -> None:
        self.slots = threading.BoundedSemaphore(limits.stream_window)
        self.rate = Rate(limits.stream_rate)


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


class Streams(EvaluationCalls):
    def run(
        self, requests: Iterator[Any], context: grpc.ServicerContext, kind: Kind
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
            batch = _take_batch(done, self.recorder.recording)
            answers = []
            for item in batch:
                if isinstance(item, int):
                    expected = item
                else:
                    answers.append(item)
            responses, recorded = self._recorded(answers, record)
            decisions = [a.decision for a in answers] if recorded else [None] * len(answers)
            for response in self.sending(responses, decisions, record):
                window.slots.release()
                sent += 1
                yield response
        reader.join()

    def _recorded(self, answers: list[_Answer], record: calls.CallRecord) -> tuple[list[Any], bool]:
        """The responses to send, once their results are in the decision log, and whether
        they are; if it cannot take them, each result is replaced by an UNAVAILABLE error
        for its item."""
        decisions = [a.decision for a in answers if a.decision is not None]
        try:
            self.recorder.record(decisions)
        except RecordingFailed as exc:
            record.failed += len(decisions)
            status = statuses.to_status(exc)
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
        kind: Kind,
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
            return statuses.exhausted("submissions", f"a stream takes at most {limit} submissions")
        return window.rate.refused()

    def _stream_item(
        self,
        kind: Kind,
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

        refused = statuses.unreadable(request) if unreadable else self._admit(count, window)
        if refused is not None:  # an unreadable item fails alone, at its field
            fail(refused)
            return
        try:
            prepared = self.prepare(
                request.ruleset_id,
                request.ruleset_version,
                kind.ruleset,
                record,
                request.view,
            )
            submission = kind.serialized(request)
        except statuses.TRANSLATED as exc:  # one item of a stream fails alone
            fail(statuses.to_status(exc))
            return

        def finished(future: Future[list[Outcome]]) -> None:
            try:
                (outcome,) = future.result()
            except Exception as exc:  # the pool settles every future; this is belt and braces
                outcome = EngineCrashed(f"{ident}: {exc}")
            status = outcome_error(outcome, kind.prefix)
            if status is not None:
                fail(status)
                return
            assert isinstance(outcome, Encoded)
            decision = None
            if self.recorder.recording:
                item = kind.item(request)
                decision = self.recorder.decision(prepared, record.origin, count, item, outcome)
            done.put(_Answer(wire.stream_result(ident, outcome), decision, refuse))

        prepared.submit([submission]).add_done_callback(finished)
