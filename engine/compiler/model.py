"""The rule file, as pydantic models: the schema policy officers write against.

`probity schema` prints these as JSON Schema so editors can offer completion and checking.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
# At most 100 characters: it names the rule set's file and goes in the decision log.
RuleSetId = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=100)
]
CriterionId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")]
FieldPath = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]
# Semantic Versioning 2.0 exactly as versions are ordered (semver.org's own expression, less
# build metadata, which ordering ignores): no leading zeros, so "1.4.0-01" is refused here
# rather than failing when it is compared.
_NUMBER = r"(?:0|[1-9]\d*)"
_PRERELEASE = rf"(?:{_NUMBER}|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
SemVer = Annotated[
    str,
    StringConstraints(
        pattern=rf"^{_NUMBER}\.{_NUMBER}\.{_NUMBER}(?:-{_PRERELEASE}(?:\.{_PRERELEASE})*)?$",
        max_length=50,
    ),
]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

# "text" is a narrative answer a person reads (an evaluation panel scores it); "string" a
# short value a rule compares.
InputType = Literal["boolean", "integer", "number", "string", "text", "list", "date"]
ScoredBy = Literal["rule", "panel"]
Severity = Literal["info", "low", "medium", "high", "critical"]
Outcome = Literal["met", "partly_met", "not_met", "not_applicable", "evidence_missing"]
# The performance rating scale of the UK Procurement Act 2023, s.71.
Rating = Literal["good", "approaching_target", "requires_improvement", "inadequate"]
PeriodKind = Literal["quarter", "month"]
IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Framework(_Strict):
    """The framework a rule set encodes and the source document it comes from."""

    name: Text = Field(description="Name of the framework, e.g. 'Seven Principles of Public Life'")
    document: Text = Field(description="The document's id in the source library (rules/sources)")
    title: Text = Field(description="Title of the source document")
    publisher: Text | None = None


class InputSpec(_Strict):
    """One answer the rule set reads from a submission."""

    path: FieldPath = Field(description="Dotted field path in the submission's answers")
    type: InputType
    required: bool = True
    allowed: list[Text] | None = Field(
        default=None, description="Allowed values (texts, or the items of a list)"
    )
    labels: dict[Text, Text] | None = Field(
        default=None,
        description="How each allowed value reads for people (e.g. co_designed: co-designed "
        "with service users): explanations, evidence, reports and forms show these",
    )
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="The most characters a text answer may have (a narrative answer's word "
        "limit, stated in characters)",
    )
    description: Text = Field(description="What the portal must send, in plain words")
    question: Text | None = Field(
        default=None,
        description="The question the bidder answered, as the tender documents put it",
    )
    label: Text | None = Field(
        default=None,
        description="A short name for the answer in findings (e.g. 'Staff trained in the code "
        "of conduct (%)'); without one, a name is made from the path",
    )
    becomes_kpi: CriterionId | None = Field(
        default=None,
        description="Tender: the answer is a commitment that sets a KPI's target when the "
        "bid wins (the KPI's id in the rule set named by 'monitored_by'); a number",
    )
    commercially_sensitive: bool = Field(
        default=False,
        description="An answer a bidder may keep from its competitors (Procurement Act 2023, "
        "s.94): another bidder's assessment summary shows the score and descriptor of a "
        "criterion that reads it, never the answer or the explanation built from it",
    )


class PrincipleSpec(_Strict):
    """A principle of the framework, with its share of the total score in percent."""

    id: Identifier
    name: Text
    weight: float | None = Field(
        default=None,
        gt=0,
        le=100,
        description="Percentage of the total score (tender rule sets; monitoring does not score)",
    )
    min_percent: float | None = Field(
        default=None,
        gt=0,
        le=100,
        description="Tender: the least share of its weight this principle must score, in percent "
        "(overrides thresholds.principle); below it the bid is rejected",
    )
    description: Text | None = None
    social_value: bool = Field(
        default=False,
        description="This principle scores social value: it must carry at least 10% of the "
        "combined score (UK PPN 002)",
    )


class ScaleSpec(_Strict):
    """The scoring scale bidders are told up front: the points a criterion can give and
    what each means (UK practice is 0-4 or 0-5 with a descriptor per score)."""

    max_points: int = Field(ge=1, le=10, description="The top of the scale, usually 4 or 5")
    descriptors: dict[int, Text] = Field(
        description="What each score means, from 0 to max_points; criteria may give only these"
    )


class ScoreLevel(_Strict):
    """One level of a scored criterion; levels are tried in order and the first match wins."""

    points: int = Field(ge=0)
    when: Text
    label: Text | None = None


class Explanation(_Strict):
    """Sentences shown with a finding; {dotted.field} placeholders are filled from evidence."""

    met: Text
    not_met: Text
    partly_met: Text | None = None
    evidence_missing: Text | None = Field(
        default=None,
        description="When an answer it reads was not given; {missing} names those answers",
    )


class SourceRef(_Strict):
    """The sentence of policy a criterion encodes."""

    document: Text
    quote: Text = Field(description="The sentence of the source document, quoted exactly")
    section: Text | None = None
    choice: Text | None = Field(
        default=None,
        description="What the criterion asks that the sentence does not give (a threshold, a "
        "cycle, a count) and why the authority chose it: bidders and reports are told it is "
        "the authority's choice, not the source's",
    )


class ConsecutivePattern(_Strict):
    """`when` holds in the returns of N consecutive periods (a threshold breached N running)."""

    pattern: Literal["consecutive"]
    when: Text = Field(description="The breach condition on one return")
    periods: int = Field(ge=2, le=12)


class TrendPattern(_Strict):
    """A measure higher (rising) or lower (falling) than the period before, across the
    returns of N consecutive periods."""

    pattern: Literal["rising", "falling"]
    measure: FieldPath
    periods: int = Field(ge=2, le=12, description="Consecutive periods, each beyond the last")


class RepeatedPattern(_Strict):
    """`when` holds in N returns whose periods all fall within M periods (e.g. late twice
    within four quarters)."""

    pattern: Literal["repeated"]
    when: Text = Field(description="The breach condition on one return, e.g. return.late")
    times: int = Field(ge=2, le=6)
    within: int = Field(ge=2, le=24, description="Periods the N returns fall within")


class TargetPattern(_Strict):
    """A measure below (or above) the contract's own target for it, in any period."""

    pattern: Literal["below_target", "above_target"]
    measure: FieldPath


