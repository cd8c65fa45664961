"""A rule set after checking: everything evaluation needs, precomputed once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from probity.engine import phrasing
from probity.engine.compiler.conditions import FactLayout
from probity.engine.compiler.model import Breach, RuleSetSpec
from probity.engine.errors import Diagnostic
from probity.engine.when.expression import Node

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")


@dataclass(frozen=True, slots=True)
class Template:
    """An explanation sentence split into literal text and {field} placeholders; `shown`
    holds the labels of each placeholder's allowed values."""

    parts: tuple[str, ...]  # even indexes are literal text, odd indexes are names
    shown: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str, shown: Mapping[str, Mapping[str, str]] | None = None) -> Template:
        parts = tuple(_PLACEHOLDER.split(text))
        names = parts[1::2]
        return cls(parts, {n: shown[n] for n in names if shown and n in shown})

    @property
    def names(self) -> tuple[str, ...]:
        return self.parts[1::2]

    def render(self, values: dict[str, Any]) -> str:
        """The sentence, each answer as people read it and a count's words agreeing."""
        parts = list(self.parts)
        for n in range(1, len(parts), 2):
            value = values.get(parts[n])
            if isinstance(value, int | float) and not isinstance(value, bool):
                parts[n], parts[n + 1] = phrasing.count_text(value, parts[n + 1])
            else:
                parts[n] = phrasing.answer(value, self.shown.get(parts[n]))
        return "".join(parts)


@dataclass(frozen=True, slots=True)
class Level:
    rule: str  # durable_rules rule name
    points: int
    label: str | None


@dataclass(frozen=True, slots=True)
class SourceReference:
    """The sentence of policy a criterion encodes, as its findings cite it. A part not known
    is None in the citations recorded with a rule set, and "" in what findings show
    (compiler.sources.cite)."""

    document: str  # the document's id in the source library
    quote: str
    section: str | None  # the rule file's section, else the page or section the quote is on
    citation: str | None  # the publication in words (None: compiled without a library)
    url: str | None
    # What the criterion asks beyond the sentence (a threshold the source does not give),
    # as the authority's own choice and why; "" when the sentence gives it all.
    choice: str = ""


@dataclass(frozen=True, slots=True)
class CompiledCriterion:
    id: str
    principle: str
    title: str
    severity: str
    gate: bool
    max_points: int
    levels: tuple[Level, ...]
    applies_rule: str | None
    applies_text: str | None  # the applies_when condition, in words
    conditions: tuple[Node, ...]  # its `when`, or its levels' conditions in order
    fields: tuple[str, ...]  # every input the criterion reads, in reading order
    shown: tuple[str, ...]  # the inputs its findings show: read fields and placeholders
    # (field, its label, what the rule expects of it in words), for the evidence of findings
    expected: tuple[tuple[str, str, str], ...]
    explain_met: Template
    explain_partly: Template
    explain_not_met: Template
    explain_missing: Template
    remedy: str
    source: SourceReference
    # The scale's descriptor of each score (points → "Satisfactory: partly meets ..."),
    # shared by every criterion of the rule set; empty when the rule set has no scale.
    descriptors: Mapping[int, str] = field(default_factory=dict)
    # The labels of the allowed values of the inputs it reads (field → value → label).
    value_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    scored_by: str = "rule"  # or "panel": the evaluation panel's moderated score decides
    guidance: str = ""  # a panel criterion's: what a good answer shows, for the evaluators


