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
class Party:
    """A contracting authority or a supplier, as a contract performance notice names it."""

    name: str
    postal_address: str
    email: str
    identifier: str


@dataclass(frozen=True, slots=True)
class KpiPeriod:
    """A KPI in one period, on the five ratings of reg 39(5), and why."""

    period: str
    rating: str  # good | approaching_target | requires_improvement | inadequate | other
    label: str
    value: float | None  # None: no return, or the return did not give it
    reason: str  # in words, with the figures ("promised 7 days, delivered 12 in 2026-Q3")
    persistent: bool  # rated one worse for being short of target period after period


@dataclass(frozen=True, slots=True)
class KpiPromise:
    """The winning bid's commitment that set the target, and where it was evaluated."""

    value: float
    tender_id: str
    submission_id: str
    evaluated_in: str


@dataclass(frozen=True, slots=True)
class KpiRating:
    """One KPI across the contract's periods, and its assessment for the notice period."""

    kpi: str
    title: str
    description: str
    measure: str
    measure_label: str
    unit: str
    lower_is_better: bool
    target: float | None  # None: neither the contract, a promise nor the rule set sets one
    target_from: str  # promise | contract | rule_set | none
    promise: KpiPromise | None
    periods: tuple[KpiPeriod, ...]  # every due period, in order
    overall: str  # the notice period's assessment, on the same five ratings
    overall_label: str
    overall_reason: str
    source: SourceReference


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
    kpis: tuple[KpiRating, ...] = ()  # one per KPI of the rule set, in rule-file order
    assessed_from: str = ""  # the periods the KPIs' overall assessment covers
    assessed_to: str = ""
    # What a contract performance notice names, as the contract gave it (reg 39(4)).
    title: str = ""
    procurement_id: str = ""
    contracting_authority: Party | None = None
    supplier_details: Party | None = None


_OPTIONAL = {
    Occurrence: ("target",),
    KpiRating: ("target", "promise"),
    KpiPeriod: ("value",),
    ContractResult: ("contracting_authority", "supplier_details"),
}


def _fields(value: Any) -> dict[str, Any]:
    """A dataclass's fields, in order, leaving out an optional value that is not there (an
    occurrence's target, a KPI's promise): absent, as in the service's JSON (proto3)."""
    shown = {f.name: getattr(value, f.name) for f in fields(value)}
    for name in _OPTIONAL.get(type(value), ()):
        if shown[name] is None:
            del shown[name]
    return shown


def contract_json(result: ContractResult) -> bytes:
    """Canonical JSON: fixed field order, no whitespace, so equal results are equal bytes."""
    return orjson.dumps(result, default=_fields, option=orjson.OPT_PASSTHROUGH_DATACLASS)


def contract_dict(result: ContractResult) -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(contract_json(result))
    return loaded
