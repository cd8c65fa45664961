"""Every call passes here: authenticated, authorised, timed and logged in one JSON line
(method, caller, rule set digest, count, duration, status; never submission content); a
large call's freed memory is handed back as it ends (server.heap)."""

from __future__ import annotations

import contextvars
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn

import grpc
import structlog

from probity.server import heap, statuses
from probity.server.auth import PUBLIC_PREFIXES, Caller, TokenStore, allowed, bearer
from probity.store.decisions import Origin

_log = structlog.get_logger("probity.calls")
REQUEST_ID_KEY = "probity-request-id"
# A call of this many items (a stream, a tender) gives the memory it took back as it ends.
LARGE_CALL = 1000


@dataclass
class CallRecord:
    """What a handler adds to its call's log line."""

    method: str
    caller: Caller | None = None
    digests: set[str] = field(default_factory=set)
    count: int = 0
    failed: int = 0
    undelivered: int = 0  # recorded, but the call ended before they were sent
    # Names the call's evaluations in the decision log; sent to the caller as metadata.
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def origin(self) -> Origin:
        """Who asked, as the engine's decisions name it."""
        caller = self.caller
        return Origin(
            self.request_id,
            self.method,
            caller.name if caller else "",
            caller.role if caller else "",
        )


_current: contextvars.ContextVar[CallRecord | None] = contextvars.ContextVar(
    "probity_call", default=None
)


_NO_DEADLINE = 10**6  # seconds: what gRPC says remains when the caller set no deadline


def time_left(context: grpc.ServicerContext) -> float | None:
    """Seconds until the caller's deadline; None when it set none."""
    remaining: float = context.time_remaining()
    return remaining if remaining < _NO_DEADLINE else None


def current() -> CallRecord:
    """The record of the call being handled (a throwaway one outside a call)."""
    return _current.get() or CallRecord("(no call)")


def _status_name(context: grpc.ServicerContext, raised: BaseException | None) -> str:
    code = context.code()  # type: ignore[attr-defined]
    if code is not None and code != grpc.StatusCode.OK:
        return str(code.name)
    if raised is not None:
        return "CANCELLED" if isinstance(raised, GeneratorExit) else "UNKNOWN"
    return "OK"


# Told of every call once it ends: its record, status name and duration in seconds.
Observer = Callable[[CallRecord, str, float], None]


class CallInterceptor(grpc.ServerInterceptor):  # type: ignore[type-arg]
    def __init__(self, tokens: TokenStore | None, observe: Observer | None = None) -> None:
        self.tokens = tokens
        self.observe = observe  # the metrics

    def intercept_service(self, continuation: Callable[..., Any], details: Any) -> Any:
        handler = continuation(details)
        if handler is None:
            return None
        method: str = details.method
        if method.startswith(PUBLIC_PREFIXES):
            return handler
        refusal = self._refusal(method, details.invocation_metadata)
        if isinstance(refusal, Caller) or refusal is None:
            return _wrap(handler, method, refusal, self.observe)
        return _refuse(handler, refusal)

    def _refusal(self, method: str, metadata: Any) -> Caller | Any | None:
        """The caller (None when the server is open), or the status refusing the call."""
        if self.tokens is None:
            return None
        token = bearer(metadata)
        if token is None:
            return statuses.unauthenticated("send 'authorization: Bearer <token>'")
        caller = self.tokens.caller(token)
        if caller is None:
            return statuses.unauthenticated("the token is not recognised")
        if not allowed(caller.role, method):
            name = method.rsplit("/", 1)[-1]
            return statuses.permission_denied(
                f"the {caller.role} role may not call {name}", caller.role
            )
        return caller


def _refuse(handler: Any, status: Any) -> Any:
    def deny(request: Any, context: grpc.ServicerContext) -> Any:
        statuses.abort(context, status)

    return _same_kind(handler, deny, deny)


