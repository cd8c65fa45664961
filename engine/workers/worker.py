"""The worker process's side of the pool: take batches from the pipe, compile each rule set
once, decode the items with the codec, evaluate, and write the results into the shared
result space (or the pipe), encoded by the codec. Never imported by the caller's process
except for `pack`, `unpack`, the codec types and the fault-injection hook.
"""

from __future__ import annotations

import ctypes
import gc
import marshal
import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable
from multiprocessing import reduction
from multiprocessing.connection import Connection
from typing import Any, Protocol

import orjson

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.errors import (
    EngineError,
    FieldViolation,
    RuleFileError,
    SubmissionError,
)
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import Result, to_json
from probity.engine.evaluations import FULL, Prepared, View, prepare
from probity.engine.monitoring.contract_result import ContractResult, contract_json
from probity.engine.workers.result_space import Manifest, ResultSpace

# Fault injection for the tests: a worker that sees this submission id dies with SIGSEGV,
# as durable_rules does when it crashes. Read once, when the worker starts.
FAILPOINT = "PROBITY_FAILPOINT_CRASH_ON"


class Codec(Protocol):
    """Reads Serialized data and writes results, in the workers. Pickled by reference to
    its class when a worker starts, so it must be importable there."""

    def decode(self, raw: bytes) -> Any: ...  # a submission's answers
    def decode_series(self, raw: bytes) -> Any: ...  # a contract and its returns
    # `view`: engine.evaluations.View; `ruleset` is the version `result` came from.
    def encode(
        self, result: Result | ContractResult, view: View, ruleset: CompiledRuleSet
    ) -> bytes: ...


class JsonCodec:
    """JSON in; results as canonical JSON."""

    def decode(self, raw: bytes) -> Any:
        return orjson.loads(raw)

    def decode_series(self, raw: bytes) -> Any:
        return orjson.loads(raw)

    def encode(
        self, result: Result | ContractResult, view: View = FULL, ruleset: object = None
    ) -> bytes:
        """Always the whole result: the engine's JSON has no lean form."""
        if isinstance(result, ContractResult):
            return contract_json(result)
        return to_json(result)


def _decoder(codec: Codec, prepared: Prepared) -> Callable[[bytes], Any]:
    """Submissions' answers, or (monitoring) a contract with its returns."""
    if prepared.ruleset.kind == "monitoring":
        return codec.decode_series
    return codec.decode


def _decode_all(
    decode: Callable[[bytes], Any], items: list[tuple[str, Any]]
) -> list[Submission | SubmissionError]:
    """Each item as the engine reads it: bytes were Serialized, and are decoded; anything
    else is plain answers, as given."""
    out: list[Submission | SubmissionError] = []
    for sid, raw in items:
        try:
            out.append(Submission(sid, decode(raw) if isinstance(raw, bytes) else raw))
        except (ValueError, TypeError) as exc:
            out.append(SubmissionError([FieldViolation("answers", f"cannot be read: {exc}")]))
    return out


def worker_main(conn: Connection, codec: Codec, slot_size: int, slots: int) -> None:
    """A worker process: batches in, replies out, until its pipe closes."""
    from probity.engine.compiler.citations import citations_from_json
    from probity.engine.compiler.pipeline import compile_text

    # The parent's shared memory for our results comes first on the pipe (see _start).
    handle = reduction.recv_handle(conn)
    space = ResultSpace(handle, slots, slot_size)
    os.close(handle)

    # Ctrl-C, or a service manager signalling the whole process group, is for the parent:
    # it finishes the calls in flight, then closes our pipe, and we stop at its end.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Each batch arrives as thousands of new containers (the answers) that live until it is
    # done. At the default threshold (700) the collector walks them again and again while
    # they are being unpickled and evaluated: 15% of this process's time for nolan-tender.
    # Our objects seldom form cycles; collecting every 20,000 allocations is plenty.
    gc.set_threshold(20_000)
    _keep_freed_memory()
    crash_on = os.environ.get(FAILPOINT)
    prepared: dict[str, Prepared] = {}
    # Batches are read by a thread of their own, so that the input pipe is always drained:
    # otherwise the parent, sending the next batch, and this process, sending a large reply,
    # could each wait for the other forever once both pipes are full.
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
    threading.Thread(target=_read_batches, args=(conn, inbox), daemon=True).start()
    while True:
        message = inbox.get()
        if message is None:
            return
        name, source, slot, items, view = message
        if crash_on is not None and any(i == crash_on for i, _ in items):
            os.kill(os.getpid(), signal.SIGSEGV)
        try:
            if name not in prepared:
                file, text, cited = source
                citations = citations_from_json(cited) if cited else None
                prepared[name] = prepare(compile_text(text, file, citations=citations))
            ruleset = prepared[name]
            decoded = _decode_all(_decoder(codec, ruleset), items)
            readable = [d for d in decoded if isinstance(d, Submission)]
            evaluated = iter(ruleset.evaluate_here(readable))
        except (RuleFileError, EngineError) as exc:  # refused, not crashed: say why
            conn.send_bytes(pack(("refused", f"the rules engine could not evaluate this: {exc}")))
            continue
        outcomes = [next(evaluated) if isinstance(d, Submission) else d for d in decoded]
        encode, compiled = codec.encode, ruleset.ruleset
        reply = (
            o.violations if isinstance(o, SubmissionError) else encode(o, view, compiled)
            for o in outcomes
        )
        written = list(reply) if slot is None else space.put(slot, reply)  # encoded as written
        message = written.to_wire() if isinstance(written, Manifest) else ("results", written)
        conn.send_bytes(pack(message))


_M_TRIM_THRESHOLD = -1  # glibc's mallopt(): how much free memory the heap top keeps


def _keep_freed_memory() -> None:
    """Keep up to 256 MiB of freed memory in this process's heap instead of handing it back.

    A batch's results (a few megabytes) are freed together once sent. glibc gives memory at
    the top of the heap back to the system past 128 kB, so every batch faulted its results'
    memory in again, zeroed: half the cost of encoding them. Nothing to do where the C
    library has no mallopt() (not glibc)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_TRIM_THRESHOLD, 256 << 20)


def _read_batches(conn: Connection, inbox: queue.SimpleQueue[Any]) -> None:
    try:
        while True:
            inbox.put(unpack(conn.recv_bytes()))
    except (EOFError, OSError):
        inbox.put(None)


# A batch on the pipe is marshalled when it can be: answers are plain data (JSON's types, or
# bytes from the service), and marshal writes and reads them in about two thirds of
# pickle's time, in the parent (whose time on two cores is taken from the workers) and in
# the worker. Anything marshal cannot write is pickled. The first byte says which.
def pack(message: Any) -> bytes:
    try:
        return b"M" + marshal.dumps(message)
    except ValueError:  # not plain data (a subclass, an object): pickle knows it
        return b"P" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(raw: bytes) -> Any:
    body = memoryview(raw)[1:]
    return marshal.loads(body) if raw[:1] == b"M" else pickle.loads(body)