class ChangePattern(_Strict):
    """A measure changed from the period before by more than a percentage."""

    pattern: Literal["change"]
    measure: FieldPath
    more_than_percent: float = Field(gt=0, le=1000)
    direction: Literal["up", "down", "either"] = "either"


class OverduePattern(_Strict):
    """Something not done within a time window: the date it was last done (a date input) is
    missing or more than N months before the end of the return's period."""

    pattern: Literal["overdue"]
    done_on: FieldPath = Field(description="A date input: when it was last done")
    within_months: int = Field(ge=1, le=120)


# Each pattern's name, and the model of what it takes.
PATTERNS: dict[str, type[BaseModel]] = {
    "consecutive": ConsecutivePattern,
    "rising": TrendPattern,
    "falling": TrendPattern,
    "repeated": RepeatedPattern,
    "below_target": TargetPattern,
    "above_target": TargetPattern,
    "change": ChangePattern,
    "overdue": OverduePattern,
}

Breach = Annotated[
    ConsecutivePattern
    | TrendPattern
    | RepeatedPattern
    | TargetPattern
    | ChangePattern
    | OverduePattern,
    Field(discriminator="pattern"),
]


class CriterionSpec(_Strict):
    """A tender-scoring criterion or monitoring check."""

    id: CriterionId
    principle: Identifier
    title: Text
    when: Text | None = Field(default=None, description="Condition for the criterion to be met")
    levels: list[ScoreLevel] | None = Field(
        default=None, description="Ordered score levels; the first that matches sets the points"
    )
    points: int | None = Field(
        default=None, ge=0, description="Points when met (criteria without levels)"
    )
    applies_when: Text | None = Field(
        default=None, description="When false, the criterion is not applicable and not scored"
    )
    breach: Breach | None = Field(
        default=None,
        description="Monitoring: the pattern across a contract's returns that is a breach",
    )
    gate: bool = Field(
        default=False,
        description="A pass/fail requirement: not met, the bid is rejected and not ranked",
    )
    min_points: int | None = Field(
        default=None,
        ge=1,
        description="Tender: the least points this criterion must score (overrides "
        "thresholds.criterion); below it the bid is rejected",
    )
    scored_by: ScoredBy = Field(
        default="rule",
        description="Tender: 'rule' (a condition over the answers decides) or 'panel' (the "
        "evaluation panel scores the bidder's narrative answers against the scale's "
        "descriptors, each evaluator alone, then moderated to a consensus)",
    )
    reads: list[FieldPath] | None = Field(
        default=None,
        description="Panel: the text answers the panel reads and scores",
    )
    guidance: Text | None = Field(
        default=None,
        description="Panel: what a good answer shows, for the evaluators, drawn from the source",
    )
    severity: Severity = "medium"
    explain: Explanation | None = Field(
        default=None,
        description="The explanation of each outcome (rule-scored criteria); a panel "
        "criterion's explanation is the panel's moderation rationale",
    )
    remedy: Text | None = Field(default=None, description="Tender: how a bidder can meet it")
    action: Text | None = Field(
        default=None, description="Monitoring: the recommended action when breached"
    )
    source: SourceRef