def _wrap(handler: Any, method: str, caller: Caller | None, observe: Observer | None) -> Any:
    def unary(behaviour: Callable[..., Any]) -> Callable[..., Any]:
        def run(request: Any, context: grpc.ServicerContext) -> Any:
            record = CallRecord(method, caller)
            token = _current.set(record)
            try:
                with _handled(record, context, observe):
                    return behaviour(request, context)
            finally:
                _current.reset(token)

        return run

    def streaming(behaviour: Callable[..., Any]) -> Callable[..., Any]:
        def run(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            record = CallRecord(method, caller)
            _current.set(record)  # this generator runs in the thread that sends its answers
            with _handled(record, context, observe):
                yield from behaviour(request, context)

        return run

    return _same_kind(handler, unary, streaming, wrap=True)


@contextmanager
def _handled(
    record: CallRecord, context: grpc.ServicerContext, observe: Observer | None
) -> Iterator[None]:
    """Around a handler: the request id sent first, an error translated, the log line after."""
    started = time.perf_counter()
    raised: BaseException | None = None
    context.send_initial_metadata(((REQUEST_ID_KEY, record.request_id),))
    try:
        yield
    except Exception as exc:
        raised = exc
        _translate(record, context, exc)
    except BaseException as exc:  # the caller went away (GeneratorExit), or shutdown
        raised = exc
        raise
    finally:
        seconds = time.perf_counter() - started
        status = _emit(record, context, seconds, raised)
        if observe is not None:
            observe(record, status, seconds)
        if record.count >= LARGE_CALL:
            _give_back(record)


def _give_back(record: CallRecord) -> None:
    given = heap.give_back()
    if given is not None:
        _log.info("memory given back", mb=round(given, 1), request_id=record.request_id)


def _translate(record: CallRecord, context: grpc.ServicerContext, error: Exception) -> NoReturn:
    """The one place a handler's error becomes the call's status: the engine's, the log's
    and the service's own errors by statuses.to_status; anything else is a defect of ours,
    logged here with its traceback and answered INTERNAL without its text."""
    code = context.code()  # type: ignore[attr-defined]
    if code is not None and code != grpc.StatusCode.OK:
        raise error  # the handler has answered already (context.abort)
    if record.failed == 0:
        record.failed = max(record.count, 1)  # nothing of the call was answered
    if not isinstance(error, statuses.TRANSLATED):
        _log.exception("unexpected error", method=record.method, request_id=record.request_id)
    statuses.abort(context, statuses.to_status(error))


def _same_kind(
    handler: Any, unary: Callable[..., Any], streaming: Callable[..., Any], wrap: bool = False
) -> Any:
    """A handler like `handler` whose behaviour is replaced (or wrapped, when `wrap`)."""
    kinds = (
        ("unary_unary", grpc.unary_unary_rpc_method_handler, unary),
        ("unary_stream", grpc.unary_stream_rpc_method_handler, streaming),
        ("stream_unary", grpc.stream_unary_rpc_method_handler, unary),
        ("stream_stream", grpc.stream_stream_rpc_method_handler, streaming),
    )
    for attribute, make, replace in kinds:
        behaviour = getattr(handler, attribute)
        if behaviour is not None:
            return make(
                replace(behaviour) if wrap else replace,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
    return handler


def _emit(
    record: CallRecord,
    context: grpc.ServicerContext,
    seconds: float,
    raised: BaseException | None,
) -> str:
    """The call's log line; its status name."""
    status = _status_name(context, raised)
    _log.info(
        "call",
        method=record.method,
        caller=record.caller.name if record.caller else None,
        role=record.caller.role if record.caller else None,
        ruleset_digest=sorted(record.digests)[0]
        if len(record.digests) == 1
        else sorted(record.digests),
        count=record.count,
        failed=record.failed,
        undelivered=record.undelivered,
        request_id=record.request_id,
        duration_ms=round(seconds * 1000, 3),
        status=status,
    )
    return status
