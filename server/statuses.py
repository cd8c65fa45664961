"""Engine errors → gRPC status with rich details (google.rpc), translated here and only here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from probity.engine import (
    Diagnostic,
    EngineCrashed,
    FieldViolation,
    RuleFileError,
    RulesetConflict,
    SubmissionError,
    UnknownRuleset,
    WrongKind,
)
from probity.server.reading import Unreadable
from probity.store.log import LogUnavailable

DOMAIN = "probity.v1"


class ServiceError(Exception):
    """An error already in gRPC terms, raised by the service's own checks."""

    def __init__(self, status: status_pb2.Status) -> None:
        self.status = status
        super().__init__(status.message)


def _status(code: int, message: str, *details: object) -> status_pb2.Status:
    packed = []
    for detail in details:
        holder = any_pb2.Any()
        holder.Pack(detail)  # type: ignore[arg-type]
        packed.append(holder)
    return status_pb2.Status(code=code, message=message, details=packed)


def bad_request(violations: Iterable[FieldViolation], message: str) -> status_pb2.Status:
    request = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.reason)
            for v in violations
        ]
    )
    return _status(code_pb2.INVALID_ARGUMENT, message, request)


def unreadable(request: Unreadable) -> status_pb2.Status:
    """A request, or a stream's item, that protobuf could not read: where and why."""
    violation = FieldViolation(request.field, request.reason)
    return bad_request([violation], f"{request.field} {request.reason}")


def invalid_submission(error: SubmissionError, prefix: str) -> status_pb2.Status:
    """A submission's bad answers, each at its path in the request (prefix.field; the field
    alone without a prefix)."""
    violations = [
        FieldViolation(f"{prefix}.{v.field}" if prefix else v.field, v.reason)
        for v in error.violations
    ]
    return bad_request(violations, f"the submission's answers are not valid: {error}")


def invalid_rule_file(diagnostics: list[Diagnostic]) -> status_pb2.Status:
    count = len(diagnostics)
    violations = [FieldViolation("source_text", str(d)) for d in diagnostics]
    first = f"; first: {diagnostics[0]}" if diagnostics else ""
    return bad_request(violations, f"the rule file has {count} problem(s){first}")


def not_found(error: UnknownRuleset) -> status_pb2.Status:
    info = error_details_pb2.ResourceInfo(
        resource_type=f"{DOMAIN}.Ruleset",
        resource_name=f"{error.ruleset_id}@{error.version}" if error.version else error.ruleset_id,
        description=str(error),
    )
    return _status(code_pb2.NOT_FOUND, str(error), info)


def not_found_record(kind: str, name: str) -> status_pb2.Status:
    """Nothing in the decision log by that name."""
    info = error_details_pb2.ResourceInfo(
        resource_type=f"{DOMAIN}.{kind.title().replace(' ', '')}",
        resource_name=name,
        description=f"no {kind} {name} in the decision log",
    )
    return _status(code_pb2.NOT_FOUND, f"no {kind} {name} in the decision log", info)


def conflict(error: RulesetConflict) -> status_pb2.Status:
    failure = error_details_pb2.PreconditionFailure(
        violations=[
            error_details_pb2.PreconditionFailure.Violation(
                type="VERSION", subject="source_text", description=str(error)
            )
        ]
    )
    return _status(code_pb2.FAILED_PRECONDITION, str(error), failure)


def precondition(subject: str, message: str) -> status_pb2.Status:
    failure = error_details_pb2.PreconditionFailure(
        violations=[
            error_details_pb2.PreconditionFailure.Violation(
                type="RULESET", subject=subject, description=message
            )
        ]
    )
    return _status(code_pb2.FAILED_PRECONDITION, message, failure)


def oversized(size: int, limit: int, advice: str) -> status_pb2.Status:
    """RESOURCE_EXHAUSTED for an answer of `size` bytes over the message `limit`: a handler
    refuses it before anything is sent or recorded (gRPC would fail the call only after the
    handler returned, with the call logged OK)."""
    said = (
        f"the response would be {size / 1_000_000:,.1f} MB, over the "
        f"{limit / 1_000_000:,.1f} MB a message may be: {advice}"
    )
    return exhausted("response size", said)


