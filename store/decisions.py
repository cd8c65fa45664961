"""What the decision log keeps of an evaluation, as the service hands it over: who asked
(Origin), the request item as received (Recorded), the result as sent (Decision), a tender's
ranking (TenderDecision); and the DecisionSink that takes them (as OPA's server takes an
injected decision logger).

The service builds these at its boundary (server.recording); the engine never sees them: it
takes a submission and returns a result. Nothing here imports a database driver, so a
service started with `--db off` loads none.

Two orderings hold for any sink: a rule set version is given to it before any result that
names it; `record` returns only once the decisions are kept, or raises RecordingFailed (the
engine's error, which its rule set store raises too), and then the caller sends no result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from probity.engine import FULL, CompiledRuleSet, Encoded, View


@dataclass(frozen=True, slots=True)
class Origin:
    """Who asked for an evaluation: the call and its caller, as the decision log keeps them."""

    request_id: str
    method: str
    caller_name: str = ""
    caller_role: str = ""


@dataclass(frozen=True, slots=True)
class Recorded:
    """What the log keeps of one request item: its bytes as received and the ids it names."""

    stored: bytes
    subject_id: str
    tender_id: str = ""
    contract_id: str = ""
    supplier_id: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """One evaluation to record: the item, the result as sent, and what made it."""

    origin: Origin
    number: int  # the item's place in its request, from 1
    ruleset: CompiledRuleSet
    item: Recorded
    result: Encoded
    view: View = FULL  # the view `result` is written in


@dataclass(frozen=True, slots=True)
class TenderDecision:
    """A tender's ranking as sent (its price scores and ranks, without the bids' results,
    which are decisions of their own under the same request id): what a report of the
    tender is later made from."""

    origin: Origin
    tender_id: str
    ruleset: CompiledRuleSet
    ranking: bytes  # as the caller received it, in the service's own format
    bids: int  # how many bids it ranks or rejects


class DecisionSink(Protocol):
    """Where decisions are recorded. `ruleset` keeps a version (its first record stands);
    `record` keeps decisions, and a tender's ranking with them, in one transaction. Either
    raises RecordingFailed if it cannot: then the caller must not see the results."""

    @property
    def enabled(self) -> bool: ...

    def ruleset(
        self, ruleset: CompiledRuleSet, how: str = "loaded", by: Origin | None = None
    ) -> None: ...

    def record(
        self, decisions: Sequence[Decision], tender: TenderDecision | None = None
    ) -> None: ...

    def undelivered(self, decisions: Sequence[Decision]) -> None:
        """Note recorded decisions as never sent to their caller (its stream ended first)."""
        ...


class NoSink:
    """Records nothing (`--db off`)."""

    enabled = False

    def ruleset(
        self, ruleset: CompiledRuleSet, how: str = "loaded", by: Origin | None = None
    ) -> None:
        return None

    def record(self, decisions: Sequence[Decision], tender: TenderDecision | None = None) -> None:
        return None

    def undelivered(self, decisions: Sequence[Decision]) -> None:
        return None


NO_SINK = NoSink()
