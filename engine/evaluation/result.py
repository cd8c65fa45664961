"""The result of evaluating one submission, and its canonical JSON (design.md, Results).

Text a result does not have (no level matched, no remedy, a source without a section) is
"", never None: proto3 has no null text, and every JSON form of a result reads the same
(the service's, the command line's, local or remote). An answer not given is None."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

import orjson

from probity.engine.compiler.compiled import SourceReference

_EXACT_INTEGERS = 2**53


def as_answered(value: Any) -> Any:
    """An answer as a finding shows it: a whole number without a fraction (20, not 20.0),
    as JSON writes it and as the service's answers (google.protobuf.Value, which holds only
    doubles) read back; so every JSON form of a result writes it alike."""
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_INTEGERS:
        return int(value)
    if isinstance(value, list | tuple):
        return [as_answered(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Evidence:
    field: str  # the answer's path in the submission, for software
    label: str  # its name, for people
    value: Any  # None when the answer was not given
    shown: str  # the answer as people read it ("" when not given): labels, lists in words
    given: bool
    expected: str
    # Whether the answer meets what the criterion asks of it: for a finding short of full
    # marks, what the next score up asks (so a compound condition says which part failed);
    # false when the answer was not given or the criterion did not apply.
    met: bool


@dataclass(frozen=True, slots=True)
class Finding:
    criterion: str
    principle: str
    title: str
    outcome: str  # met | partly_met | not_met | not_applicable | evidence_missing
    points: int
    max_points: int
    level: str  # the label of the level that matched; "" when none did
    # What the points awarded mean, on the scale bidders were given; "" for a pass/fail
    # gate (it has no points), a criterion not applicable, or a rule set without a scale.
    descriptor: str
    severity: str
    gate: bool
    scored_by: str  # rule | panel: the evaluation panel's moderated score decided it
    explanation: str
    evidence: tuple[Evidence, ...]
    remedy: str  # only when the criterion is not fully met; "" otherwise
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
class Rejection:
    """Why a bid is rejected and will not be ranked, in a sentence for the bidder. Not the
    statutory exclusion of a supplier (Procurement Act 2023, s.57): that is decided about the
    supplier, not scored from its tender."""

    kind: str  # pass_fail | criterion_minimum | principle_minimum | total_minimum
    subject: str  # the criterion or principle id; "" for the total
    explanation: str


def exclusion_reason(kind: str, subject: str, explanation: str, title: str = "") -> str:
    """A rejection as the deprecated `exclusion_reasons` says it: "id: title" of a failed
    pass/fail criterion, else "subject: explanation" (subject "total" for the total). One
    wording for the engine, the service (a BASIC result has none) and the client's
    expansion."""
    if kind == "pass_fail":
        return f"{subject}: {title}"
    return f"{subject or 'total'}: {explanation}"


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
    rejected: bool  # a pass/fail criterion not met or a minimum score not reached: not ranked
    rejections: tuple[Rejection, ...]
    # The criteria the evaluation panel has still to moderate (scored_by: panel): while any
    # is, the result is provisional (its band and total count them as 0; an awaited
    # pass/fail criterion rejects nothing) and a tender's ranking is not final.
    awaiting_panel: tuple[str, ...]
    # Deprecated (kept for readers written before `rejected`): the same as `rejected`, and
    # "criterion id: title" of each failed pass/fail criterion, then each other rejection.
    excluded: bool
    exclusion_reasons: tuple[str, ...]
    total: float
    maximum: float
    principles: tuple[PrincipleScore, ...]
    findings: tuple[Finding, ...]
    # The JSON of each finding and principle score, encoded once per distinct value by the
    # scorer, which caches them: a speed cache, never compared or shown.
    encoded_findings: tuple[orjson.Fragment, ...] = field(default=(), compare=False, repr=False)
    encoded_principles: tuple[orjson.Fragment, ...] = field(default=(), compare=False, repr=False)


_ENCODINGS = {"findings": "encoded_findings", "principles": "encoded_principles"}
_RESULT_FIELDS = tuple(f.name for f in fields(Result) if f.name not in _ENCODINGS.values())


def encode(value: object) -> orjson.Fragment:
    """A value's JSON, to be embedded as it is when results are written."""
    return orjson.Fragment(orjson.dumps(value))


def to_json(result: Result) -> bytes:
    """Canonical JSON: fixed field order, no whitespace, so equal results are equal bytes."""
    body = {name: getattr(result, name) for name in _RESULT_FIELDS}
    for name, encoded_name in _ENCODINGS.items():
        encoded = getattr(result, encoded_name)
        if len(encoded) == len(body[name]):
            body[name] = encoded
    body["ruleset"] = _encoded_ref(result.ruleset)
    return orjson.dumps(body)


@lru_cache(maxsize=256)
def _encoded_ref(ref: RulesetRef) -> orjson.Fragment:
    return encode(ref)


def to_dict(result: Result) -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(to_json(result))
    return loaded
