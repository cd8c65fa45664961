"""Evaluate submissions against one compiled rule set: validate, match, score."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.errors import SubmissionError
from probity.engine.evaluation.facts import FactBuilder
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.matcher import Matcher
from probity.engine.evaluation.result import Result
from probity.engine.evaluation.scoring import Scorer
from probity.engine.evaluation.submission import SubmissionValidator


class Evaluator:
    """Everything needed to evaluate against one rule set, built once and reused."""

    def __init__(self, ruleset: CompiledRuleSet) -> None:
        self.ruleset = ruleset
        self.validator = SubmissionValidator(list(ruleset.spec.inputs))
        self.matcher = Matcher(ruleset.engine_name, ruleset.partitions)
        self.scorer = Scorer(ruleset)
        self.facts = FactBuilder(ruleset.layout, ruleset.partition_keys)

    def evaluate(self, submission: Submission) -> Result:
        outcome = self.evaluate_many([submission])[0]
        if isinstance(outcome, SubmissionError):
            raise outcome
        return outcome

    def evaluate_many(self, submissions: Sequence[Submission]) -> list[Result | SubmissionError]:
        """One result or one validation error per submission, in order."""
        outcomes: list[Result | SubmissionError | None] = []
        valid: list[tuple[int, dict[str, Any]]] = []
        for submission in submissions:
            try:
                values = self.validator.validate(submission.answers)
            except SubmissionError as error:
                outcomes.append(error)
                continue
            valid.append((len(outcomes), values))
            outcomes.append(None)  # filled in below, once the batch has been matched
        if valid:
            per_submission = [self.facts.for_partitions(values) for _, values in valid]
            hits = self.matcher.hits(list(zip(*per_submission, strict=True)))
            in_order = self.scorer.hits_in_order(hits)
            for n, (slot, values) in enumerate(valid):
                outcomes[slot] = self.scorer.score(submissions[slot].id, values, n, in_order)
        return [outcome for outcome in outcomes if outcome is not None]
