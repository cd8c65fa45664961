"""Results handed from a worker process to the parent through shared memory.

A batch's results are a few megabytes (256 nolan-tender results of about 30 kB each).
Through the pipe they were pickled, copied into the kernel and out again: a quarter of what
evaluating them cost the worker. Instead the parent gives each worker a shared memory
file, cut into slots; with each batch it names the slot for the reply's results, and the
worker sends on the pipe only a Manifest saying where each one is.

The parent does not copy them out either: copying was 40% of its time per result, taken
from the workers on two cores. A result is lent as a read-only memoryview of its slot, and
the slot is not named for another batch until every result in it has been let go. Slots
beyond those for the batches in flight are few, so once they are all lent the parent copies
a reply's results out instead, and the slot is free again at once: results held for long
(a caller keeping thousands) cost memory as before, not slots.

A reply that does not fit in a slot goes on the pipe as it is.
"""

from __future__ import annotations

import contextlib
import ctypes
import mmap
import os
import tempfile
import threading
import weakref
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Manifest:
    """Where a reply's results are: `lengths[n]` bytes for outcome n, one after another
    from the start of `slot`, or -1 for an outcome that is not bytes, in `others[n]`."""

    slot: int
    lengths: tuple[int, ...]
    others: dict[int, Any]

    # On the pipe a manifest is a plain tuple, so that marshal writes it: pickling the class
    # took the parent several times as long, on every reply.
    TAG: ClassVar[str] = "manifest"

    def to_wire(self) -> tuple[str, int, tuple[int, ...], dict[int, Any]]:
        return (self.TAG, self.slot, self.lengths, self.others)

    @classmethod
    def from_wire(cls, message: tuple[Any, ...]) -> Manifest:
        """From to_wire()'s tuple (the caller has seen its TAG)."""
        _, slot, lengths, others = message
        return cls(slot, lengths, others)


class ResultSpace:
    def __init__(self, fd: int, slots: int, slot_size: int) -> None:
        self.slots, self.slot_size = slots, slot_size
        self._map = mmap.mmap(fd, slots * slot_size)
        self._slot_type = ctypes.c_char * slot_size  # one type, whatever the results' sizes
        # The parent's account of its slots; a slot comes back from any thread that lets go
        # of its last result, even one inside these methods when the garbage collector
        # runs there: so a lock that thread may take again.
        self._lock = threading.RLock()
        self._free = list(range(slots))
        self._named: deque[int | None] = deque()  # slots named for batches sent, oldest first
        self._lent = 0

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
        """Unmap now, or, while results are still lent, once the last is let go."""
        with contextlib.suppress(BufferError):
            self._map.close()

    # -- in the worker -------------------------------------------------------------------
    def put(self, slot: int, outcomes: Iterable[Any]) -> Manifest | list[Any]:
        """Write the bytes among `outcomes` into `slot` as each comes, and say where: a
        Manifest. Taken one by one, each result is copied while it is still in the cache
        and freed before the next is made, so the worker's heap reuses one result's memory
        instead of holding a whole batch's megabytes: a fifth of encoding's cost. If they
        do not all fit, the outcomes themselves (written ones read back), for the pipe."""
        start = position = slot * self.slot_size
        end = start + self.slot_size
        lengths: list[int] = []
        others: dict[int, Any] = {}
        remaining = iter(outcomes)
        for n, outcome in enumerate(remaining):
            if not isinstance(outcome, bytes):
                lengths.append(-1)
                others[n] = outcome
            elif position + len(outcome) <= end:
                self._map[position : position + len(outcome)] = outcome
                position += len(outcome)
                lengths.append(len(outcome))
            else:
                written = Manifest(slot, tuple(lengths), others)
                return [*self._outcomes(written, self._map, start), outcome, *remaining]
        return Manifest(slot, tuple(lengths), others)

    # -- in the parent -------------------------------------------------------------------
    def name_slot(self) -> int | None:
        """The slot for the next batch's reply, or None (the reply then comes on the pipe)
        if none is free. As take() lends no more than `lendable` slots, with no more than
        `slots - lendable` batches in flight there is always one."""
        with self._lock:
            slot = self._free.pop() if self._free else None
        self._named.append(slot)  # None too: take() pairs replies with batches in order
        return slot

    def take(self, reply: Any, lendable: int) -> Any:
        """The next reply (they come in the order batches went), its results lent from
        its slot or, when `lendable` slots are lent already, copied out of it."""
        slot = self._named.popleft()
        if not isinstance(reply, Manifest):  # on the pipe, or a refusal: the slot is unused
            if slot is not None:
                self._give_back(slot, lent=False)
            return reply
        if reply.slot != slot:  # a defect: the caller must not take what it did not send
            raise RuntimeError(f"a reply in slot {reply.slot} came where {slot} was named")
        with self._lock:
            lend = self._lent < lendable
            self._lent += lend
        if lend:
            return self._lend(reply)
        out = self._outcomes(reply, self._map, reply.slot * self.slot_size)  # copies
        self._give_back(reply.slot, lent=False)
        return out

    def _lend(self, manifest: Manifest) -> list[Any]:
        # Every result is a slice of one buffer made for this reply, which lives exactly as
        # long as the last of them; when it goes, so does the slot's loan. A ctypes array is
        # the standard library's buffer that is its slices' owner and takes weak references.
        exporter = self._slot_type.from_buffer(self._map, manifest.slot * self.slot_size)
        weakref.finalize(exporter, self._give_back, manifest.slot, True).atexit = False
        return self._outcomes(manifest, memoryview(exporter).cast("B").toreadonly(), 0)

    @staticmethod
    def _outcomes(manifest: Manifest, source: Any, position: int) -> list[Any]:
        """The outcomes, each result sliced from `source` (its slot from `position`)."""
        out: list[Any] = []
        for n, size in enumerate(manifest.lengths):
            if size < 0:
                out.append(manifest.others[n])
            else:
                out.append(source[position : position + size])
                position += size
        return out

    def _give_back(self, slot: int, lent: bool) -> None:
        with self._lock:
            self._free.append(slot)
            self._lent -= lent

    def lent(self) -> int:
        """Slots whose results are still held somewhere."""
        with self._lock:
            return self._lent
