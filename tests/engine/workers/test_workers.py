from __future__ import annotations

import os
import signal
import threading
import time
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from probity.engine.errors import SubmissionError
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import to_json
from probity.engine.workers.jobs import BATCH, MIN_SHARE, batch_sizes
from probity.engine.workers.pool import WorkerPool
from probity.engine.workers.worker import pack, unpack
from tests.conftest import MINI_STRONG, shipped
from tests.engine.pid_codec import PID_CODEC


def _submissions(count: int) -> list[Submission]:
    out = []
    for n in range(count):
        answers = {**MINI_STRONG, "staff": {"ethics_training_pct": n % 101}}
        if n % 97 == 0:
            answers = {**MINI_STRONG, "staff": {"ethics_training_pct": "bad"}}
        out.append(Submission(f"s{n}", answers))
    return out


def test_killing_a_worker_mid_batch_loses_and_duplicates_nothing(mini) -> None:  # type: ignore[no-untyped-def]
    submissions = _submissions(6000)
    expected = [
        o.violations if isinstance(o, SubmissionError) else to_json(o)
        for o in Evaluator(mini).evaluate_many(submissions)
    ]
    with WorkerPool(2) as pool:
        pool.evaluate(mini, submissions[:10])  # both workers up
        victims = pool.pids()
        assert len(victims) == 2
        future = pool.submit(mini, submissions)
        killed = threading.Event()

        def kill_one() -> None:
            while not future.done():
                time.sleep(0.005)
                if pool.pids():
                    os.kill(victims[0], signal.SIGKILL)
                    killed.set()
                    return

        killer = threading.Thread(target=kill_one)
        killer.start()
        outcomes = future.result(timeout=240)
        killer.join()
        assert killed.is_set()
        assert pool.restarts >= 1
        assert victims[0] not in pool.pids()
    assert len(outcomes) == len(submissions)
    got = [o.violations if isinstance(o, SubmissionError) else o for o in outcomes]
    assert got == expected  # every submission exactly once, each the same as in-process


def _writers(outcomes: list[object]) -> list[int]:
    """The pid of the worker that wrote each result (tests.engine.pid_codec)."""
    return [int(bytes(o).split(b" ", 1)[0]) for o in outcomes if not isinstance(o, SubmissionError)]


def test_a_large_request_is_shared_by_both_workers(mini) -> None:  # type: ignore[no-untyped-def]
    with WorkerPool(2, codec=PID_CODEC) as pool:
        writers = _writers(pool.evaluate(mini, _submissions(3000)))
        assert set(writers) == set(pool.pids())
        assert len(set(writers)) == 2


def test_each_request_is_written_in_its_own_view_though_queued_together(mini) -> None:  # type: ignore[no-untyped-def]
    """Small requests for one rule set share batches, but never across views: a batch is
    written in one view."""
    with WorkerPool(1, codec=PID_CODEC) as pool:
        futures = [
            (view, pool.submit(mini, _submissions(5), view))
            for view in ("full", "basic", "basic", "full", "basic")
        ]
        for view, future in futures:
            written = [o for o in future.result(timeout=60) if not isinstance(o, SubmissionError)]
            assert written and {bytes(o).split(b" ")[1].decode() for o in written} == {view}


def test_an_idle_pool_answers_a_mid_sized_request_on_both_workers(mini) -> None:  # type: ignore[no-untyped-def]
    """250 bids fit in one batch; cut in two, they are evaluated on both cores at once."""
    good = [s for s in _submissions(260) if s.answers["staff"]["ethics_training_pct"] != "bad"]
    with WorkerPool(2, codec=PID_CODEC) as pool:
        pool.warm([mini])  # both workers up, and waiting
        writers = _writers(pool.evaluate(mini, good[:250]))
    assert len(writers) == 250
    assert [writers.count(pid) for pid in dict.fromkeys(writers)] == [125, 125]


