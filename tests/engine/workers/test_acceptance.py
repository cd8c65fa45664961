"""Rule-set acceptance in a child process (probity.engine.workers.acceptance)."""

from __future__ import annotations

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.workers.acceptance import Acceptance


def test_start_spawns_the_child_before_the_first_check(mini: CompiledRuleSet) -> None:
    """The service starts the child as it is built, so that its imports overlap with the
    service's own start (time to SERVING) instead of delaying the first check."""
    with Acceptance() as acceptance:
        acceptance.start()
        executor = acceptance._executor
        assert executor is not None and len(executor._processes) == 1  # type: ignore[attr-defined]
        assert acceptance.refusals(mini) == []
        assert len(executor._processes) == 1  # type: ignore[attr-defined]  # the same child
