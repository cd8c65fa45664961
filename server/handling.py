"""What the evaluation handlers share: the kinds of call, a request as the engine and the
decision log take it, the rule set version a request names, waiting for the workers, and
sending what was recorded.

Answers travel to the worker processes as serialized Structs and results come back as
serialized probity.v1.Result messages (the codec is the workers' codec), so this process
only routes bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, ClassVar

import grpc
import structlog

from probity.codec import messages
from probity.engine import (
    PANEL_ANSWERS,
    Encoded,
    Evaluations,
    FieldViolation,
    Outcome,
    Prepared,
    RecordingFailed,
    Serialized,
)
from probity.server import calls, fields, statuses
from probity.server.recording import Recorder
from probity.server.settings import Limits
from probity.store.decisions import Decision, Recorded
from probity.v1 import evaluation_pb2

_log = structlog.get_logger("probity.evaluation")


def outcome_error(outcome: Outcome, prefix: str) -> Any:
    """The status for an outcome that is not a result, or None for a result."""
    if isinstance(outcome, Encoded):
        return None
    return statuses.to_status(outcome, prefix)


@dataclass(frozen=True)
class Kind:
    """What differs between evaluating submissions and checking contracts."""

    ruleset: str  # the kind of rule set it needs
    prefix: str  # where a bad answer is, in the request ("" when it names the path itself)
    error: Callable[[str, Any], Any]  # (id, status) → a stream's error response
    item: Callable[[Any], Recorded]  # what the decision log keeps of a request
    ident: Callable[[Any], str]  # a stream request's id: its answer names it
    serialized: Callable[[Any], Serialized]  # a request as the engine takes it

    TENDER: ClassVar[Kind]
    MONITORING: ClassVar[Kind]


def submission_item(submission: Any) -> Recorded:
    """A submission as the log keeps it (deterministic bytes: its answers' keys sorted)."""
    return Recorded(
        submission.SerializeToString(deterministic=True),
        submission.id,
        tender_id=submission.tender_id,
        supplier_id=submission.supplier.id,
    )


def contract_item(request: Any) -> Recorded:
    """A contract check as the log keeps it: the whole request (a CheckPortfolioRequest
    reads as a CheckContractRequest)."""
    contract = request.contract
    return Recorded(
        request.SerializeToString(deterministic=True),
        contract.contract_id,
        contract_id=contract.contract_id,
        supplier_id=contract.supplier,
    )


Kind.TENDER = Kind(
    "tender",
    "submission.answers",
    lambda ident, status: evaluation_pb2.EvaluateStreamResponse(submission_id=ident, error=status),
    lambda request: submission_item(request.submission),
    lambda request: str(request.submission.id),
    lambda request: as_submission(request.submission, "submission"),
)
Kind.MONITORING = Kind(
    "monitoring",
    "",
    lambda ident, status: evaluation_pb2.CheckPortfolioResponse(contract_id=ident, error=status),
    contract_item,
    lambda request: str(request.contract.contract_id),
    lambda request: as_series(request),
)


def still_waited_for(context: grpc.ServicerContext) -> None:
    """Before a unary answer is recorded: a caller that cancelled while it was evaluated
    gets nothing, so nothing is recorded as sent (the call is logged CANCELLED)."""
    if not context.is_active():
        raise statuses.ServiceError(statuses.cancelled("the caller cancelled the call"))


def as_series(request: Any) -> Serialized:
    """A contract and its returns for the engine, still as request bytes for the codec (a
    CheckPortfolioRequest has a CheckContractRequest's fields). A missing contract id is
    the engine's to report, with every other problem of the contract in the same answer."""
    return Serialized(request.contract.contract_id, request.SerializeToString())


def as_submission(message: Any, where: str, panel_answers: bool = False) -> Serialized:
    """The engine's submission: its id, and its answers still as Struct bytes for the codec.
    `panel_answers`: the answers may hold the evaluation panel's scores (only the panel's
    own re-evaluation, from its records, passes them)."""
    if not message.id:
        raise statuses.ServiceError(
            statuses.bad_request([FieldViolation(f"{where}.id", "is required")], "no submission id")
        )
    supplier = message.supplier
    fields.checked(
        (f"{where}.id", message.id, fields.MAX_ID),
        (f"{where}.tender_id", message.tender_id, fields.MAX_ID),
        (f"{where}.supplier.id", supplier.id, fields.MAX_ID),
        (f"{where}.supplier.name", supplier.name, fields.MAX_ID),
        (f"{where}.supplier.email", supplier.email, fields.MAX_ID),
        (f"{where}.supplier.identifier", supplier.identifier, fields.MAX_ID),
    )
    if supplier.postal_address:  # lines allowed: an address is often written on several
        address = supplier.postal_address
        fields.checked_note(f"{where}.supplier.postal_address", address, fields.MAX_DETAIL)
    if not panel_answers and PANEL_ANSWERS in message.answers.fields:
        said = (
            "the evaluation panel's scores come from its own records, never from a "
            "submission: leave them out"
        )
        field = f"{where}.answers.{PANEL_ANSWERS}"
        raise statuses.ServiceError(
            statuses.bad_request([FieldViolation(field, said)], f"{field}: {said}")
        )
    return Serialized(message.id, message.answers.SerializeToString())


class Rate:
    """A stream's submissions a second (0: no limit), as a token bucket holding one
    second's worth."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.tokens = rate
        self.refilled = time.monotonic()

    def refused(self) -> Any:
        """The status refusing the next submission over the rate (with how long to wait),
        or None if it may go now."""
        if not self.rate:
            return None
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.refilled) * self.rate)
        self.refilled = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        wait = (1 - self.tokens) / self.rate
        return statuses.exhausted("stream_rate", f"over {self.rate:g} submissions/s", wait)


class EvaluationCalls:
    """The evaluations, decision recorder and limits every handler works with, and what
    they do alike."""

    def __init__(self, evaluations: Evaluations, recorder: Recorder, limits: Limits) -> None:
        self.evaluations = evaluations
        self.recorder = recorder
        self.limits = limits

    def prepare(
        self,
        ruleset_id: str,
        version: str,
        kind: str = "tender",
        record: calls.CallRecord | None = None,
        view: int = 0,
    ) -> Prepared:
        """The rule set version a request names, noted on the call's record (a stream's
        reader thread passes the record: the call's context is not its own), to write
        results in `view` (a ResultView); the decision log has it before any result."""
        if not ruleset_id:
            raise statuses.ServiceError(
                statuses.bad_request([FieldViolation("ruleset_id", "is required")], "no rule set")
            )
        fields.checked(
            ("ruleset_id", ruleset_id, fields.MAX_ID),
            ("ruleset_version", version, fields.MAX_VERSION),
        )
        if view not in messages.READ_VIEWS:
            violation = FieldViolation("view", "is not a view of results: BASIC or FULL")
            raise statuses.ServiceError(statuses.bad_request([violation], "unknown view"))
        prepared = self.evaluations.prepare(ruleset_id, version, kind, messages.READ_VIEWS[view])
        self.recorder.version(prepared.ruleset)
        (record or calls.current()).digests.add(prepared.ruleset.digest)
        return prepared

    def wait(self, future: Future[list[Outcome]], context: grpc.ServicerContext) -> list[Outcome]:
        try:
            return future.result(timeout=calls.time_left(context))
        except FutureTimeout:
            raise statuses.ServiceError(
                statuses.deadline("the deadline passed before evaluation finished")
            ) from None

    def deliverable(self, response: bytes, items: int) -> bytes:
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
        raise statuses.ServiceError(statuses.oversized(len(response), limit, advice))

    def sending(
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
                    self.recorder.undelivered(unsent)
                except RecordingFailed as exc:
                    _log.error("undelivered not noted", reason=str(exc), count=len(unsent))
                raise