def test_small_requests_queued_for_a_rule_set_go_as_one_batch_but_one_cut_request_does_not(
    mini,  # type: ignore[no-untyped-def]
) -> None:
    from concurrent.futures import Future

    from probity.engine.workers.jobs import Job, JobQueue, Request

    def request(count: int) -> tuple[Request, list[Any]]:
        made = Request([None] * count, Future(), count)
        return made, [(made, n, s) for n, s in enumerate(_submissions(count))]

    queue = JobQueue()
    small = [request(3) for _ in range(3)]
    for _, items in small:
        queue.put(Job(mini, list(items)))  # take() extends the first job's list
    _, items = request(40)  # as submit() cuts it for two workers
    queue.put(Job(mini, items[:20]))
    queue.put(Job(mini, items[20:]))
    joined = queue.take(block=True, slot=0)
    assert joined and joined.items == [i for _, three in small for i in three] + items[:20]
    job = queue.take(block=True, slot=0)
    assert job and job.items == items[20:]  # left for the other worker
    assert queue.take(block=False, slot=0) is False  # nothing left


def test_a_job_left_empty_is_taken_like_any_other(mini) -> None:  # type: ignore[no-untyped-def]
    """A job none of whose answers could be sent is empty; handed back after a crash, it
    is queued again and must not stop the queue."""
    from concurrent.futures import Future

    from probity.engine.workers.jobs import Job, JobQueue, Request

    queue = JobQueue()
    request = Request([None] * 2, Future(), 2)
    items = [(request, n, s) for n, s in enumerate(_submissions(2))]
    queue.put(Job(mini, []))
    queue.put(Job(mini, list(items)))
    job = queue.take(block=True, slot=0)
    assert job and job.items == items


@given(st.integers(0, 5 * BATCH), st.integers(1, 4))
def test_a_request_is_cut_into_even_batches_a_round_of_workers_at_a_time(
    count: int, workers: int
) -> None:
    sizes = batch_sizes(count, workers)
    assert sum(sizes) == count
    assert all(0 < size <= BATCH for size in sizes)
    assert max(sizes, default=0) - min(sizes, default=0) <= 1
    if len(sizes) > 1:
        assert min(sizes) >= MIN_SHARE
    if count >= workers * MIN_SHARE:
        assert len(sizes) % workers == 0  # every worker gets as many
        assert len(sizes) < workers + count / BATCH  # and no more batches than it takes