def exhausted(subject: str, message: str, retry_after: float | None = None) -> status_pb2.Status:
    quota = error_details_pb2.QuotaFailure(
        violations=[error_details_pb2.QuotaFailure.Violation(subject=subject, description=message)]
    )
    if retry_after is None:
        return _status(code_pb2.RESOURCE_EXHAUSTED, message, quota)
    delay = duration_pb2.Duration()
    delay.FromNanoseconds(int(retry_after * 1e9))
    retry = error_details_pb2.RetryInfo(retry_delay=delay)
    return _status(code_pb2.RESOURCE_EXHAUSTED, message, quota, retry)


def crashed(error: EngineCrashed) -> status_pb2.Status:
    info = error_details_pb2.ErrorInfo(reason="ENGINE_CRASHED", domain=DOMAIN)
    return _status(code_pb2.INTERNAL, f"not evaluated: {error}", info)


def deadline(message: str) -> status_pb2.Status:
    return _status(code_pb2.DEADLINE_EXCEEDED, message)


def cancelled(message: str) -> status_pb2.Status:
    return _status(code_pb2.CANCELLED, message)


def unavailable(message: str) -> status_pb2.Status:
    return _status(code_pb2.UNAVAILABLE, message)


def unauthenticated(message: str) -> status_pb2.Status:
    info = error_details_pb2.ErrorInfo(reason="UNAUTHENTICATED", domain=DOMAIN)
    return _status(code_pb2.UNAUTHENTICATED, message, info)


def permission_denied(message: str, role: str) -> status_pb2.Status:
    info = error_details_pb2.ErrorInfo(
        reason="ROLE_NOT_ALLOWED", domain=DOMAIN, metadata={"role": role}
    )
    return _status(code_pb2.PERMISSION_DENIED, message, info)


_PANEL_CODES = {
    "permission_denied": code_pb2.PERMISSION_DENIED,
    "failed_precondition": code_pb2.FAILED_PRECONDITION,
    "already_exists": code_pb2.ALREADY_EXISTS,
    "not_found": code_pb2.NOT_FOUND,
}


def panel_refusal(status: str, message: str, field: str) -> status_pb2.Status:
    """A panel step refused (engine.panel.state.Refusal): an invalid argument names its
    field; the others say why in the panel's words."""
    if status == "invalid_argument":
        return bad_request([FieldViolation(field, message)], f"{field}: {message}")
    reason = error_details_pb2.ErrorInfo(reason=status.upper(), domain=DOMAIN)
    return _status(_PANEL_CODES[status], message, reason)


# The errors that have a status of their own; anything else is a defect of ours (INTERNAL).
TRANSLATED = (
    ServiceError,
    SubmissionError,
    UnknownRuleset,
    RuleFileError,
    RulesetConflict,
    EngineCrashed,
    LogUnavailable,
    WrongKind,
)


def to_status(error: Exception, prefix: str = "submission.answers") -> status_pb2.Status:
    """The status for an engine error; anything unexpected is INTERNAL, without its text."""
    if isinstance(error, ServiceError):
        return error.status
    if isinstance(error, SubmissionError):
        return invalid_submission(error, prefix)
    if isinstance(error, UnknownRuleset):
        return not_found(error)
    if isinstance(error, RuleFileError):
        return invalid_rule_file(error.diagnostics)
    if isinstance(error, RulesetConflict):
        return conflict(error)
    if isinstance(error, EngineCrashed):
        return crashed(error)
    if isinstance(error, WrongKind):
        use = "CheckContract or CheckPortfolio" if error.kind == "monitoring" else "Evaluate"
        return precondition(
            error.ruleset_id, f"{error.ruleset_id} is a {error.kind} rule set: use {use}"
        )
    if isinstance(error, LogUnavailable):
        return unavailable(f"{error}; try again later")
    return _status(code_pb2.INTERNAL, "internal error; see the server log")


def abort(context: grpc.ServicerContext, status: status_pb2.Status) -> NoReturn:
    context.abort_with_status(rpc_status.to_status(status))
    raise AssertionError("abort_with_status returned")  # it raises; this keeps mypy sure
