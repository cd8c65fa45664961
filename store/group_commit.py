"""Group commit: concurrent writers share transactions, so they share commits.

Each commit costs a round trip and, on SQLite, an fsync, whatever its size. Sixteen portals
calling Evaluate at once would otherwise queue for sixteen commits. Here a caller who finds
nobody writing becomes the leader: it writes everything waiting (its own rows first among
them) in one transaction, wakes those it wrote for, and hands the lead to the first caller
still waiting, if any. A caller alone writes on its own thread with no handover at all.
A caller returns once its rows are committed, or raises the error that stopped them.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Row = TypeVar("Row")
# Rows in one transaction, at most: a bound on its size and on how long its callers wait.
GROUP_ROWS = 2048


@dataclass(eq=False)
class _Pending(Generic[Row]):
    rows: Sequence[Row]
    wake: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # woken to write for everyone waiting
    finished: bool = False
    error: Exception | None = None


class GroupCommit(Generic[Row]):
    """Runs `write(rows)` (one transaction) for many callers at once, on their own threads."""

    def __init__(self, write: Callable[[list[Row]], None], closed: Callable[[], Exception]) -> None:
        self._write = write
        self._closed_error = closed  # what a write after close() raises
        self._closed = False
        self._lock = threading.Lock()
        self._waiting: deque[_Pending[Row]] = deque()
        self._idle = threading.Event()  # set while nobody leads
        self._idle.set()

    def write(self, rows: Sequence[Row]) -> None:
        """Write rows in a transaction (shared with other callers'); raise what stopped it."""
        pending = _Pending(rows)
        with self._lock:
            if self._closed:
                raise self._closed_error()
            self._waiting.append(pending)
            if self._idle.is_set():
                self._idle.clear()
                pending.lead = True
        while True:
            if pending.lead:
                pending.lead = False
                self._lead()
            if pending.finished:
                break
            pending.wake.wait()
            pending.wake.clear()
        if pending.error is not None:
            raise pending.error

    def close(self) -> None:
        """Refuse new writes; return once those handed over are written."""
        with self._lock:
            self._closed = True
        self._idle.wait()

    def _lead(self) -> None:
        """Write one group for everyone waiting, then pass the lead on (or stand down)."""
        with self._lock:
            group = [self._waiting.popleft()]
            rows = len(group[0].rows)
            while self._waiting and rows < GROUP_ROWS:
                rows += len(self._waiting[0].rows)
                group.append(self._waiting.popleft())
        self._commit(group)
        with self._lock:
            for pending in group:
                pending.finished = True
            successor = self._waiting[0] if self._waiting else None
            if successor is not None:
                successor.lead = True
            else:
                self._idle.set()
        for pending in group:
            pending.wake.set()
        if successor is not None:
            successor.wake.set()

    def _commit(self, group: list[_Pending[Row]]) -> None:
        try:
            self._write([row for pending in group for row in pending.rows])
        except Exception as exc:
            if len(group) == 1:
                group[0].error = exc
                return
            for pending in group:  # one caller's bad row must not fail the others
                try:
                    self._write(list(pending.rows))
                except Exception as alone:
                    pending.error = alone