def test_a_submission_that_crashes_its_worker_gets_an_error_and_no_other_is_lost(
    mini,  # type: ignore[no-untyped-def]
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from probity.engine.errors import EngineCrashed
    from probity.engine.workers.worker import FAILPOINT

    monkeypatch.setenv(FAILPOINT, "s300")  # spawned workers inherit it: they die on s300
    submissions = _submissions(700)
    with WorkerPool(2) as pool:
        outcomes = pool.evaluate(mini, submissions)
        restarts = pool.restarts
    crashed = [
        s.id for s, o in zip(submissions, outcomes, strict=True) if isinstance(o, EngineCrashed)
    ]
    assert crashed == ["s300"]
    assert "stopped (exit code -11)" in str(outcomes[300])
    # The batch was retried once, then split so that only the poison submission failed.
    assert restarts >= 3
    fine = [o for o in outcomes if isinstance(o, bytes | memoryview)]
    assert len(fine) == 700 - 1 - sum(isinstance(o, SubmissionError) for o in outcomes)


def test_warm_compiles_in_every_worker_and_survives_a_rule_set_it_cannot(mini) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    unreadable = dataclasses.replace(mini, source_text="not: [a rule file", digest="0" * 64)
    with WorkerPool(2) as pool:
        finished = threading.Event()

        def warm() -> None:
            pool.warm([mini, unreadable])
            finished.set()

        threading.Thread(target=warm, daemon=True).start()
        assert finished.wait(120), "warm() never returned"
        assert len(pool.pids()) == 2  # both workers started and took their warm-ups
        good = _submissions(2)[1]
        assert pool.evaluate(mini, [good]) == [to_json(Evaluator(mini).evaluate(good))]


def test_while_one_worker_warms_a_large_rule_set_the_other_evaluates(mini) -> None:  # type: ignore[no-untyped-def]
    """Issue 19, item 11: publishing a large rule set had every worker compile it at once,
    and evaluations waited behind it for seconds."""
    from probity.engine.compiler.pipeline import compile_text
    from tests.conftest import large_rule_file

    large = compile_text(large_rule_file(600), "large.yaml")
    with WorkerPool(2) as pool:
        pool.warm([mini], together=True)
        order: list[str] = []
        warming = threading.Thread(target=lambda: (pool.warm([large]), order.append("warm")))
        warming.start()
        good = _submissions(1)[0]
        while "warm" not in order and pool.evaluate(mini, [good]):  # they go on meanwhile
            order.append("evaluated")
        warming.join(120)
    # Dozens, while one worker compiles; all at once, none until a worker is done with it.
    assert "warm" in order and order.count("evaluated") >= 10, order.count("evaluated")


def test_a_rule_set_a_worker_refuses_fails_its_submissions_and_holds_no_slot(mini) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from probity.engine.errors import EngineCrashed
    from probity.engine.workers.pool import IN_FLIGHT, LENDABLE

    unreadable = dataclasses.replace(mini, source_text="not: [a rule file", digest="0" * 64)
    good = _submissions(2)[1]
    with WorkerPool(1) as pool:
        # More refused batches than the worker has slots: each gives its slot back.
        for _ in range(IN_FLIGHT + LENDABLE + 2):
            (refused,) = pool.evaluate(unreadable, [good])
            assert isinstance(refused, EngineCrashed)
            assert "the rules engine could not evaluate this" in str(refused)
        (result,) = pool.evaluate(mini, [good])
    assert isinstance(result, memoryview)  # lent from a slot: none was lost to the refusals
    assert result == to_json(Evaluator(mini).evaluate(good))


def test_contracts_are_checked_in_workers_and_a_crash_fails_only_its_own(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from probity.engine.errors import EngineCrashed
    from probity.engine.monitoring.contract_result import contract_json
    from probity.engine.monitoring.monitor import Monitor
    from probity.engine.workers.worker import FAILPOINT
    from tests.conftest import RULES

    monitoring = shipped(RULES / "ethical-standards-monitoring.yaml")
    weak = json.loads((RULES / "examples/ethical-standards-monitoring/weak.json").read_text())
    contracts = []
    for n in range(40):
        data = json.loads(json.dumps(weak))
        data["contract"]["contract_id"] = f"CT-{n}"
        for item in data["returns"]:
            item["contract_id"] = f"CT-{n}"
        contracts.append(Submission(f"CT-{n}", data))
    monkeypatch.setenv(FAILPOINT, "CT-17")
    with WorkerPool(2) as pool:
        outcomes = pool.evaluate(monitoring, contracts)
    local = Monitor(monitoring)
    for submission, outcome in zip(contracts, outcomes, strict=True):
        if submission.id == "CT-17":
            assert isinstance(outcome, EngineCrashed)
        else:
            assert outcome == contract_json(local.check(submission.answers))


def test_results_too_large_for_shared_memory_come_through_the_pipe(mini) -> None:  # type: ignore[no-untyped-def]
    submissions = _submissions(600)  # replies of 256 results: 1 MiB holds one, 4 kB does not
    expected = [
        o.violations if isinstance(o, SubmissionError) else to_json(o)
        for o in Evaluator(mini).evaluate_many(submissions)
    ]
    for slot_bytes in (4096, 1 << 20):
        with WorkerPool(1, result_slot_bytes=slot_bytes) as pool:
            outcomes = pool.evaluate(mini, submissions)
        got = [o.violations if isinstance(o, SubmissionError) else o for o in outcomes]
        assert got == expected


def test_answers_marshal_cannot_write_are_pickled_and_evaluated_the_same(mini) -> None:  # type: ignore[no-untyped-def]
    plain = _submissions(20)
    odd = [Submission(s.id, OrderedDict(s.answers)) for s in plain]  # marshal refuses these
    expected = [
        o.violations if isinstance(o, SubmissionError) else to_json(o)
        for o in Evaluator(mini).evaluate_many(plain)
    ]
    with WorkerPool(1) as pool:
        outcomes = pool.evaluate(mini, odd)
    assert [o.violations if isinstance(o, SubmissionError) else o for o in outcomes] == expected


def test_answers_that_cannot_be_sent_fail_alone(mini) -> None:  # type: ignore[no-untyped-def]
    deep: dict[str, object] = {}
    level = deep
    for _ in range(5000):  # deeper than pickle recurses
        level["a"] = level = {}
    submissions = _submissions(5)
    submissions[2] = Submission("deep", deep)
    submissions[3] = Submission("lambda", {**MINI_STRONG, "x": lambda: None})
    with WorkerPool(1) as pool:
        outcomes = pool.submit(mini, submissions).result(timeout=120)
    for n in (2, 3):
        error = outcomes[n]
        assert isinstance(error, SubmissionError)
        assert error.violations[0].field == "answers"
        assert "cannot be sent to the engine" in error.violations[0].reason
    expected = Evaluator(mini).evaluate_many([submissions[n] for n in (0, 1, 4)])
    got = [outcomes[n] for n in (0, 1, 4)]
    assert [o.violations if isinstance(o, SubmissionError) else o for o in got] == [
        o.violations if isinstance(o, SubmissionError) else to_json(o) for o in expected
    ]


_plain = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(_plain)
def test_a_batch_arrives_as_it_was_sent(message: object) -> None:
    got = unpack(pack(message))
    assert got == message
    assert repr(got) == repr(message)  # the same types too: tuples stay tuples, bytes bytes


def test_a_batch_marshal_cannot_write_is_pickled() -> None:
    message = OrderedDict(a=Decimal("1.5"))
    assert pack(message)[:1] == b"P"
    assert unpack(pack(message)) == message
    assert pack({"a": [1, 2.5, "x", b"y", None]})[:1] == b"M"


def test_results_held_while_later_batches_run_stay_as_they_were(mini) -> None:  # type: ignore[no-untyped-def]
    submissions = _submissions(256 * 12)
    expected = [
        o.violations if isinstance(o, SubmissionError) else to_json(o)
        for o in Evaluator(mini).evaluate_many(submissions)
    ]
    with WorkerPool(1) as pool:
        held = []  # every result kept: the first lent from shared memory, the rest copied
        for start in range(0, len(submissions), 512):
            held.extend(pool.evaluate(mini, submissions[start : start + 512]))
    assert {type(o) for o in held if not isinstance(o, SubmissionError)} == {memoryview, bytes}
    assert [o.violations if isinstance(o, SubmissionError) else o for o in held] == expected


def test_a_reply_the_parent_cannot_take_fails_only_its_batch(mini, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from probity.engine.errors import EngineCrashed
    from probity.engine.workers.result_space import ResultSpace

    take = ResultSpace.take
    failed = threading.Event()

    def take_once_badly(self: ResultSpace, reply: object, lendable: int) -> object:
        if not failed.is_set() and getattr(reply, "lengths", ()):
            failed.set()
            raise RuntimeError("injected")
        return take(self, reply, lendable)

    monkeypatch.setattr(ResultSpace, "take", take_once_badly)
    submissions = _submissions(1000)
    with WorkerPool(1) as pool:
        outcomes = pool.submit(mini, submissions).result(timeout=120)
        after = pool.evaluate(mini, submissions[:10])  # the worker was replaced, and serves
    crashed = [o for o in outcomes if isinstance(o, EngineCrashed)]
    assert len(crashed) == batch_sizes(1000, 1)[0] == 250  # the first batch, and only it
    assert "internal error reading the engine: injected" in str(crashed[0])
    assert all(not isinstance(o, EngineCrashed) for o in outcomes[250:])
    assert len(after) == 10 and not any(isinstance(o, EngineCrashed) for o in after)


def test_closing_kills_a_stuck_worker_and_fails_what_it_held(mini) -> None:  # type: ignore[no-untyped-def]
    from probity.engine.errors import EngineCrashed

    pool = WorkerPool(1)
    pool.evaluate(mini, _submissions(3))
    (pid,) = pool.pids()
    os.kill(pid, signal.SIGSTOP)  # alive, but it will never answer nor exit
    future = pool.submit(mini, _submissions(5))
    started = time.monotonic()
    pool.close(timeout=2)
    assert time.monotonic() - started < 30
    assert all(isinstance(o, EngineCrashed) for o in future.result(timeout=1))
    assert pool.pids() == []  # killed, and not replaced


def test_a_cancelled_request_is_not_evaluated_and_fails_no_other(mini) -> None:  # type: ignore[no-untyped-def]
    """Issue 30: a PreviewImpact past its deadline left its batches running in the workers
    for no one. Its caller cancels the future: the batches not yet sent are dropped, those in
    flight are answered to no one (no error, no restart), and the next request is answered."""
    with WorkerPool(1, codec=PID_CODEC) as pool:
        pool.warm([mini])
        abandoned = pool.submit(mini, _submissions(20_000))
        assert abandoned.cancel()
        after = pool.submit(mini, _submissions(300)).result(timeout=120)
        assert len(after) == 300
        assert sum(isinstance(o, SubmissionError) for o in after) == 4  # n % 97 == 0
        assert pool.dropped > 0 and pool.restarts == 0
        assert abandoned.cancelled()
