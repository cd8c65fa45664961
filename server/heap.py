"""Giving freed memory back to the system after a large call.

A stream or a tender holds up to a window of results (thousands, tens of kilobytes each) in
the gRPC threads' heaps. glibc keeps what such a call frees in each thread's arena for reuse
and hands back only the top of the main heap, so the server's resident memory stayed at its
largest call's peak (142 → 555 MB over 200,000 streamed evaluations). `malloc_trim` returns
the free pages of every arena; it takes a few milliseconds, so only the end of a large call
asks for it, never a unary evaluation.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable

_lock = threading.Lock()


def _trimmer() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: its allocator decides for itself
        return None
    return trim


_TRIM = _trimmer()


def give_back() -> float | None:
    """Return the heap's free pages to the system: the megabytes of private memory handed
    back, or None where that cannot be asked for, or while another call is already doing it
    (once is enough)."""
    if _TRIM is None or not _lock.acquire(blocking=False):
        return None
    try:
        before = private_mb()
        _TRIM(0)
        return max(0.0, before - private_mb())
    finally:
        _lock.release()


def private_mb() -> float:
    """This process's private resident memory (RssAnon), in MB; 0 where /proc has none."""
    try:
        with open("/proc/self/status") as status:
            line = next((line for line in status if line.startswith("RssAnon:")), "")
    except OSError:
        return 0.0
    return int(line.split()[1]) / 1024 if line else 0.0
