"""Group commit: concurrent callers share transactions; one caller's failure stays its own."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from probity.store.group_commit import GroupCommit


class Closed(Exception):
    pass


class Table:
    """A transaction-shaped write: all its rows or none, and a little slow, as a commit is."""

    def __init__(self) -> None:
        self.rows: list[str] = []
        self.transactions: list[list[str]] = []
        self.lock = threading.Lock()

    def write(self, rows: list[str]) -> None:
        time.sleep(0.005)
        if any(row.startswith("bad") for row in rows):
            raise ValueError(f"refused {[r for r in rows if r.startswith('bad')]}")
        with self.lock:
            self.rows.extend(rows)
            self.transactions.append(rows)


def test_concurrent_callers_share_transactions_and_each_row_is_written_once() -> None:
    table = Table()
    writer = GroupCommit(table.write, closed=Closed)
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda n: writer.write([f"a{n}", f"b{n}"]), range(200)))
    writer.close()
    assert sorted(table.rows) == sorted(f"{x}{n}" for n in range(200) for x in "ab")
    assert len(table.transactions) < 100  # 200 callers; shared, they commit far fewer times
    for transaction in table.transactions:  # a caller's rows are never split
        for row in transaction:
            assert ("b" if row[0] == "a" else "a") + row[1:] in transaction


def test_a_callers_bad_row_fails_that_caller_only() -> None:
    table = Table()
    writer = GroupCommit(table.write, closed=Closed)

    def write(n: int) -> str:
        try:
            writer.write([f"bad{n}" if n % 10 == 0 else f"ok{n}"])
        except ValueError as exc:
            return str(exc)
        return "written"

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(write, range(100)))
    writer.close()
    assert [n for n, o in enumerate(outcomes) if o != "written"] == list(range(0, 100, 10))
    assert outcomes[10] == "refused ['bad10']"
    assert sorted(table.rows) == sorted(f"ok{n}" for n in range(100) if n % 10)


def test_an_error_reaches_a_lone_caller_as_raised() -> None:
    writer = GroupCommit(Table().write, closed=Closed)
    with pytest.raises(ValueError, match="bad"):
        writer.write(["bad"])
    writer.close()


def test_close_finishes_what_was_handed_over_and_refuses_the_rest() -> None:
    table = Table()
    writer = GroupCommit(table.write, closed=Closed)
    outcomes: dict[int, str] = {}

    def write(n: int) -> None:
        try:
            writer.write([f"r{n}"])
            outcomes[n] = "written"
        except Closed:
            outcomes[n] = "refused"

    threads = [threading.Thread(target=write, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    writer.close()
    for thread in threads:
        thread.join(timeout=10)
    assert len(outcomes) == 40  # nobody is left waiting
    assert sorted(table.rows) == sorted(f"r{n}" for n, o in outcomes.items() if o == "written")
    with pytest.raises(Closed):
        writer.write(["late"])


def test_a_caller_alone_writes_on_its_own_thread() -> None:
    threads: list[threading.Thread] = []
    writer = GroupCommit(lambda rows: threads.append(threading.current_thread()), closed=Closed)
    writer.write(["one"])
    writer.write(["two"])
    assert threads == [threading.current_thread()] * 2
