"""The one way to evaluate: prepare a rule set version and kind once, evaluate items, get
outcomes (as OPA's rego.PrepareForEval / Eval serve its server, CLI and SDK alike).

The service's handlers, Replay, the command line's local mode, the rule-file test runner
and the worker processes all go through `prepare` (or `Evaluations.prepare`, which first
finds the version and checks its kind). A submission goes in, a result comes out: who
asked, and what the decision log keeps of it, are the service's to record at its boundary
(server.recording), never the engine's.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
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


class Prepared:
    """One rule set version, ready to evaluate: here (`local`), or through a runner, whose
    results are written in `view`."""

    def __init__(self, ruleset: CompiledRuleSet, runner: Runner | None, view: View = FULL) -> None:
        self.ruleset = ruleset
        self.view = view
        self._runner = runner
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


def prepare(ruleset: CompiledRuleSet, runner: Runner | None = None, view: View = FULL) -> Prepared:
    """`ruleset` ready to evaluate, here or through `runner`."""
    return Prepared(ruleset, runner, view)


class RulesetSource(Protocol):
    def get(self, ruleset_id: str, version: str = "") -> CompiledRuleSet: ...


class Evaluations:
    """The façade a service holds: its rule sets and its runner."""

    def __init__(self, rulesets: RulesetSource, runner: Runner) -> None:
        self.rulesets = rulesets
        self.runner = runner

    def prepare(
        self, ruleset_id: str, version: str = "", kind: str = "tender", view: View = FULL
    ) -> Prepared:
        """The version named (the active one if `version` is empty), which must be of
        `kind`: UnknownRuleset or WrongKind if not."""
        ruleset = self.rulesets.get(ruleset_id, version)
        if ruleset.kind != kind:
            raise WrongKind(ruleset.id, ruleset.kind, kind)
        return prepare(ruleset, self.runner, view)

    def prepare_version(self, ruleset: CompiledRuleSet, view: View = FULL) -> Prepared:
        """A version the caller already holds (Replay's recorded one, a draft's trial)."""
        return prepare(ruleset, self.runner, view)
