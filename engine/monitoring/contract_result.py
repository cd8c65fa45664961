"""The result of checking one contract's returns, and its canonical JSON."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import orjson

from probity.engine.compiler.compiled import SourceReference
from probity.engine.evaluation.result import RulesetRef


@dataclass(frozen=True, slots=True)
class PeriodEvidence:
    """One answer a breach was found in: which return, which field, its value."""

    period: str
    field: str
    value: Any  # None when the answer was not given
    given: bool
    expected: str


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One set of returns that together make the breach (e.g. three quarters running)."""

    periods: tuple[str, ...]
    evidence: tuple[PeriodEvidence, ...]
    target: float | None  # the contract's target, for target patterns


@dataclass(frozen=True, slots=True)
class CheckFinding:
    criterion: str
    principle: str
    title: str
    pattern: str
    breach: str  # what counts as a breach, in words
    outcome: str  # met | not_met | not_applicable | evidence_missing
    severity: str
    explanation: str
    occurrences: tuple[Occurrence, ...]  # latest last
    action: str  # the recommended action, when breached; "" otherwise
    source: SourceReference


@dataclass(frozen=True, slots=True)
class PeriodRating:
    """The performance rating of the contract in one period, and the rule that set it."""

    period: str
    rating: str  # good | approaching_target | requires_improvement | inadequate
    label: str
    rule: str  # the id of the rating rule that set it (or "evidence-lacking")
    breaches: tuple[str, ...]  # criteria with a breach found at this period
    returned: bool  # False: no return came for this period (RETURN-MISSING)
    unassessed: tuple[str, ...]  # checks that lacked the evidence to be assessed here


@dataclass(frozen=True, slots=True)
class PrincipleBreaches:
    principle: str
    name: str
    checks: int
    breached: int


@dataclass(frozen=True, slots=True)
class ContractResult:
    contract_id: str
    supplier: str
    ruleset: RulesetRef
    engine_version: str
    period: str  # the latest period with a return
    rating: str  # that period's rating
    rating_label: str
    rating_rule: str
    periods: tuple[PeriodRating, ...]  # every period with a return, in order
    principles: tuple[PrincipleBreaches, ...]
    findings: tuple[CheckFinding, ...]  # one per check, in rule-file order
    notices: tuple[str, ...]  # duplicates ignored and other remarks on the input


def _fields(value: Any) -> dict[str, Any]:
    """A dataclass's fields, in order, leaving out an occurrence's target when there is
    none: an optional number not given is absent, as in the service's JSON (proto3)."""
    shown = {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, Occurrence) and value.target is None:
        del shown["target"]
    return shown


def contract_json(result: ContractResult) -> bytes:
    """Canonical JSON: fixed field order, no whitespace, so equal results are equal bytes."""
    return orjson.dumps(result, default=_fields, option=orjson.OPT_PASSTHROUGH_DATACLASS)


def contract_dict(result: ContractResult) -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(contract_json(result))
    return loaded
