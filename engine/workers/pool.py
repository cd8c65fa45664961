"""Evaluate in worker processes, so a durable_rules crash can never take the caller down.

Each worker is a spawned process with its own durable_rules. A thread in the parent feeds
each worker one batch at a time and watches the process: if it dies mid-batch, the worker
is restarted and the batch retried once; a batch that crashes twice is split and each
submission tried alone, and one that still crashes gets an EngineCrashed outcome. So every
submission gets exactly one outcome: a result (the codec's bytes, or a read-only memoryview
of them lent from the worker's shared memory: see engine.result_space), a SubmissionError or
EngineCrashed. Closing the pool waits for the work queued, up to a timeout; then a worker
still busy is taken to be stuck and killed, and what it held fails.

Submissions queued by different callers for the same rule set are sent to a worker together
(up to BATCH), so many small requests cost about as much as one large one.

A codec (an object with `decode`, `decode_series` and `encode`, given when the pool is made
and sent to each worker) runs in the workers: the service passes protobuf bytes in
(`Serialized`) and gets protobuf bytes out, so that translating them uses both cores too.
Plain answers (an evaluation.Submission) are never decoded. The default codec reads JSON
and writes canonical JSON.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing import reduction
from multiprocessing.connection import Connection
from operator import itemgetter
from typing import Any, cast

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.errors import EngineCrashed, FieldViolation, SubmissionError
from probity.engine.evaluation.items import Serialized, Submission
from probity.engine.evaluations import FULL, Encoded, Outcome, View
from probity.engine.workers.jobs import Job, JobQueue, Request, batch_sizes
from probity.engine.workers.result_space import Manifest, ResultSpace
from probity.engine.workers.worker import Codec, JsonCodec, pack, unpack, worker_main


def _log() -> Any:
    """The pool's logger. structlog is imported when the pool first has something to say:
    this module is imported in every worker process too (through the engine's package),
    where structlog (and the rich and asyncio it imports) would add a tenth of a second to
    each worker's start, for nothing: workers log nothing."""
    import structlog

    return structlog.get_logger("probity.workers")


# Batches sent to a worker ahead of its replies. The second goes only when a full batch is
# waiting: otherwise submissions arriving one by one (a stream, many small calls) would go
# one per batch, and a batch has a fixed cost; held back, they gather into the next batch
# while the worker is busy, so batches grow with the load.
IN_FLIGHT = 2
# Room for one reply's results in the shared memory of each worker (engine.result_space):
# 256 nolan-tender results take 8 MiB. Memory is only used as far as replies reach.
RESULT_SLOT_BYTES = 16 << 20
# Slots whose results may be lent out at once, beyond one per batch in flight: enough for a
# caller taking results as they come; one keeping more gets copies of the rest.
LENDABLE = 6


def _payload(item: Submission | Serialized) -> Any:
    """What goes to the worker for an item: its bytes, to decode, or its plain answers."""
    return item.data if isinstance(item, Serialized) else item.answers


def _outcome(sent: Any) -> Outcome:
    """An outcome as a reply holds it: a result, or a submission error's violations."""
    return sent if isinstance(sent, Encoded) else SubmissionError(list(sent))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    space: ResultSpace  # where its replies' results are (see engine.result_space)


class WorkerPool:
    def __init__(
        self,
        workers: int = 2,
        codec: Codec | None = None,
        result_slot_bytes: int = RESULT_SLOT_BYTES,
    ) -> None:
        """`codec` reads Serialized items and writes results (see Codec); None for JSON."""
        self._context = multiprocessing.get_context("spawn")
        self._codec: Codec = codec or JsonCodec()
        self._slot_size = result_slot_bytes
        self._jobs = JobQueue()
        self._lock = threading.Lock()
        self._processes: list[Any] = [None] * workers
        self.restarts = 0  # workers that died and were replaced
        self.dropped = 0  # batches not evaluated because their callers cancelled them
        self.crashed = 0  # submissions given up on: their worker died on them alone
        self._start_error = ""
        self._closing = False  # once set, a worker that dies is not replaced
        self._threads = [
            threading.Thread(target=self._serve, args=(n,), daemon=True, name=f"probity-worker-{n}")
            for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def queued(self) -> int:
        """Submissions waiting for a worker."""
        return self._jobs.queued

    def pids(self) -> list[int]:
        with self._lock:
            return [p.pid for p in self._processes if p is not None and p.is_alive()]

    def submit(
        self,
        ruleset: CompiledRuleSet,
        submissions: Sequence[Submission | Serialized],
        view: View = FULL,
    ) -> Future[list[Outcome]]:
        future: Future[list[Outcome]] = Future()
        if not submissions:
            future.set_result([])
            return future
        request = Request([None] * len(submissions), future, len(submissions))
        items = [(request, n, s) for n, s in enumerate(submissions)]
        start = 0
        for size in batch_sizes(len(items), len(self._threads)):
            self._jobs.put(Job(ruleset, items[start : start + size], view=view))
            start += size
        return future

    def warm(self, rulesets: Sequence[CompiledRuleSet], together: bool = False) -> None:
        """Have every worker compile these rule sets now, not on their first submissions;
        returns when all have (a worker that cannot is restarted and compiles lazily).
        One worker at a time, so that the others go on evaluating meanwhile (a large rule
        set takes a worker a second or more); all `together` before the service serves."""
        waves = (
            [range(len(self._threads))] if together else [[s] for s in range(len(self._threads))]
        )
        for slots in waves:
            futures = []
            for slot in slots:
                for ruleset in rulesets:
                    job = Job(ruleset, [], alone=True, done=Future())
                    futures.append(job.done)
                    self._jobs.put_for(slot, job)
            for future in futures:
                assert future is not None
                future.result()

    def evaluate(
        self, ruleset: CompiledRuleSet, submissions: Sequence[Submission | Serialized]
    ) -> list[Outcome]:
        return self.submit(ruleset, submissions).result()

    def close(self, timeout: float = 10) -> None:
        """Finish the batches queued and in flight, then stop the workers. A worker that has
        not answered by `timeout` is stuck: it is killed, and what it held gets an
        EngineCrashed outcome. Otherwise it would outlive us, and the process could never
        exit: multiprocessing waits at exit for its children, and workers ignore SIGTERM."""
        self._closing = True
        for _ in self._threads:
            self._jobs.put(None)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        with self._lock:
            stuck = [p for p in self._processes if p is not None and p.is_alive()]
        for process in stuck:
            _log().error("engine worker did not finish; killing it", pid=process.pid)
            process.kill()
        for thread in self._threads:
            thread.join(timeout=10)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one thread per worker process ---------------------------------------------------
    def _start(self, slot: int) -> _Worker:
        parent, child = self._context.Pipe()  # a socket pair: it can carry a descriptor
        process = self._context.Process(
            target=worker_main,
            args=(child, self._codec, self._slot_size, IN_FLIGHT + LENDABLE),
            daemon=True,
            name=f"probity-worker-{slot}",
        )
        space, handle = ResultSpace.create(IN_FLIGHT + LENDABLE, self._slot_size)
        try:
            process.start()
            child.close()
            reduction.send_handle(parent, handle, process.pid)
        except OSError:  # not started, or gone at once: nothing of it may linger
            space.close()
            parent.close()
            if process.pid is not None:
                process.kill()
            raise
        finally:
            os.close(handle)
        with self._lock:
            self._processes[slot] = process
        return _Worker(process, parent, space)

    def _serve(self, slot: int) -> None:
        """Feed one worker, two batches in flight so it never waits for the parent."""
        worker = self._start_or_none(slot)
        inflight: deque[Job] = deque()
        loaded: set[str] = set()
        stopping = False
        while not (stopping and not inflight):
            while not stopping and len(inflight) < IN_FLIGHT:
                job = self._jobs.take(block=not inflight, slot=slot)
                if job is False:
                    break
                if job is None:
                    stopping = True
                elif job.abandoned():
                    with self._lock:  # its caller gave up: the worker's time goes to others
                        self.dropped += 1
                elif worker is None:
                    self._give_up(job, f"no engine worker could be started: {self._start_error}")
                elif self._send(job, worker, loaded):
                    inflight.append(job)
                else:
                    inflight.append(job)  # the worker is gone: the receive below sees it
                    break
            if not inflight:
                continue
            assert worker is not None
            try:
                reply = self._receive(worker)
                if isinstance(reply, list):
                    self._settle(inflight[0], reply)
            except Exception as exc:  # a defect of ours, not the engine's: lose nothing to it
                _log().exception("could not take an engine worker's reply", slot=slot)
                self._give_up(inflight.popleft(), f"internal error reading the engine: {exc}")
                self._stop(worker)  # what it sends next cannot be trusted to line up
                self._hand_back(inflight, stopping, "the engine is shutting down")
                worker, loaded = self._start_or_none(slot), set()
                continue
            if isinstance(reply, str):
                self._give_up(inflight.popleft(), reply)
                continue
            if reply is not None:
                inflight.popleft()
                continue
            self._after_death(worker, slot, inflight, stopping)
            worker, loaded = self._start_or_none(slot), set()  # none once closing
        if worker is not None:
            self._stop(worker)

    def _after_death(
        self, worker: _Worker, slot: int, inflight: deque[Job], stopping: bool
    ) -> None:
        """A worker died: the batch it was running is retried, split or failed; the batches
        waiting behind it go back to the queue."""
        exitcode = self._stop(worker)
        with self._lock:
            self.restarts += 1
        _log().warning(
            "engine worker died; restarting it",
            slot=slot,
            exit_code=exitcode,
            batch_size=len(inflight[0].items),
            ruleset=inflight[0].ruleset.engine_name,
        )
        # A worker takes batches in order: the oldest was running, the rest were waiting.
        if not stopping:
            self._after_crash(inflight.popleft(), exitcode)
        reason = f"the engine worker stopped (exit code {exitcode}) as it shut down"
        self._hand_back(inflight, stopping, reason)

    def _hand_back(self, inflight: deque[Job], stopping: bool, reason: str) -> None:
        """Batches a lost worker held go back to the front of the queue, in order. Once this
        thread has taken its stop, one put back could be left there with no thread to take
        it: then they fail, for `reason`."""
        while inflight:
            if stopping:
                self._give_up(inflight.popleft(), reason)
            else:
                self._jobs.put(inflight.pop(), front=True)

    def _start_or_none(self, slot: int) -> _Worker | None:
        if self._closing:
            self._start_error = "the engine is shutting down"
            return None
        for attempt in range(3):
            try:
                return self._start(slot)
            except (OSError, RuntimeError) as exc:
                self._start_error = f"{exc}"
                time.sleep(0.2 * (attempt + 1))
        return None

    def _stop(self, worker: _Worker) -> int | None:
        process = worker.process
        worker.conn.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
        worker.space.close()
        exitcode: int | None = process.exitcode
        return exitcode

    def _send(self, job: Job, worker: _Worker, loaded: set[str]) -> bool:
        name = job.ruleset.engine_name
        ruleset = job.ruleset
        source = None if name in loaded else (ruleset.file, ruleset.source_text, ruleset.citations)
        message = self._pack_batch(name, source, worker.space.name_slot(), job)
        try:
            worker.conn.send_bytes(message)
        except (OSError, BrokenPipeError, EOFError):
            return False
        loaded.add(name)  # the worker compiles it before the next message
        return True

    @staticmethod
    def _pack_batch(
        name: str, source: tuple[str, str, str] | None, slot: int | None, job: Job
    ) -> bytes:
        """The batch for the pipe. Answers that cannot be sent (an object pickle refuses,
        nesting deeper than it recurses) get their error here and are left out; the rest
        go: one caller's odd input must not cost another caller's submissions."""

        def message() -> bytes:
            items = [(s.id, _payload(s)) for _, _, s in job.items]
            return pack((name, source, slot, items, job.view))

        try:
            return message()
        except Exception:  # anything pickle raises here is about the input
            pass
        kept = []
        for request, index, submission in job.items:
            try:
                pack(_payload(submission))
            except Exception as exc:  # as above
                reason = f"cannot be sent to the engine: {exc}"
                request.settle(index, SubmissionError([FieldViolation("answers", reason)]))
            else:
                kept.append((request, index, submission))
        job.items = kept
        return message()

    def _receive(self, worker: _Worker) -> list[Any] | str | None:
        """A reply's outcomes (results from shared memory, or from the pipe when they did not
        fit), a string saying why a batch was refused, or None if the worker died.

        A worker that dies closes its end of the pipe, the only one left open (the parent
        closed its copy once the worker started, and spawned processes inherit no others),
        so reading sees the end: nothing else need be watched."""
        try:
            message = unpack(worker.conn.recv_bytes())
        except (EOFError, OSError):
            return None
        # ("refused", why), ("results", outcomes) or a Manifest: take() pairs each with the
        # slot named for its batch, lending what is in the slot and giving back the rest.
        reply = Manifest.from_wire(message) if message[0] == Manifest.TAG else message[1]
        return cast(list[Any] | str, worker.space.take(reply, LENDABLE))

    def _settle(self, job: Job, reply: list[Any]) -> None:
        if len(reply) != len(job.items):
            raise RuntimeError(f"{len(reply)} outcomes came for {len(job.items)} submissions")
        # A batch is mostly runs of one request's submissions: settled a run at a time.
        start = 0
        for request, run in itertools.groupby(job.items, key=itemgetter(0)):
            indices = [index for _, index, _ in run]
            outcomes = reply[start : start + len(indices)]
            request.settle_many(indices, [_outcome(o) for o in outcomes])
            start += len(indices)
        if job.done is not None:
            job.done.set_result(None)

    def _give_up(self, job: Job, reason: str) -> None:
        _log().error("submissions not evaluated", count=len(job.items), reason=reason)
        self.crashed += len(job.items)
        for request, index, submission in job.items:
            request.settle(index, EngineCrashed(f"{submission.id}: {reason}"))
        if job.done is not None:
            job.done.set_result(None)

    def _after_crash(self, job: Job, exitcode: int | None) -> None:
        job.crashes += 1
        if job.alone or (job.crashes >= 2 and len(job.items) == 1):
            self._give_up(job, f"the engine worker stopped (exit code {exitcode}) evaluating it")
        elif job.crashes >= 2:
            for item in job.items:
                self._jobs.put(Job(job.ruleset, [item], job.crashes, alone=True, view=job.view))
        else:
            self._jobs.put(job, front=True)


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))