class BandSpec(_Strict):
    """A result band. Bands are tried from the highest minimum down."""

    id: Identifier
    label: Text
    min_total: float | None = Field(default=None, ge=0, le=100)
    gate_failure: bool = Field(
        default=False,
        description="The band of a rejected bid: a pass/fail criterion not met, or a score "
        "below a threshold",
    )
    awardable: bool = Field(
        default=True,
        description="Whether a bid in this band may be awarded the contract. A bid in a band "
        "that may not is never ranked: it is listed after those that are, with the band as "
        "the reason, and never beats one that may be awarded. Say why in a comment.",
    )
    description: Text | None = None


class RatingCondition(_Strict):
    """Which breaches in a period set a rating: of at least this severity, optionally only
    of the named criteria, at least this many of them."""

    severity: Severity = "info"
    criteria: list[CriterionId] | None = None
    at_least: int = Field(default=1, ge=1)


class RatingSpec(_Strict):
    """A rule for the performance rating of a contract in a period (Procurement Act 2023
    s.71 scale). Rules are tried in order; the first whose breaches are found wins; the last
    has no 'breaches' and applies otherwise."""

    id: Identifier
    rating: Rating
    breaches: RatingCondition | None = None
    description: Text | None = None


class ContractTestSpec(_Strict):
    """The contract a monitoring test's returns belong to."""

    value: float | None = Field(default=None, ge=0)
    targets: dict[str, float] = Field(default_factory=dict)


class ReturnTestSpec(_Strict):
    """One monitoring return in a test; due and received default to the period's end."""

    period: Text
    due: IsoDate | None = None
    received: IsoDate | None = None
    answers: dict[str, Any] = Field(default_factory=dict)


class ExpectSpec(_Strict):
    band: Identifier | None = None
    rating: Rating | None = Field(default=None, description="Monitoring: the latest rating")
    total: float | None = None
    criteria: dict[str, Outcome] = Field(default_factory=dict)


class AwardSpec(_Strict):
    """How a whole tender is ranked: the split of the combined score between quality (this
    rule set's total) and price (lowest cost ÷ bid cost), in percent adding up to 100."""

    quality: float = Field(ge=0, le=100, description="Percent of the combined score for quality")
    price: float = Field(ge=0, le=100, description="Percent of the combined score for price")


class RuleTestSpec(_Strict):
    """An example submission and the result the rule set must give for it."""

    name: Text
    base: Text | None = Field(default=None, description="Start from another test's answers")
    file: Text | None = Field(default=None, description="Read the submission from a JSON file")
    answers: dict[str, Any] = Field(
        default_factory=dict, description="Answers, nested or as dotted paths"
    )
    contract: ContractTestSpec | None = Field(default=None, description="Monitoring tests")
    every_return: dict[str, Any] = Field(
        default_factory=dict, description="Monitoring: answers shared by every return"
    )
    returns: list[ReturnTestSpec] | None = Field(
        default=None, description="Monitoring: the series of returns, in any order"
    )
    expect: ExpectSpec


class MissingReturnsSpec(_Strict):
    """Monitoring: a period with no return, between the first due and the latest received,
    is a finding of its own, and counts in that period's rating like a breach."""

    principle: Identifier = Field(description="The principle a missing return counts against")
    severity: Severity = "high"
    title: Text = "A monitoring return is missing"
    action: Text = Field(description="What to do when a return is missing")
    source: SourceRef


