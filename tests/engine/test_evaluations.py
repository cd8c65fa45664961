"""The evaluation façade: prepare a version of the right kind, evaluate through a runner
or here, and record decisions through the sink, in the order the decision log relies on."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.errors import UnknownRuleset, WrongKind
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import Result
from probity.engine.evaluations import (
    Decision,
    Evaluations,
    Origin,
    Recorded,
    TenderDecision,
    prepare,
)
from probity.engine.registry import Catalogue
from probity.engine.workers.pool import WorkerPool
from tests.conftest import MINI_STRONG


class ListSink:
    """A decision sink that keeps what it is given, in order, in memory."""

    enabled = True

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def ruleset(
        self, ruleset: CompiledRuleSet, how: str = "loaded", by: Origin | None = None
    ) -> None:
        self.events.append(("ruleset", ruleset.digest))

    def record(self, decisions: Sequence[Decision], tender: TenderDecision | None = None) -> None:
        self.events.extend(("decision", d.item.subject_id) for d in decisions)
        if tender is not None:
            self.events.append(("tender", tender.tender_id))

    def undelivered(self, decisions: Sequence[Decision]) -> None:
        self.events.extend(("undelivered", d.item.subject_id) for d in decisions)


def test_the_version_goes_to_the_sink_before_any_result_and_results_after_evaluation(
    mini: CompiledRuleSet,
) -> None:
    sink = ListSink()
    catalogue = Catalogue().with_version(mini)
    with WorkerPool(1) as pool:
        prepared = Evaluations(catalogue, pool, sink).prepare("mini")
        assert sink.events == [("ruleset", mini.digest)]  # before anything is evaluated
        items = [Submission("a", MINI_STRONG), Submission("b", {"coi": "no"})]
        outcomes = prepared.submit(items).result()
        origin = Origin("r1", "/t/T", "portal-caller", "portal")
        prepared.recorded(origin, [Recorded(b"a", "a"), Recorded(b"b", "b")], outcomes)
    # The invalid submission is an error, not a decision.
    assert sink.events == [("ruleset", mini.digest), ("decision", "a")]


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
