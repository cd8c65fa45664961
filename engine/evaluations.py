"""The one way to evaluate: prepare a rule set version and kind once, evaluate items, get
outcomes, record decisions (as OPA's rego.PrepareForEval / Eval serve its server, CLI and
SDK alike).

The service's handlers, Replay, the command line's local mode, the rule-file test runner
and the worker processes all go through `prepare` (or `Evaluations.prepare`, which first
finds the version and checks its kind). Two orderings hold here and nowhere else:

- a rule set version is given to the decision sink before any result that names it;
- `record` (and `recorded`) return only once the sink has taken the decisions, or raise
  RecordingFailed: a caller releases results after it, never before.

Recording is an injected DecisionSink (the store implements one), so the engine knows
nothing of databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.errors import EngineCrashed, SubmissionError, WrongKind
from probity.engine.evaluation.items import Serialized, Submission
from probity.engine.evaluation.result import Result
from probity.engine.monitoring.contract_result import ContractResult

if TYPE_CHECKING:  # loaded where something is evaluated here (see Prepared.local)
    from probity.engine.evaluation.evaluator import Evaluator
    from probity.engine.monitoring.monitor import Monitor

# A result as its codec wrote it: bytes, or a read-only memoryview lent from a worker's
# shared memory (see workers.result_space) valid for as long as it is held.
Encoded = bytes | memoryview
Outcome = Encoded | SubmissionError | EngineCrashed
Item = Submission | Serialized

# How much of a result its codec writes: all of it, or (BASIC) what varies per submission,
# leaving out the rule set's own wording (the service's ResultView, AIP-157). A codec that
# has no lean form writes FULL for both.
View = Literal["full", "basic"]
FULL: View = "full"
BASIC: View = "basic"


class Runner(Protocol):
    """Evaluates batches, encoded by its codec in the view asked for: the worker pool."""

    def submit(
        self, ruleset: CompiledRuleSet, items: Sequence[Item], view: View = FULL
    ) -> Future[list[Outcome]]: ...


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
    """Records nothing (`--db off`, the command line, tests of rule files)."""

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


class Prepared:
    """One rule set version, ready to evaluate: here (`local`), or through a runner, whose
    results are written in `view`."""

    def __init__(
        self,
        ruleset: CompiledRuleSet,
        runner: Runner | None,
        sink: DecisionSink,
        view: View = FULL,
    ) -> None:
        self.ruleset = ruleset
        self.view = view
        self._runner = runner
        self._sink = sink
        self._local: Evaluator | Monitor | None = None

    @property
    def local(self) -> Evaluator | Monitor:
        """Evaluation in this process (built on first use): results as the engine's values."""
        if self._local is None:
            # Imported on first use: they load durable_rules, which the service's process
            # (it evaluates in its workers only) never does.
            from probity.engine.evaluation.evaluator import Evaluator
            from probity.engine.monitoring.monitor import Monitor

            ruleset = self.ruleset
            self._local = Monitor(ruleset) if ruleset.monitoring is not None else Evaluator(ruleset)
        return self._local

    def evaluate_here(
        self, items: Sequence[Submission]
    ) -> list[Result | ContractResult | SubmissionError]:
        return [*self.local.evaluate_many(items)]

    def submit(self, items: Sequence[Item]) -> Future[list[Outcome]]:
        """Outcomes through the runner, in order, one per item."""
        if self._runner is None:
            raise RuntimeError("prepared without a runner: use evaluate_here")
        return self._runner.submit(self.ruleset, items, self.view)

    def decision(self, origin: Origin, number: int, item: Recorded, result: Encoded) -> Decision:
        return Decision(origin, number, self.ruleset, item, result, self.view)

    @property
    def recording(self) -> bool:
        return self._sink.enabled

    def record(self, decisions: Sequence[Decision], tender: TenderDecision | None = None) -> None:
        """Record decisions (and a tender's ranking) before they are released;
        RecordingFailed if not."""
        if decisions or tender is not None:
            self._sink.record(decisions, tender)

    def recorded(
        self,
        origin: Origin,
        items: Sequence[Recorded],
        outcomes: Sequence[Outcome],
        first: int = 1,
        tender: TenderDecision | None = None,
    ) -> None:
        """Record each result among `outcomes` (errors are not decisions) with its item,
        and the tender they were ranked in, if any, in the same transaction."""
        if self._sink.enabled:
            self.record(
                [
                    self.decision(origin, n, item, outcome)
                    for n, (item, outcome) in enumerate(zip(items, outcomes, strict=True), first)
                    if isinstance(outcome, Encoded)
                ],
                tender,
            )

    def tender(self, origin: Origin, tender_id: str, ranking: bytes, bids: int) -> TenderDecision:
        return TenderDecision(origin, tender_id, self.ruleset, ranking, bids)


def prepare(
    ruleset: CompiledRuleSet,
    runner: Runner | None = None,
    sink: DecisionSink = NO_SINK,
    view: View = FULL,
) -> Prepared:
    """`ruleset` ready to evaluate; the sink has it before any result can name it."""
    sink.ruleset(ruleset)
    return Prepared(ruleset, runner, sink, view)


class RulesetSource(Protocol):
    def get(self, ruleset_id: str, version: str = "") -> CompiledRuleSet: ...


class Evaluations:
    """The façade a service holds: its rule sets, its runner and its decision sink."""

    def __init__(
        self, rulesets: RulesetSource, runner: Runner, sink: DecisionSink = NO_SINK
    ) -> None:
        self.rulesets = rulesets
        self.runner = runner
        self.sink = sink

    def prepare(
        self, ruleset_id: str, version: str = "", kind: str = "tender", view: View = FULL
    ) -> Prepared:
        """The version named (the active one if `version` is empty), which must be of
        `kind`: UnknownRuleset or WrongKind if not."""
        ruleset = self.rulesets.get(ruleset_id, version)
        if ruleset.kind != kind:
            raise WrongKind(ruleset.id, ruleset.kind, kind)
        return prepare(ruleset, self.runner, self.sink, view)

    def prepare_version(self, ruleset: CompiledRuleSet, view: View = FULL) -> Prepared:
        """A version the caller already holds (Replay's recorded one)."""
        return prepare(ruleset, self.runner, self.sink, view)

    def trial(self, ruleset: CompiledRuleSet) -> Prepared:
        """A version tried out, never recorded nor kept (a draft's impact): the sink never
        sees it, so it is never a version anyone can be served."""
        return prepare(ruleset, self.runner, NO_SINK, FULL)

    @property
    def recording(self) -> bool:
        return self.sink.enabled

    def record(self, decisions: Sequence[Decision]) -> None:
        """Record decisions of several versions at once (a stream's batch)."""
        if decisions:
            self.sink.record(decisions)

    def undelivered(self, decisions: Sequence[Decision]) -> None:
        """Note recorded decisions as never sent (RecordingFailed if the sink cannot)."""
        if decisions:
            self.sink.undelivered(decisions)
