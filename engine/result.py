"""The result of evaluating one submission, and its canonical JSON (design.md, Results)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import orjson

from engine.compiled import SourceReference


@dataclass(frozen=True, slots=True)
class Evidence:
    field: str
    value: Any  # None when the answer was not given
    given: bool
    expected: str


@dataclass(frozen=True, slots=True)
class Finding:
    criterion: str
    principle: str
    title: str
    outcome: str  # met | partly_met | not_met | not_applicable | evidence_missing
    points: int
    max_points: int
    level: str | None
    severity: str
    gate: bool
    explanation: str
    evidence: tuple[Evidence, ...]
    remedy: str | None  # only when the criterion is not fully met
    source: SourceReference


@dataclass(frozen=True, slots=True)
class PrincipleScore:
    principle: str
    name: str
    weight: float
    points: int
    max_points: int
    score: float  # weight × points ÷ max_points


@dataclass(frozen=True, slots=True)
class RulesetRef:
    id: str
    version: str
    digest: str


# Made once per submission, so not frozen: a frozen dataclass's __init__ is several times
# slower. Treat it as immutable all the same.
@dataclass(slots=True)
class Result:
    submission_id: str
    ruleset: RulesetRef
    engine_version: str
    band: str
    band_label: str
    excluded: bool
    exclusion_reasons: tuple[str, ...]
    total: float
    maximum: float
    principles: tuple[PrincipleScore, ...]
    findings: tuple[Finding, ...]
    # Each finding's JSON, encoded once per distinct finding by the scorer (a speed cache).
    encoded_findings: tuple[orjson.Fragment, ...] = field(default=(), compare=False, repr=False)


_RESULT_FIELDS = tuple(f.name for f in fields(Result) if f.name != "encoded_findings")


def encode_finding(finding: Finding) -> orjson.Fragment:
    return orjson.Fragment(orjson.dumps(finding))


def to_json(result: Result) -> bytes:
    """Canonical JSON: fixed field order, no whitespace, so equal results are equal bytes."""
    body = {name: getattr(result, name) for name in _RESULT_FIELDS}
    if len(result.encoded_findings) == len(result.findings):
        body["findings"] = result.encoded_findings
    return orjson.dumps(body)


def to_dict(result: Result) -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(to_json(result))
    return loaded