@dataclass(frozen=True, slots=True)
class Principle:
    id: str
    name: str
    weight: float


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The minimum scores a bid must reach, resolved per criterion and principle (None: no
    minimum). A bid below any is rejected (engine.evaluation.thresholds)."""

    criteria: tuple[int | None, ...]  # least points, by criterion index
    principles: tuple[float | None, ...]  # least score (weight × percent ÷ 100), by index
    principle_percents: tuple[float | None, ...]  # the same, as the percent the file states
    total: float | None


@dataclass(frozen=True, slots=True)
class Band:
    id: str
    label: str
    min_total: float | None
    gate_failure: bool


@dataclass(frozen=True, slots=True)
class CompiledCheck:
    """A monitoring criterion: a durable_rules rule whose every match is a breach."""

    id: str
    principle: str
    title: str
    severity: str
    pattern: str  # each_return, consecutive, rising, falling, repeated, below_target, …
    parameters: Breach | None  # the pattern as written (None for each_return)
    rules: tuple[str, ...]  # its durable_rules rules (two for a change either way)
    legs: tuple[str, ...]  # the rules' facts, in order ("k" the contract, else returns)
    description: str  # the breach, in words
    min_returns: int  # fewer returns than this: not applicable
    fields: tuple[str, ...]  # the return answers it reads
    condition: Node | None  # its condition on one return, if it has one
    measure: str | None  # the measure a pattern follows (values shown per period)
    target: str | None  # the measure whose contract target it compares with
    missing_is_breach: bool  # overdue: never done counts as not done in time
    months: int | None  # overdue: the window
    expected: tuple[tuple[str, str], ...]  # (field, what the check expects of it, in words)
    explain_met: Template
    explain_not_met: Template
    explain_missing: Template
    action: str
    source: SourceReference
    labels: Mapping[str, str] = field(default_factory=dict)  # each answer's name for people
    applies: Node | None = None  # applies_when: a return where it is false is not checked
    applies_text: str | None = None  # the same, in words


SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
RATING_LABELS = {
    "good": "Good",
    "approaching_target": "Approaching target",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}


@dataclass(frozen=True, slots=True)
class RatingRule:
    id: str
    rating: str
    min_severity: int  # SEVERITY_RANK of the least severe breach it counts
    criteria: frozenset[str] | None  # only these criteria's breaches count, when given
    at_least: int  # 0 for the rule that applies otherwise

    @property
    def label(self) -> str:
        return RATING_LABELS[self.rating]


MISSING_RETURN = "RETURN-MISSING"  # the id of the built-in check for missing returns


@dataclass(frozen=True, slots=True)
class MissingReturns:
    """The built-in check that every due period has a return (MissingReturnsSpec)."""

    principle: str
    severity: str
    title: str
    action: str
    source: SourceReference
    id: str = MISSING_RETURN
    pattern: str = "missing_return"
    breach: str = "no return received for a period that was due"  # in words, as checks say


# Procurement Act 2023 s.52: a contract worth more than £5 million needs at least three KPIs.
LARGE_CONTRACT = 5_000_000
MIN_KPIS = 3

# Procurement Regulations 2024, reg 39(5): the five ratings of a KPI (what each means is
# in reports.notices, which prints it).
KPI_RATINGS = {**RATING_LABELS, "other": "Other"}


@dataclass(frozen=True, slots=True)
class CompiledKpi:
    """A key performance indicator (KpiSpec), ready to rate returns against."""

    id: str
    title: str
    description: str
    measure: str
    label: str  # the measure's name for people (its input's label)
    lower_is_better: bool
    target: float | None  # the rule set's default target
    unit: str
    approaching_within: float
    requires_improvement_within: float
    percent: bool  # the two distances are percent of the target
    source: SourceReference


@dataclass(frozen=True, slots=True)
class Commitment:
    """A tender answer that sets a KPI's target when the bid wins (`becomes_kpi`), and
    where it is written (for problems found across rule files)."""

    path: str
    kpi: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class KpiAssessment:
    """How KPIs are assessed for a notice (KpiAssessmentSpec); the defaults when unsaid."""

    notice_periods: int = 4
    overall: str = "worst"  # worst | latest
    persistence: int = 0  # periods short of target running that rate one worse; 0: off
    persistence_reason: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class MonitoringPlan:
    """What a monitoring rule set needs besides its rules: the checks, the rating rules and
    which fact keys carry the built-in and hidden values."""

    period: str  # quarter | month
    checks: tuple[CompiledCheck, ...]
    ratings: tuple[RatingRule, ...]
    targets: tuple[str, ...]  # measures a contract may set targets for
    # Values each return fact carries for the joins to compare with (engine.breaches):
    overdue_months: tuple[int, ...]  # the overdue patterns' windows: a cutoff day each
    within: tuple[int, ...]  # the repeated patterns' windows: a period ordinal each
    scales: tuple[tuple[str, float], ...]  # the change patterns' (measure, factor)
    missing: MissingReturns | None = None  # None only in rule sets compiled before it existed
    kpis: tuple[CompiledKpi, ...] = ()
    assessment: KpiAssessment = KpiAssessment()


@dataclass(frozen=True, slots=True)
class CompiledRuleSet:
    id: str
    version: str
    title: str
    kind: str
    digest: str  # sha256 of the source text and its citations (assemble.digest)
    source_text: str
    file: str
    citations: str  # what its findings cite, as JSON (compiler.sources); "" when unchecked
    spec: RuleSetSpec
    layout: FactLayout
    principles: tuple[Principle, ...]
    criteria: tuple[CompiledCriterion, ...]
    bands: tuple[Band, ...]  # highest min_total first; the gate-failure band last
    rules: dict[str, Any]  # every durable_rules rule, by name
    rule_positions: dict[str, tuple[int, int]]  # where each rule's condition is written
    partitions: tuple[dict[str, Any], ...]  # the rules as durable_rules rulesets (see ruleset)
    partition_keys: tuple[tuple[str, ...], ...]  # the fact keys each partition reads
    monitoring: MonitoringPlan | None = None  # for monitoring rule sets
    thresholds: Thresholds | None = None  # tender rule sets with minimum scores
    warnings: tuple[Diagnostic, ...] = ()  # worth fixing, but the file compiles
    commitments: tuple[Commitment, ...] = ()  # tender: answers that set a KPI's target

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        """The ids of its criteria (tender) or checks (monitoring), in file order."""
        if self.monitoring is not None:
            return tuple(check.id for check in self.monitoring.checks)
        return tuple(criterion.id for criterion in self.criteria)

    @property
    def engine_name(self) -> str:
        """A durable_rules name per content, so a reload never hits 'already registered'."""
        return f"{self.id}@{self.version}#{self.digest[:16]}"
