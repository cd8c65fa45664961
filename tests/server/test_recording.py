"""Decisions recorded at the service's boundary (server.recording): the version goes to the
sink before any result, results are recorded with their items, errors are not decisions,
and nothing is recorded without a sink."""

from __future__ import annotations

from collections.abc import Sequence

from probity.engine import CompiledRuleSet, Evaluations, Submission
from probity.engine.registry import Catalogue
from probity.engine.workers.pool import WorkerPool
from probity.server.recording import Recorder
from probity.store.decisions import Decision, Origin, Recorded, TenderDecision
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
        self.events.extend(("decision", d.item.subject_id, d.number) for d in decisions)
        if tender is not None:
            self.events.append(("tender", tender.tender_id, tender.bids))

    def undelivered(self, decisions: Sequence[Decision]) -> None:
        self.events.extend(("undelivered", d.item.subject_id) for d in decisions)


ORIGIN = Origin("r1", "/t/T", "portal-caller", "portal")


def test_the_version_goes_to_the_sink_before_results_and_errors_are_not_decisions(
    mini: CompiledRuleSet,
) -> None:
    sink = ListSink()
    recorder = Recorder(sink)
    with WorkerPool(1) as pool:
        prepared = Evaluations(Catalogue().with_version(mini), pool).prepare("mini")
        recorder.version(prepared.ruleset)
        assert sink.events == [("ruleset", mini.digest)]  # before anything is evaluated
        items = [Submission("a", MINI_STRONG), Submission("b", {"coi": "no"})]
        outcomes = prepared.submit(items).result()
    ranked = recorder.tender(prepared, ORIGIN, "T-1", b"ranking", 2)
    recorder.recorded(
        prepared, ORIGIN, [Recorded(b"a", "a"), Recorded(b"b", "b")], outcomes, ranked
    )
    # The invalid submission is an error, not a decision; the tender goes in the same call.
    assert sink.events[1:] == [("decision", "a", 1), ("tender", "T-1", 2)]


def test_a_decision_names_the_version_and_view_it_was_written_in(mini: CompiledRuleSet) -> None:
    prepared = Evaluations(Catalogue().with_version(mini), runner=None).prepare(  # type: ignore[arg-type]
        "mini", view="basic"
    )
    decision = Recorder.decision(prepared, ORIGIN, 3, Recorded(b"x", "x"), b"result")
    assert (decision.ruleset.digest, decision.view, decision.number) == (mini.digest, "basic", 3)


class OffSink(ListSink):
    enabled = False  # as NO_SINK says: `--db off`


def test_a_sink_that_is_off_is_given_no_decisions(mini: CompiledRuleSet) -> None:
    sink = OffSink()
    recorder = Recorder(sink)
    assert not recorder.recording and not Recorder().recording
    catalogue = Catalogue().with_version(mini)
    prepared = Evaluations(catalogue, runner=None).prepare("mini")  # type: ignore[arg-type]
    recorder.recorded(prepared, ORIGIN, [Recorded(b"a", "a")], [b"result"])
    recorder.record([], recorder.tender(prepared, ORIGIN, "T-1", b"", 0))
    assert sink.events == []
