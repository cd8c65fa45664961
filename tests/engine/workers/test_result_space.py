from __future__ import annotations

import gc
import os
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from probity.engine.errors import FieldViolation
from probity.engine.workers.result_space import Manifest, ResultSpace


def _pair(slots: int, slot_size: int) -> tuple[ResultSpace, ResultSpace]:
    """The parent's space and the worker's view of the same memory."""
    parent, handle = ResultSpace.create(slots, slot_size)
    worker = ResultSpace(handle, slots, slot_size)
    os.close(handle)
    return parent, worker


def _round(parent: ResultSpace, worker: ResultSpace, outcomes: list[Any], lendable: int) -> Any:
    """One batch's reply: the slot named, written by the worker, taken by the parent."""
    slot = parent.name_slot()
    assert slot is not None
    return parent.take(worker.put(slot, outcomes), lendable)


def test_results_are_lent_read_only_and_errors_come_as_they_went() -> None:
    parent, worker = _pair(3, 1024)
    violation = [FieldViolation("a.b", "is required")]
    got = _round(parent, worker, [b"alpha", violation, b"", b"omega"], lendable=1)
    assert got == [b"alpha", violation, b"", b"omega"]
    assert isinstance(got[0], memoryview) and got[0].readonly
    assert parent.lent() == 1


def test_a_slot_is_not_named_again_while_any_result_in_it_is_held() -> None:
    parent, worker = _pair(2, 1024)
    held = _round(parent, worker, [b"first", b"second"], lendable=1)[1]
    for n in range(5):  # every later reply goes through the one other slot
        reply = _round(parent, worker, [b"x" * n], lendable=1)
        assert reply == [b"x" * n]
        assert isinstance(reply[0], bytes)  # copied: the only lendable slot is lent
    assert held == b"second"  # never overwritten
    del held
    gc.collect()
    assert parent.lent() == 0
    assert isinstance(_round(parent, worker, [b"again"], lendable=1)[0], memoryview)


def test_replies_on_the_pipe_or_refused_give_their_slot_back() -> None:
    parent, worker = _pair(2, 16)
    assert _round(parent, worker, [b"too large for a slot"], lendable=1) == [
        b"too large for a slot"
    ]
    parent.name_slot()
    assert parent.take("refused: the rule set does not compile", 1).startswith("refused")
    assert parent.name_slot() is not None and parent.name_slot() is not None  # both free


def test_lent_results_outlive_closing_the_space() -> None:
    parent, worker = _pair(2, 64)
    (held,) = _round(parent, worker, [b"kept"], lendable=1)
    parent.close()
    worker.close()
    assert held == b"kept"


@given(st.lists(st.one_of(st.binary(max_size=300), st.integers()), max_size=20))
def test_any_outcomes_come_back_as_they_went(outcomes: list[bytes | int]) -> None:
    parent, worker = _pair(2, 4096)
    fits = sum(len(o) for o in outcomes if isinstance(o, bytes)) <= 4096
    assert isinstance(worker.put(0, iter(outcomes)), Manifest) == fits
    assert _round(parent, worker, outcomes, lendable=1) == outcomes
    assert _round(parent, worker, outcomes, lendable=1) == outcomes  # copied, or lent again
    parent.close()
    worker.close()
