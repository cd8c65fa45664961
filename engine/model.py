"""The rule file, as pydantic models: the schema policy officers write against.

`probity schema` prints these as JSON Schema so editors can offer completion and checking.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
RuleSetId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
CriterionId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")]
FieldPath = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]
SemVer = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

InputType = Literal["boolean", "integer", "number", "string", "list"]
Severity = Literal["info", "low", "medium", "high", "critical"]
Outcome = Literal["met", "partly_met", "not_met", "not_applicable", "evidence_missing"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Framework(_Strict):
    """The framework a rule set encodes and the source document it comes from."""

    name: Text = Field(description="Name of the framework, e.g. 'Seven Principles of Public Life'")
    document: Text = Field(description="Source document file in shared/seeds, e.g. 001_….txt")
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
    minimum: float | None = None
    maximum: float | None = None
    description: Text = Field(description="What the portal must send, in plain words")


class PrincipleSpec(_Strict):
    """A principle of the framework, with its share of the total score in percent."""

    id: Identifier
    name: Text
    weight: float = Field(gt=0, le=100, description="Percentage of the total score")
    description: Text | None = None


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
    gate: bool = Field(default=False, description="Failing a gate excludes the submission")
    severity: Severity = "medium"
    explain: Explanation
    remedy: Text
    source: SourceRef


class BandSpec(_Strict):
    """A result band. Bands are tried from the highest minimum down."""

    id: Identifier
    label: Text
    min_total: float | None = Field(default=None, ge=0, le=100)
    gate_failure: bool = Field(
        default=False, description="The band given when a gate criterion is not met"
    )
    description: Text | None = None


class ExpectSpec(_Strict):
    band: Identifier | None = None
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
    expect: ExpectSpec


class RuleSetSpec(_Strict):
    """One rule set: a framework turned into criteria, bands and tests."""

    id: RuleSetId
    version: SemVer
    title: Text
    kind: Literal["tender", "monitoring"]
    description: Text | None = None
    framework: Framework
    scale: Text | None = Field(default=None, description="The scoring scale, in words")
    inputs: list[InputSpec] = Field(min_length=1)
    principles: list[PrincipleSpec] = Field(min_length=1)
    criteria: list[CriterionSpec] = Field(min_length=1)
    bands: list[BandSpec] = Field(min_length=1)
    award: AwardSpec | None = Field(
        default=None, description="Tender rule sets: the quality:price split for ranking bids"
    )
    tests: list[RuleTestSpec] = Field(default_factory=list)