class KpiSpec(_Strict):
    """A key performance indicator (Procurement Act 2023 s.52): a measure every return
    gives, its target, and how far short of the target each rating of reg 39(5) lies. The
    contract's own target, or the winning bid's promise, replaces the default target."""

    id: CriterionId
    title: Text = Field(description="The KPI as the contract and its notices name it")
    description: Text = Field(description="What it measures and why, for people")
    measure: FieldPath = Field(description="The number each return gives (a numeric input)")
    better: Literal["lower", "higher"] = Field(
        description="Whether a lower value (days to respond) or a higher one (users "
        "satisfied) is better"
    )
    target: float | None = Field(
        default=None,
        description="The target when the contract sets none (a contract's own, or the "
        "winning bid's promise, replaces it)",
    )
    unit: str = Field(default="", description="How the measure reads (working days, %)")
    approaching_within: float = Field(
        gt=0,
        description="Short of the target by at most this much: approaching target",
    )
    requires_improvement_within: float = Field(
        gt=0,
        description="Short by at most this much: requires improvement; further: inadequate",
    )
    within: Literal["units", "percent"] = Field(
        default="units",
        description="The two distances in the measure's own units, or in percent of the target",
    )
    source: SourceRef


class PersistenceSpec(_Strict):
    """A KPI short of its target period after period rates worse than one bad period."""

    periods: int = Field(
        ge=2, le=12, description="Periods short of the target running: one rating worse"
    )
    reason: Text = Field(description="Why, in words the supplier and the public read")


class KpiAssessmentSpec(_Strict):
    """How the KPIs are assessed for a contract performance notice (s.71, reg 39)."""

    notice_periods: int = Field(
        default=4,
        ge=1,
        le=12,
        description="The periods one notice assesses (s.71: at least every twelve months)",
    )
    overall: Literal["worst", "latest"] = Field(
        default="worst",
        description="A KPI's assessment for the notice: its worst period, or its latest",
    )
    persistence: PersistenceSpec | None = None
    reason: Text = Field(description="Why the overall assessment is made this way")


class ThresholdsSpec(_Strict):
    """Minimum quality scores, stated up front in the tender documents. A bid below any of
    them is rejected, whatever its total, and is not ranked."""

    criterion: int | None = Field(
        default=None,
        ge=1,
        description="The least points every scored criterion must get (e.g. 2: 'a score below "
        "2 on any question will be rejected'); pass/fail criteria and criteria that do not "
        "apply are exempt",
    )
    principle: float | None = Field(
        default=None,
        gt=0,
        le=100,
        description="The least share of its weight every principle must score, in percent",
    )
    total: float | None = Field(
        default=None, gt=0, le=100, description="The least quality total (of 100)"
    )


class RuleSetSpec(_Strict):
    """One rule set: a framework turned into criteria, bands and tests."""

    id: RuleSetId
    version: SemVer
    title: Text
    kind: Literal["tender", "monitoring"]
    description: Text | None = None
    reading: Text | None = Field(
        default=None,
        description="The reading review: when the criteria were last read against their "
        "sources (each 'must' a gate over every obligation an answer can show, examples kept "
        "as examples, quotes that support their criterion, thresholds the source does not "
        "give marked 'choice'), and what it changed",
    )
    framework: Framework
    scale: ScaleSpec | None = Field(
        default=None, description="Tender: the scoring scale and its descriptors"
    )
    inputs: list[InputSpec] = Field(min_length=1)
    principles: list[PrincipleSpec] = Field(min_length=1)
    criteria: list[CriterionSpec] = Field(min_length=1)
    bands: list[BandSpec] = Field(default_factory=list, description="Tender result bands")
    period: PeriodKind | None = Field(
        default=None, description="Monitoring: returns are per quarter (2026-Q3) or month (2026-07)"
    )
    ratings: list[RatingSpec] = Field(
        default_factory=list, description="Monitoring: performance rating rules, in order"
    )
    award: AwardSpec | None = Field(
        default=None, description="Tender rule sets: the quality:price split for ranking bids"
    )
    thresholds: ThresholdsSpec | None = Field(
        default=None,
        description="Tender: minimum scores per criterion, per principle and in total",
    )
    missing_returns: MissingReturnsSpec | None = Field(
        default=None,
        description="Monitoring: how a missing return is reported (required for monitoring)",
    )
    kpis: list[KpiSpec] = Field(
        default_factory=list,
        description="Monitoring: the contract's key performance indicators, each rated per "
        "period on the five ratings of the Procurement Regulations 2024, reg 39(5)",
    )
    kpi_assessment: KpiAssessmentSpec | None = Field(
        default=None, description="Monitoring: how the KPIs are assessed for a notice"
    )
    monitored_by: RuleSetId | None = Field(
        default=None,
        description="Tender: the monitoring rule set whose KPIs the winning bid's commitments "
        "('becomes_kpi') set targets for",
    )
    tests: list[RuleTestSpec] = Field(default_factory=list)
