"""The pool's queue of work: each caller's request, cut into jobs (batches) for the
workers, and joined again with its neighbours when small requests for the same rule set
queue together."""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Literal

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.evaluation.items import Serialized, Submission
from probity.engine.evaluations import FULL, Outcome, View

BATCH = 256

# A request is cut into batches of equal size, a whole number of them per worker, so that
# an idle pool answers even a mid-sized request (a tender's bids) on every core at once:
# 300 submissions go as 150 to each worker, not 256 to one and 44 to the other. Batches
# under MIN_SHARE are not worth their fixed cost.
MIN_SHARE = 16


@dataclass
class Request:
    outcomes: list[Outcome | None]
    future: Future[list[Outcome]]
    remaining: int
    lock: threading.Lock = field(default_factory=threading.Lock)

    def settle(self, index: int, outcome: Outcome) -> None:
        self.settle_many([index], [outcome])

    def settle_many(self, indices: list[int], outcomes: list[Outcome]) -> None:
        with self.lock:
            before = self.remaining
            for index, outcome in zip(indices, outcomes, strict=True):
                if self.outcomes[index] is None:  # never twice
                    self.outcomes[index] = outcome
                    self.remaining -= 1
            done = before > 0 and self.remaining == 0
        # A caller that gave up (its deadline passed) cancelled the future: nothing to say.
        if done and not self.future.cancelled():
            self.future.set_result([o for o in self.outcomes if o is not None])


Item = tuple[Request, int, "Submission | Serialized"]  # an item and where its outcome goes


@dataclass
class Job:
    ruleset: CompiledRuleSet
    items: list[Item]
    crashes: int = 0
    alone: bool = False  # split out of a batch that kept crashing, or a warm-up
    done: Future[None] | None = None  # set once a reply (or the give-up) came
    view: View = FULL  # how its results are written

    def abandoned(self) -> bool:
        """Every caller waiting on these items has cancelled its future."""
        return bool(self.items) and all(request.future.cancelled() for request, _, _ in self.items)


class JobQueue:
    """FIFO of jobs; taking one also takes the jobs right behind it for the same rule set,
    up to BATCH submissions, so that concurrent small requests share a batch. The batches
    one request was cut into are not joined again: they were cut to go to every worker."""

    def __init__(self) -> None:
        self._jobs: deque[Job | None] = deque()
        self._ready = threading.Condition()
        self._items = 0  # submissions queued
        self._for_slot: dict[int, deque[Job]] = {}  # jobs for one worker only (warm-ups)

    @property
    def queued(self) -> int:
        return self._items

    def put_for(self, slot: int, job: Job) -> None:
        with self._ready:
            self._for_slot.setdefault(slot, deque()).append(job)
            self._ready.notify_all()

    def put(self, job: Job | None, front: bool = False) -> None:
        with self._ready:
            if front:
                self._jobs.appendleft(job)
            else:
                self._jobs.append(job)
            self._items += len(job.items) if job else 0
            self._ready.notify()

    def take(self, block: bool, slot: int) -> Job | Literal[False] | None:
        """A job; None to stop. Not blocking: False unless a full batch is waiting."""
        with self._ready:
            while not self._jobs and not self._for_slot.get(slot):
                if not block:
                    return False
                self._ready.wait()
            if self._for_slot.get(slot):
                return self._for_slot[slot].popleft()
            front = self._jobs[0]
            if not block and front is not None and self._items < BATCH and not front.alone:
                return False
            job = self._jobs.popleft()
            if job is None:
                return job
            self._items -= len(job.items)
            if job.alone:
                return job
            name = job.ruleset.engine_name
            while self._jobs and len(job.items) < BATCH:
                other = self._jobs[0]
                if other is None or other.alone or other.ruleset.engine_name != name:
                    break
                if other.view != job.view:  # a batch's results are written in one view
                    break
                if _continues(job, other):  # the same request, cut on purpose
                    break
                if len(job.items) + len(other.items) > BATCH:
                    break
                job.items.extend(other.items)
                self._jobs.popleft()
                self._items -= len(other.items)
            return job


def _continues(job: Job, other: Job) -> bool:
    """Whether `other` starts with the request `job` ends with. A job may be empty: one
    whose answers could none be sent, handed back when its worker died."""
    return bool(job.items and other.items) and other.items[0][0] is job.items[-1][0]


def batch_sizes(count: int, workers: int) -> list[int]:
    """The sizes of the batches a request of `count` submissions is cut into (see BATCH
    and MIN_SHARE): at most BATCH each, differing by one at most, in rounds of `workers`."""
    if count <= 0:
        return []
    workers = max(1, workers)
    rounds = -(-count // (BATCH * workers))
    parts = max(1, min(rounds * workers, count // MIN_SHARE))
    size, extra = divmod(count, parts)
    return [size + 1] * extra + [size] * (parts - extra)
