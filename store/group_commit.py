"""Group commit: concurrent writers share transactions, so they share commits.

Each commit costs a round trip and, on SQLite, an fsync, whatever its size. Sixteen portals
calling Evaluate at once would otherwise queue for sixteen commits; here one thread writes,
and everything handed to it while it was writing goes into its next transaction together.
A caller returns once its rows are committed, or with the error that stopped them.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Row = TypeVar("Row")
# Rows in one transaction, at most: a bound on its size and on how long its callers wait.
GROUP_ROWS = 2048


@dataclass(eq=False)
class _Pending(Generic[Row]):
    rows: Sequence[Row]
    done: threading.Event = field(default_factory=threading.Event)
    error: Exception | None = None


class GroupCommit(Generic[Row]):
    """Runs `write(rows)` (one transaction) on a thread of its own, for many callers at once."""

    def __init__(
        self, write: Callable[[list[Row]], None], name: str, closed: Callable[[], Exception]
    ) -> None:
        self._write = write
        self._closed_error = closed  # what a write after close() raises
        self._closed = False
        self._lock = threading.Lock()  # no write is handed over after close()
        self._queue: queue.SimpleQueue[_Pending[Row] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, daemon=True, name=name)
        self._thread.start()

    def write(self, rows: Sequence[Row]) -> None:
        """Write rows in a transaction (shared with other callers'); raise what stopped it."""
        pending = _Pending(rows)
        with self._lock:
            if self._closed:
                raise self._closed_error()
            self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    def close(self) -> None:
        """Stop once what was handed over is written."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while True:
            group = self._take()
            self._commit(group)
            if group[-1] is None:
                return

    def _take(self) -> list[_Pending[Row] | None]:
        """The next group: what is waiting now (at least one), up to GROUP_ROWS rows; ends
        with None if the writer is closing."""
        first = self._queue.get()
        group: list[_Pending[Row] | None] = [first]
        rows = len(first.rows) if first else 0
        while first is not None and rows < GROUP_ROWS:
            try:
                pending = self._queue.get_nowait()
            except queue.Empty:
                break
            group.append(pending)
            if pending is None:
                break
            rows += len(pending.rows)
        return group

    def _commit(self, group: list[_Pending[Row] | None]) -> None:
        callers = [p for p in group if p is not None]
        try:
            if callers:
                self._write([row for p in callers for row in p.rows])
        except Exception as exc:
            if len(callers) == 1:
                callers[0].error = exc
            else:  # one caller's bad row must not fail the others: each on its own
                for pending in callers:
                    self._alone(pending)
        for pending in callers:
            pending.done.set()

    def _alone(self, pending: _Pending[Row]) -> None:
        try:
            self._write(list(pending.rows))
        except Exception as exc:
            pending.error = exc
