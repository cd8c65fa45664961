"""Run the tests written in a rule file and measure how well they cover its criteria.

A criterion is covered when the file's tests *assert* it both ways: met (or met at some
level) in one test's `expect`, and not met (or evidence missing) in another's, and those
assertions hold. An outcome merely seen in a result, and not asserted, covers nothing: a new
criterion is uncovered until someone writes down what it should do."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.model import RuleTestSpec
from probity.engine.errors import SubmissionError
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import Result
from probity.engine.evaluations import prepare
from probity.engine.monitoring.contract_result import ContractResult
from probity.engine.periods import parse_period

_MET = ("met", "partly_met")
_NOT_MET = ("not_met", "evidence_missing")


@dataclass
class CaseOutcome:
    name: str
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class TestReport:
    ruleset: CompiledRuleSet
    cases: list[CaseOutcome] = field(default_factory=list)
    met: set[str] = field(default_factory=set)
    not_met: set[str] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        return all(case.passed for case in self.cases)

    @property
    def covered(self) -> list[str]:
        ids = self.ruleset.criterion_ids
        return [c for c in ids if c in self.met and c in self.not_met]

    @property
    def uncovered(self) -> list[str]:
        done = set(self.covered)
        return [c for c in self.ruleset.criterion_ids if c not in done]


def set_path(answers: dict[str, Any], path: str, value: Any) -> None:
    """Set (or, with null, remove) a dotted path in nested answers."""
    parts = path.split(".")
    node = answers
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def _apply(answers: dict[str, Any], overrides: dict[str, Any], prefix: str = "") -> None:
    for key, value in overrides.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            _apply(answers, value, path + ".")
        else:
            set_path(answers, path, copy.deepcopy(value))


def load_submission_file(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def resolve_answers(
    ruleset: CompiledRuleSet, name: str, seen: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A test's full answers: its base's (or file's), with its own answers on top."""
    tests = {t.name: t for t in ruleset.spec.tests}
    test: RuleTestSpec = tests[name]
    if name in seen:
        raise ValueError(f"tests {' → '.join((*seen, name))} build on each other in a circle")
    answers: dict[str, Any] = {}
    if test.base is not None:
        answers = resolve_answers(ruleset, test.base, (*seen, name))
    if test.file is not None:
        answers = load_submission_file(Path(ruleset.file).parent / test.file)["answers"]
    _apply(answers, test.answers)
    return answers


def monitoring_series(ruleset: CompiledRuleSet, test: RuleTestSpec) -> dict[str, Any]:
    """A monitoring test's contract and returns, as a portal would send them: from its file,
    or written in the test. Answers shared by every return come first; a return's due and
    received dates default to its period's end (on time)."""
    assert ruleset.monitoring is not None
    if test.file is not None:
        return load_submission_file(Path(ruleset.file).parent / test.file)
    contract = test.contract
    returns = []
    for item in test.returns or []:
        answers: dict[str, Any] = {}
        _apply(answers, test.every_return)
        _apply(answers, item.answers)
        end = parse_period(item.period, ruleset.monitoring.period).end.isoformat()
        due = item.due or end
        returns.append(
            {
                "period": item.period,
                "due": due,
                "received": item.received or due,
                "measures": answers,
            }
        )
    return {
        "contract": {
            "contract_id": "test",
            "value": contract.value if contract else None,
            "targets": dict(contract.targets) if contract else {},
        },
        "returns": returns,
    }


def _compare(test: RuleTestSpec, result: Result | ContractResult) -> list[str]:
    failures = []
    expect = test.expect
    if isinstance(result, ContractResult):
        if expect.rating is not None and result.rating != expect.rating:
            failures.append(
                f"rating is {result.rating} (rule {result.rating_rule}), expected {expect.rating}"
            )
    else:
        if expect.band is not None and result.band != expect.band:
            failures.append(f"band is {result.band}, expected {expect.band}")
        if expect.total is not None and abs(result.total - expect.total) > 0.005:
            failures.append(f"total is {result.total:g}, expected {expect.total:g}")
    outcomes = {f.criterion: f.outcome for f in result.findings}
    for criterion, wanted in expect.criteria.items():
        if outcomes.get(criterion) != wanted:
            failures.append(f"{criterion} is {outcomes.get(criterion)}, expected {wanted}")
    return failures


def run_tests(ruleset: CompiledRuleSet) -> TestReport:
    # Imported here: it loads durable_rules, which importing the engine must not.
    from probity.engine.monitoring.monitor import Monitor

    local = prepare(ruleset).local  # in this process, as the workers evaluate
    report = TestReport(ruleset)
    for test in ruleset.spec.tests:
        result: Result | ContractResult
        try:
            if isinstance(local, Monitor):
                result = local.check(monitoring_series(ruleset, test))
            else:
                answers = resolve_answers(ruleset, test.name)
                result = local.evaluate(Submission(test.name, answers))
        except SubmissionError as exc:
            report.cases.append(CaseOutcome(test.name, [f"the submission is invalid: {exc}"]))
            continue
        except (ValueError, OSError, KeyError) as exc:
            report.cases.append(CaseOutcome(test.name, [str(exc)]))
            continue
        outcomes = {f.criterion: f.outcome for f in result.findings}
        for criterion, wanted in test.expect.criteria.items():
            if outcomes.get(criterion) != wanted:
                continue  # a failed assertion covers nothing (and fails the test)
            if wanted in _MET:
                report.met.add(criterion)
            elif wanted in _NOT_MET:
                report.not_met.add(criterion)
        report.cases.append(CaseOutcome(test.name, _compare(test, result)))
    return report
