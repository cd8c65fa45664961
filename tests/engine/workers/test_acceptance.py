"""Rule-set acceptance in a child process (probity.engine.workers.acceptance)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.errors import Code
from probity.engine.workers.acceptance import FAILPOINT, Acceptance


def test_start_spawns_the_child_before_the_first_check(mini: CompiledRuleSet) -> None:
    """The service starts the child as it is built, so that its imports overlap with the
    service's own start (time to SERVING) instead of delaying the first check."""
    with Acceptance() as acceptance:
        acceptance.start()
        executor = acceptance._executor
        assert executor is not None and len(executor._processes) == 1  # type: ignore[attr-defined]
        assert acceptance.refusals(mini) == []
        assert len(executor._processes) == 1  # type: ignore[attr-defined]  # the same child


def test_a_child_killed_while_idle_is_replaced_not_blamed(mini: CompiledRuleSet) -> None:
    """SIGKILL (or the kernel's out-of-memory killer) on the idle child left every later
    check failing with BrokenProcessPool, so the service answered INTERNAL to Validate,
    Publish, Reload and Replay until restarted. A fresh child takes the next check."""
    with Acceptance() as acceptance:
        acceptance.start()
        assert acceptance.refusals(mini) == []
        executor = acceptance._executor
        assert executor is not None
        (child,) = list(executor._processes.values())  # type: ignore[attr-defined]
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        time.sleep(0.5)  # the executor's manager thread marks the pool broken
        assert acceptance.refusals(mini) == []
        assert acceptance.refusals(mini) == []
        assert acceptance._executor is not executor


def test_a_rule_set_that_kills_a_fresh_child_too_is_refused(
    mini: CompiledRuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FAILPOINT, mini.id)
    with Acceptance() as acceptance:
        (refused,) = acceptance.refusals(mini)
        assert refused.code == Code.ENGINE_REFUSED and "crashed" in refused.message
        monkeypatch.delenv(FAILPOINT)
        assert acceptance.refusals(mini) == []


def test_a_child_that_dies_idle_is_replaced_at_once_and_said_so(mini: CompiledRuleSet) -> None:
    """Issue 30: the watcher notices the dead child without waiting for a check, says the
    rule-set path is down, replaces the child and says it is back."""
    said: list[bool] = []
    with Acceptance() as acceptance:
        acceptance.start()
        acceptance.watch(said.append)
        assert acceptance.refusals(mini) == []
        executor = acceptance._executor
        assert executor is not None
        (child,) = list(executor._processes.values())  # type: ignore[attr-defined]
        os.kill(child.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while said != [False, True] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert said == [False, True]
        fresh = acceptance._executor
        assert fresh is not None and fresh is not executor
        (replacement,) = list(fresh._processes.values())  # type: ignore[attr-defined]
        assert replacement.is_alive() and replacement.pid != child.pid
        assert acceptance.refusals(mini) == []
        assert said == [False, True]  # a healthy child is not replaced again
