"""Results handed from a worker process to the parent through shared memory.

A batch's results are a few megabytes (256 nolan-tender results of about 20 kB each).
Through the pipe they were pickled, copied into the kernel and out again: a quarter of what
evaluating them cost the worker. Instead the parent gives each worker a shared memory
file, cut into one slot per batch in flight; the worker writes a reply's results into its
next slot, in turn, and sends on the pipe only a Manifest saying where each one is.

A slot is never written while the parent reads it: the parent sends a worker a batch only
once it has fewer than `slots` batches in flight, that is once it has read the reply that
used the same slot. A reply that does not fit in a slot goes on the pipe as it is.
"""

from __future__ import annotations

import mmap
import os
import tempfile
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Manifest:
    """Where a reply's results are: `lengths[n]` bytes for outcome n, one after another
    from `offset`, or -1 for an outcome that is not bytes, which is in `others[n]`."""

    offset: int
    lengths: tuple[int, ...]
    others: dict[int, Any]


class ResultSpace:
    def __init__(self, fd: int, slots: int, slot_size: int) -> None:
        self.slots, self.slot_size = slots, slot_size
        self._map = mmap.mmap(fd, slots * slot_size)
        self._next = 0  # the worker's next slot

    @classmethod
    def create(cls, slots: int, slot_size: int) -> tuple[ResultSpace, int]:
        """A new space and its file descriptor, for the worker (the caller closes it)."""
        if hasattr(os, "memfd_create"):
            fd = os.memfd_create("probity-results")
        else:  # not Linux: an unlinked temporary file serves, through the page cache
            with tempfile.TemporaryFile() as file:
                fd = os.dup(file.fileno())
        os.ftruncate(fd, slots * slot_size)  # pages are only used once written
        return cls(fd, slots, slot_size), fd

    def close(self) -> None:
        self._map.close()

    # -- in the worker -------------------------------------------------------------------
    def put(self, outcomes: list[Any]) -> Manifest | None:
        """Write the bytes among `outcomes` into the next slot; None if they do not fit."""
        lengths = tuple(len(o) if isinstance(o, bytes) else -1 for o in outcomes)
        if sum(size for size in lengths if size > 0) > self.slot_size:
            return None
        offset = position = self._next * self.slot_size
        self._next = (self._next + 1) % self.slots
        for outcome in outcomes:
            if isinstance(outcome, bytes):
                self._map[position : position + len(outcome)] = outcome
                position += len(outcome)
        others = {n: o for n, o in enumerate(outcomes) if not isinstance(o, bytes)}
        return Manifest(offset, lengths, others)

    # -- in the parent -------------------------------------------------------------------
    def take(self, manifest: Manifest) -> list[Any]:
        """The outcomes a manifest describes, the results copied out of the slot."""
        out: list[Any] = []
        position = manifest.offset
        for n, size in enumerate(manifest.lengths):
            if size < 0:
                out.append(manifest.others[n])
            else:
                out.append(self._map[position : position + size])
                position += size
        return out
