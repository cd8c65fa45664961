"""Rule-set acceptance in a child process: does durable_rules take this rule set?

Asking means registering the rule set in durable_rules' C code, which can crash (a
segmentation fault takes the whole process) and never frees what it registers. So the
service never asks in its own process: a child does, a few dozen rule sets at most before
it is replaced (freeing what it registered), and a child that crashes, hangs or passes its
memory budget only costs that rule set a diagnostic.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.errors import Code, Diagnostic, SubmissionError

TASKS_PER_CHILD = 32  # rule sets one child checks before it is replaced
# For tests of what a crash costs: the child kills itself on the rule set with this id, as
# durable_rules would on a rule set it cannot handle (engine.workers.pool has the same hook).
FAILPOINT = "PROBITY_FAILPOINT_ACCEPT"
# For tests of the memory budget: on the rule set with this id the child asks for more.
MEMORY_FAILPOINT = "PROBITY_FAILPOINT_ACCEPT_MEMORY"
TIMEOUT_SECONDS = 120.0
# The child's address space: a rule set past it is refused, not the machine's memory eaten.
# The largest shipped rule set takes the child under 200 MB.
MEMORY_BYTES = 2 * 1024**3
PARENT_CHECK_SECONDS = 1.0
WATCH_SECONDS = 0.5  # how soon a child that died while idle is noticed and replaced
CRASHED = (
    "the rules engine crashed while checking this rule set; simplify the conditions it "
    "changes (long patterns, many alternatives) or split it into smaller rule sets"
)
HUNG = "the rules engine took too long to check this rule set; simplify or split it"
TOO_BIG = "the rules engine needed too much memory to check this rule set; simplify or split it"


def _child_start(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # Ctrl-C or a signal to the process group is for the parent, which stops us itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # A parent killed outright (SIGKILL) cannot stop us, and we hold both ends of our task
    # queue, so we would never see it close: leave once the parent is gone.
    parent = os.getppid()
    threading.Thread(target=_leave_with, args=(parent,), daemon=True).start()


def _leave_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _refusals(text: str, file: str, crash: bool = False, hog: bool = False) -> list[Diagnostic]:
    """In the child: compile the text again and ask durable_rules (the parent's compiled
    rule set is not sent: its text is smaller and compiles the same)."""
    from probity.engine.compiler.pipeline import compile_text
    from probity.engine.evaluation.refusals import refusals

    if crash:
        os.kill(os.getpid(), signal.SIGSEGV)
    if hog:
        bytearray(MEMORY_BYTES)
    return refusals(compile_text(text, file))


def _compiled(text: str, file: str, cited: str, folder: Path | None = None) -> CompiledRuleSet:
    """In the child: an accepted rule set compiled again from its text and the citations the
    parent checked (the library stays with the parent), as the workers compile it."""
    from probity.engine.compiler.citations import citations_from_json
    from probity.engine.compiler.pipeline import compile_text

    citations = citations_from_json(cited) if cited else None
    return compile_text(text, file, citations=citations, folder=folder)


def _tried(text: str, file: str, cited: str, answers: dict[str, Any], codec: Any) -> Any:
    """In the child: the answers evaluated on the text, the result encoded by `codec`
    (bytes, FULL view), or their violations."""
    from probity.engine.evaluation.evaluator import Evaluator
    from probity.engine.evaluation.items import Submission
    from probity.engine.evaluations import FULL, prepare

    ruleset = _compiled(text, file, cited)
    local = prepare(ruleset).local
    if not isinstance(local, Evaluator):
        return Refused("only a tender rule set evaluates answers; a monitoring one reads returns")
    try:
        return codec.encode(local.evaluate(Submission("try", answers)), FULL, ruleset)
    except SubmissionError as exc:
        return list(exc.violations)


def _tested(text: str, file: str, cited: str, folder: str) -> Any:
    """In the child: the text's own tests, as (cases, met, not met, criteria)."""
    from probity.engine.testing import run_tests

    # Named as a file in `folder`: tests read their example files beside the rule file.
    ruleset = _compiled(text, str(Path(folder) / Path(file).name), cited, Path(folder))
    report = run_tests(ruleset)
    cases = [(case.name, list(case.failures)) for case in report.cases]
    return cases, sorted(report.met), sorted(report.not_met), list(ruleset.criterion_ids)


@dataclass(frozen=True)
class Refused:
    """What the sandbox would not do, in a sentence."""

    reason: str


def _ready() -> None:
    """In the child: import what a check needs, before the first check."""
    from probity.engine.compiler import pipeline  # noqa: F401
    from probity.engine.evaluation import refusals  # noqa: F401


