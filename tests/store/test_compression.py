"""Compressing the decision log's blobs with a dictionary per rule set version (real zstd)."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.store.compression import SAMPLES, Compressor, Dictionary

DIGEST = "d" * 64


def result_like(n: int) -> bytes:
    """A few kB that repeat wording, with values that vary, as a result does."""
    rng = random.Random(n)
    findings = [
        f'{{"criterion":"C{k}","outcome":"{rng.choice(["met", "not_met"])}",'
        f'"explanation":"The bidder reports {rng.randint(0, 100)}% against a target of 90%.",'
        f'"source":"Holders of public office should act solely in terms of the public interest."}}'
        for k in range(20)
    ]
    return ("[" + ",".join(findings) + "]").encode()


class FakeDatabase:
    """Where the compressor keeps dictionaries; in memory, as these tests are about zstd."""

    def __init__(self) -> None:
        self.stored: dict[int, tuple[str, bytes]] = {}
        self.refuse = False

    def existing(self, digest: str) -> Dictionary | None:
        mine = [(i, data) for i, (d, data) in self.stored.items() if d == digest]
        return Dictionary(*max(mine)) if mine else None

    def store(self, digest: str, data: bytes) -> int:
        if self.refuse:
            raise RuntimeError("database is down")
        self.stored[len(self.stored) + 1] = (digest, data)
        return len(self.stored)

    def load(self, dictionary_id: int) -> bytes:
        return self.stored[dictionary_id][1]

    def compressor(self) -> Compressor:
        return Compressor(self.existing, self.store, self.load)


def trained(compressor: Compressor, digest: str = DIGEST) -> int:
    """Feed samples until the version's dictionary is in use; its id."""
    n = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        _, dictionary = compressor.compress(digest, (result_like(n),))
        if dictionary is not None:
            return dictionary
        n += 1
        if n > SAMPLES:
            time.sleep(0.01)  # training runs in the background
    raise AssertionError("no dictionary within a minute")


def test_blobs_are_stored_as_they_are_until_a_dictionary_is_trained_then_compressed() -> None:
    database = FakeDatabase()
    compressor = database.compressor()
    blob = result_like(1)
    assert compressor.compress(DIGEST, (blob,)) == ((blob,), None)
    dictionary = trained(compressor)
    assert database.stored[dictionary][0] == DIGEST  # stored before it is used
    (packed,), used = compressor.compress(DIGEST, (result_like(10_000),))
    assert used == dictionary
    assert len(packed) * 5 < len(result_like(10_000))
    assert compressor.decompress(packed, used) == result_like(10_000)
    assert compressor.decompress(blob, None) == blob


def test_each_rule_set_version_has_its_own_dictionary() -> None:
    compressor = FakeDatabase().compressor()
    assert trained(compressor, "a" * 64) != trained(compressor, "b" * 64)


def test_another_process_reads_with_the_stored_dictionary_and_reuses_it() -> None:
    database = FakeDatabase()
    first = database.compressor()
    dictionary = trained(first)
    (packed,), _ = first.compress(DIGEST, (result_like(5),))
    again = database.compressor()  # a restarted service, on the same database
    assert again.decompress(packed, dictionary) == result_like(5)
    assert again.compress(DIGEST, (result_like(6),))[1] == dictionary
    assert len(database.stored) == 1


def test_a_dictionary_that_cannot_be_stored_is_not_used_and_is_tried_again() -> None:
    database = FakeDatabase()
    database.refuse = True
    compressor = database.compressor()
    for n in range(SAMPLES + 1):
        compressor.compress(DIGEST, (result_like(n),))
    time.sleep(2)  # long enough to have trained and failed to store
    assert compressor.compress(DIGEST, (result_like(0),))[1] is None
    database.refuse = False
    assert trained(compressor) == 1


@pytest.fixture(scope="module")
def ready() -> tuple[Compressor, int]:
    compressor = FakeDatabase().compressor()
    return compressor, trained(compressor)


@settings(max_examples=200, deadline=None)
@given(blob=st.binary(max_size=5000))
def test_any_bytes_read_back_exactly(ready: tuple[Compressor, int], blob: bytes) -> None:
    compressor, dictionary = ready
    (packed,), used = compressor.compress(DIGEST, (blob,))
    assert used == dictionary
    assert compressor.decompress(packed, used) == blob
