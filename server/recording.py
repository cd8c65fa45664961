"""Decisions recorded at the service's boundary: the handlers build each record here (who
asked, the request item as received, the result as sent) and hand it to the decision sink
the service was given (store.sink.LogSink, or NO_SINK with `--db off`). The engine
evaluates; it never records.

The orderings the decision log relies on hold here: a rule set version goes to the sink
before any result that names it (`version`, called as a request's version is prepared), and
`record` returns only once the sink has the decisions, or raises RecordingFailed: a handler
sends results after it, never before.
"""

from __future__ import annotations

from collections.abc import Sequence

from probity.engine import CompiledRuleSet, Encoded, Outcome, Prepared
from probity.store.decisions import (
    NO_SINK,
    Decision,
    DecisionSink,
    Origin,
    Recorded,
    TenderDecision,
)


class Recorder:
    """The service's decision sink, and how its handlers make what they give it."""

    def __init__(self, sink: DecisionSink = NO_SINK) -> None:
        self.sink = sink

    @property
    def recording(self) -> bool:
        return self.sink.enabled

    def version(self, ruleset: CompiledRuleSet) -> None:
        """The sink has `ruleset` before any result can name it (RecordingFailed if not)."""
        self.sink.ruleset(ruleset)

    @staticmethod
    def decision(
        prepared: Prepared, origin: Origin, number: int, item: Recorded, result: Encoded
    ) -> Decision:
        return Decision(origin, number, prepared.ruleset, item, result, prepared.view)

    @staticmethod
    def tender(
        prepared: Prepared, origin: Origin, tender_id: str, ranking: bytes, bids: int
    ) -> TenderDecision:
        return TenderDecision(origin, tender_id, prepared.ruleset, ranking, bids)

    def record(self, decisions: Sequence[Decision], tender: TenderDecision | None = None) -> None:
        """Record decisions (and a tender's ranking) before they are released;
        RecordingFailed if not."""
        if self.sink.enabled and (decisions or tender is not None):
            self.sink.record(decisions, tender)

    def recorded(
        self,
        prepared: Prepared,
        origin: Origin,
        items: Sequence[Recorded],
        outcomes: Sequence[Outcome],
        tender: TenderDecision | None = None,
    ) -> None:
        """Record each result among `outcomes` (errors are not decisions) with its item,
        numbered from 1, and the tender they were ranked in, if any, in one transaction."""
        if self.sink.enabled:
            self.record(
                [
                    self.decision(prepared, origin, n, item, outcome)
                    for n, (item, outcome) in enumerate(zip(items, outcomes, strict=True), 1)
                    if isinstance(outcome, Encoded)
                ],
                tender,
            )

    def undelivered(self, decisions: Sequence[Decision]) -> None:
        """Note recorded decisions as never sent (RecordingFailed if the sink cannot)."""
        if decisions:
            self.sink.undelivered(decisions)
