"""Evaluate submissions against one compiled rule set: validate, match, score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.compiled import CompiledRuleSet
from engine.errors import SubmissionError
from engine.matcher import Matcher
from engine.result import Result
from engine.scoring import Scorer
from engine.submission import SubmissionValidator


@dataclass(frozen=True, slots=True)
class Submission:
    id: str
    answers: Any


class Evaluator:
    """Everything needed to evaluate against one rule set, built once and reused."""

    def __init__(self, ruleset: CompiledRuleSet) -> None:
        self.ruleset = ruleset
        self.validator = SubmissionValidator(list(ruleset.spec.inputs))
        self.matcher = Matcher(ruleset.engine_name, ruleset.partitions)
        self.scorer = Scorer(ruleset)
        layout = ruleset.layout
        self._lists = {
            path: (layout.keys[path], layout.types[path].allowed)
            for path in layout.keys
            if layout.types[path].kind == "list"
        }
        self._keys = dict(layout.keys)
        # Per partition: the (path, key) of each scalar answer its rules read, and the lists.
        self._parts = []
        for keys in ruleset.partition_keys:
            wanted = set(keys)
            scalars = tuple(
                (path, key)
                for path, key in layout.keys.items()
                if key in wanted and path not in self._lists
            )
            lists = tuple(
                path
                for path, (key, _) in self._lists.items()
                if any(k == key or k.startswith(key + "_") for k in wanted)
            )
            self._parts.append((scalars, lists))

    def fact(self, values: dict[str, Any]) -> dict[str, Any]:
        """The flat fact durable_rules sees: short keys, one flag per allowed list value."""
        fact: dict[str, Any] = {}
        keys, lists = self._keys, self._lists
        for path, value in values.items():
            if path in lists:
                key, allowed = lists[path]
                chosen = set(value)
                fact[key] = len(value)
                for n, option in enumerate(allowed):
                    fact[f"{key}_{n}"] = option in chosen
            else:
                fact[keys[path]] = value
        return fact

    def partition_facts(self, values: dict[str, Any]) -> list[dict[str, Any]]:
        """The fact for each partition: only the answers that partition's rules read."""
        facts = []
        for scalars, lists in self._parts:
            fact = {key: values[path] for path, key in scalars if path in values}
            for path in lists:
                if path in values:
                    fact.update(self.fact({path: values[path]}))
            facts.append(fact)
        return facts

    def evaluate(self, submission: Submission) -> Result:
        outcome = self.evaluate_many([submission])[0]
        if isinstance(outcome, SubmissionError):
            raise outcome
        return outcome

    def evaluate_many(self, submissions: Sequence[Submission]) -> list[Result | SubmissionError]:
        """One result or one validation error per submission, in order."""
        outcomes: list[Result | SubmissionError] = []
        valid: list[tuple[int, dict[str, Any]]] = []
        for submission in submissions:
            try:
                values = self.validator.validate(submission.answers)
            except SubmissionError as error:
                outcomes.append(error)
                continue
            valid.append((len(outcomes), values))
            outcomes.append(error_placeholder)
        if valid:
            per_submission = [self.partition_facts(values) for _, values in valid]
            fired = self.matcher.match(list(zip(*per_submission, strict=True)))
            for (slot, values), rules in zip(valid, fired, strict=True):
                outcomes[slot] = self.scorer.score(submissions[slot].id, values, rules)
        return outcomes


error_placeholder = SubmissionError([])