class Acceptance:
    """Checks rule sets one at a time in a child process (started on first use), and is the
    sandbox where accepted drafts are tried (`tried`) and tested (`tested`)."""

    def __init__(
        self, tasks_per_child: int = TASKS_PER_CHILD, memory_bytes: int = MEMORY_BYTES
    ) -> None:
        self._tasks = tasks_per_child
        self._memory = memory_bytes
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._closed = threading.Event()
        self._watcher: threading.Thread | None = None

    def refusals(self, ruleset: CompiledRuleSet) -> list[Diagnostic]:
        """Nothing if durable_rules accepts the rule set; else why not, at file:line:col.

        A child found dead is replaced and the rule set asked again once: it may have died
        while idle (killed, or taken by the kernel's out-of-memory killer), which is no fault
        of this rule set. Only a rule set that kills a fresh child as well is refused."""
        crash = os.environ.get(FAILPOINT) == ruleset.id
        hog = os.environ.get(MEMORY_FAILPOINT) == ruleset.id
        done = self._run(_refusals, ruleset.source_text, ruleset.file, crash, hog)
        if isinstance(done, Refused):
            code = Code.ENGINE_REFUSED if done.reason == CRASHED else Code.TOO_COMPLEX
            return [Diagnostic(ruleset.file, 1, 1, done.reason, code)]
        refused: list[Diagnostic] = done
        return refused

    def tried(self, ruleset: CompiledRuleSet, answers: dict[str, Any], codec: Any) -> Any:
        """Answers evaluated on an accepted rule set in the child, not in a worker (which
        keeps every rule set it is given): the result as `codec` encodes it (engine.workers.
        pool.Codec; pickled by reference, as the pool's is), the answers' violations
        (FieldViolation), or Refused."""
        text, file, cited = ruleset.source_text, ruleset.file, ruleset.citations
        return self._run(_tried, text, file, cited, answers, codec)

    def tested(self, ruleset: CompiledRuleSet, folder: Path) -> Any:
        """An accepted rule set's own tests, run in the child, their example files looked
        for in `folder`: (cases, met, not met, criteria), or Refused."""
        text, file, cited = ruleset.source_text, ruleset.file, ruleset.citations
        return self._run(_tested, text, file, cited, str(folder))

    def _run(self, task: Any, *args: Any) -> Any:
        with self._lock:  # rare (validate, publish, reload, try): one at a time is plenty
            for _ in range(2):
                try:
                    return self._ask(task, *args)
                except BrokenProcessPool:
                    self._stop(kill=False)
            return Refused(CRASHED)

    def _ask(self, task: Any, *args: Any) -> Any:
        executor = self._executor or self._start()
        # submit raises BrokenProcessPool itself when the child died since the last task
        future = executor.submit(task, *args)
        try:
            return future.result(timeout=TIMEOUT_SECONDS)
        except MemoryError:
            return Refused(TOO_BIG)
        except FutureTimeout:
            self._stop(kill=True)
            return Refused(HUNG)

    def start(self) -> None:
        """Start the child now, in the background (it takes about half a second to import
        what it needs), so that the first check does not wait for it."""
        with self._lock:
            executor = self._executor or self._start()
            executor.submit(_ready)

    def watch(self, on_change: Callable[[bool], None]) -> None:
        """Replace a child that dies while idle as soon as it is noticed, not at the next
        check, and say so: `on_change(False)` when it is found dead, `on_change(True)` once
        its replacement is ready (the service's health follows it)."""
        self._watcher = threading.Thread(
            target=self._watch, args=(on_change,), name="probity-acceptance", daemon=True
        )
        self._watcher.start()

    def _watch(self, on_change: Callable[[bool], None]) -> None:
        up = True
        while not self._closed.wait(WATCH_SECONDS):
            # A check in progress handles its own child's death (see _run): skip the round.
            if not self._lock.acquire(blocking=False):
                continue
            try:
                if up and not self._broken():
                    continue
                if up:
                    up = False
                    on_change(False)
                up = self._replaced()
                if up:
                    on_change(True)
            finally:
                self._lock.release()

    def _broken(self) -> bool:
        # Set by the executor's manager thread when its child exits unasked.
        return self._executor is not None and bool(getattr(self._executor, "_broken", False))

    def _replaced(self) -> bool:
        """A fresh child, ready: False if it died or hung too (tried again next round)."""
        self._stop(kill=True)
        try:
            self._start().submit(_ready).result(timeout=TIMEOUT_SECONDS)
        except (BrokenProcessPool, FutureTimeout):
            return False
        return True

    def _start(self) -> ProcessPoolExecutor:
        self._executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_child_start,
            initargs=(self._memory,),
            max_tasks_per_child=self._tasks,
        )
        return self._executor

    def _stop(self, kill: bool) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if kill:  # a hung child never returns: ProcessPoolExecutor has no public kill
            for process in list(getattr(executor, "_processes", {}).values()):
                process.kill()
        # Waited for: left running, its wake-up pipe is closed under the exit handler that
        # ProcessPoolExecutor registers, which then prints a traceback at exit.
        executor.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self._closed.set()
        if self._watcher is not None:
            self._watcher.join()
        with self._lock:
            self._stop(kill=False)

    def __enter__(self) -> Acceptance:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
