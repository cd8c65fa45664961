"""The evaluation façade: prepare a version of the right kind, evaluate through a runner
or here. It records nothing: that is the service's, at its boundary (tests/server)."""

from __future__ import annotations

import pytest

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.errors import UnknownRuleset, WrongKind
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import Result
from probity.engine.evaluations import Evaluations, prepare
from probity.engine.registry import Catalogue
from probity.engine.workers.pool import WorkerPool
from tests.conftest import MINI_STRONG


def test_a_version_of_the_other_kind_or_none_is_refused(
    mini: CompiledRuleSet,
) -> None:
    evaluations = Evaluations(Catalogue().with_version(mini), runner=None)  # type: ignore[arg-type]
    with pytest.raises(WrongKind) as caught:
        evaluations.prepare("mini", kind="monitoring")
    assert (caught.value.kind, caught.value.wanted) == ("tender", "monitoring")
    with pytest.raises(UnknownRuleset):
        evaluations.prepare("mini", "9.9.9")


def test_here_and_through_the_workers_give_the_same_result(mini: CompiledRuleSet) -> None:
    from probity.engine.evaluation.result import to_json

    [here] = prepare(mini).evaluate_here([Submission("a", MINI_STRONG)])
    assert isinstance(here, Result)
    with WorkerPool(1) as pool:
        [there] = prepare(mini, pool).submit([Submission("a", MINI_STRONG)]).result()
        assert bytes(there) == to_json(here)  # type: ignore[arg-type]
