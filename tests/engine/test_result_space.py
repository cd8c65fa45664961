from __future__ import annotations

import os

from hypothesis import given
from hypothesis import strategies as st

from engine.errors import FieldViolation
from engine.result_space import ResultSpace


def _pair(slots: int, slot_size: int) -> tuple[ResultSpace, ResultSpace]:
    """The parent's space and the worker's view of the same memory."""
    parent, handle = ResultSpace.create(slots, slot_size)
    worker = ResultSpace(handle, slots, slot_size)
    os.close(handle)
    return parent, worker


def test_the_parent_reads_what_the_worker_wrote_and_slots_are_used_in_turn() -> None:
    parent, worker = _pair(2, 1024)
    first = worker.put([b"alpha", [FieldViolation("a.b", "is required")], b"", b"omega"])
    second = worker.put([b"second reply"])
    third = worker.put([b"third"])
    assert first is not None and second is not None and third is not None
    assert [first.offset, second.offset, third.offset] == [0, 1024, 0]
    assert parent.take(second) == [b"second reply"]
    assert parent.take(third) == [b"third"]  # the slot of the first, read already
    assert worker.put([b"x" * 1025]) is None  # too large: it goes on the pipe
    parent.close()
    worker.close()


@given(st.lists(st.one_of(st.binary(max_size=300), st.integers()), max_size=20))
def test_any_outcomes_that_fit_come_back_as_they_went(outcomes: list[bytes | int]) -> None:
    parent, worker = _pair(2, 4096)
    manifest = worker.put(outcomes)
    if sum(len(o) for o in outcomes if isinstance(o, bytes)) > 4096:
        assert manifest is None
    else:
        assert manifest is not None and parent.take(manifest) == outcomes
    parent.close()
    worker.close()
