"""Translate between probity.v1 messages and the engine's values (no gRPC here)."""

from __future__ import annotations

import math
from typing import Any

from google.protobuf import struct_pb2

from probity.codec import wire
from probity.engine import (
    BASIC,
    FULL,
    CheckFinding,
    CompiledRuleSet,
    ContractResult,
    Diagnostic,
    Evidence,
    Finding,
    Occurrence,
    PeriodEvidence,
    PeriodRating,
    PrincipleScore,
    Result,
    RulesetRef,
    SourceReference,
    View,
)
from probity.v1 import evaluation_pb2, monitoring_pb2, result_pb2, ruleset_pb2

# engine.evaluations.View ↔ probity.v1.ResultView (UNSPECIFIED reads as FULL).
VIEWS = {FULL: result_pb2.RESULT_VIEW_FULL, BASIC: result_pb2.RESULT_VIEW_BASIC}
READ_VIEWS: dict[int, View] = {
    result_pb2.RESULT_VIEW_UNSPECIFIED: FULL,
    result_pb2.RESULT_VIEW_FULL: FULL,
    result_pb2.RESULT_VIEW_BASIC: BASIC,
}
_EXACT_INTEGERS = 2**53


# -- answers: google.protobuf.Struct → plain Python ------------------------------------------
def value_to_python(value: struct_pb2.Value) -> Any:
    """A Struct value as JSON would read it: a whole number is an int (Struct holds only
    doubles, and an `integer` input must accept 3 sent as 3.0); null is None."""
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        number = value.number_value
        if math.isfinite(number) and number.is_integer() and abs(number) < _EXACT_INTEGERS:
            return int(number)
        return number
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return struct_to_python(value.struct_value)
    if kind == "list_value":
        return [value_to_python(v) for v in value.list_value.values]
    return None


def struct_to_python(struct: struct_pb2.Struct) -> dict[str, Any]:
    return {key: value_to_python(value) for key, value in struct.fields.items()}


def python_to_value(value: Any, target: struct_pb2.Value) -> None:
    if value is None:
        target.null_value = struct_pb2.NULL_VALUE
    elif isinstance(value, bool):
        target.bool_value = value
    elif isinstance(value, int | float):
        target.number_value = value
    elif isinstance(value, str):
        target.string_value = value
    elif isinstance(value, dict):
        target.struct_value.SetInParent()  # so that an empty one is still set
        target.struct_value.update(value)
    elif isinstance(value, list | tuple):
        target.list_value.SetInParent()
        target.list_value.extend(list(value))
    else:
        raise TypeError(f"cannot send a {type(value).__name__} as an answer")


# -- results: engine → probity.v1.Result ------------------------------------------------------
def evidence_to_proto(evidence: Evidence) -> result_pb2.Evidence:
    message = result_pb2.Evidence(
        field=evidence.field,
        label=evidence.label,
        shown=evidence.shown,
        given=evidence.given,
        expected=evidence.expected,
    )
    python_to_value(evidence.value, message.value)  # null when not given, as JSON says it
    return message


def ruleset_ref_to_proto(ref: RulesetRef) -> result_pb2.RulesetRef:
    return result_pb2.RulesetRef(id=ref.id, version=ref.version, digest=ref.digest)


def source_to_proto(source: SourceReference) -> result_pb2.SourceReference:
    return result_pb2.SourceReference(
        document=source.document,
        quote=source.quote,
        section=source.section or "",
        citation=source.citation or "",
        url=source.url or "",
        choice=source.choice,
    )


def finding_to_proto(finding: Finding) -> result_pb2.Finding:
    return result_pb2.Finding(
        criterion=finding.criterion,
        principle=finding.principle,
        title=finding.title,
        outcome=finding.outcome,
        points=finding.points,
        max_points=finding.max_points,
        level=finding.level,
        descriptor=finding.descriptor,
        severity=finding.severity,
        gate=finding.gate,
        explanation=finding.explanation,
        evidence=[evidence_to_proto(e) for e in finding.evidence],
        remedy=finding.remedy,
        source=source_to_proto(finding.source),
    )


def principle_to_proto(score: PrincipleScore) -> result_pb2.PrincipleScore:
    return result_pb2.PrincipleScore(
        principle=score.principle,
        name=score.name,
        weight=score.weight,
        points=score.points,
        max_points=score.max_points,
        score=score.score,
    )


def head(result: Result, basic: bool = False) -> result_pb2.Result:
    """Everything but the principle scores and findings; `basic`: without what the rule
    set's catalog gives back (the band's label, the deprecated exclusion fields)."""
    message = result_pb2.Result(
        submission_id=result.submission_id,
        ruleset=ruleset_ref_to_proto(result.ruleset),
        engine_version=result.engine_version,
        band=result.band,
        rejected=result.rejected,
        rejections=[
            result_pb2.Rejection(kind=r.kind, subject=r.subject, explanation=r.explanation)
            for r in result.rejections
        ],
        total=result.total,
        maximum=result.maximum,
    )
    if not basic:
        message.band_label = result.band_label
        message.excluded = result.excluded
        message.exclusion_reasons.extend(result.exclusion_reasons)
    return message


def result_to_proto(result: Result) -> result_pb2.Result:
    message = head(result)
    message.principles.extend(principle_to_proto(p) for p in result.principles)
    message.findings.extend(finding_to_proto(f) for f in result.findings)
    return message


_principles = wire.Encodings(result_pb2.Result.PRINCIPLES_FIELD_NUMBER, principle_to_proto)
_findings = wire.Encodings(result_pb2.Result.FINDINGS_FIELD_NUMBER, finding_to_proto)


def encode(result: Result | ContractResult) -> bytes:
    """The serialized probity.v1.Result, equal to result_to_proto(result)'s (or the
    serialized ContractResult), each distinct finding encoded once."""
    if isinstance(result, ContractResult):
        return contract_result_to_proto(result).SerializeToString()
    parts = [head(result).SerializeToString()]
    parts.extend(map(_principles, result.principles))
    parts.extend(map(_findings, result.findings))
    return b"".join(parts)


# -- monitoring: CheckContractRequest ↔ engine ------------------------------------------------
def series_to_python(request: evaluation_pb2.CheckContractRequest) -> dict[str, Any]:
    """A contract and its returns as the engine reads them; fields left empty are absent,
    so that a missing one is reported as missing."""
    contract = request.contract
    given: dict[str, Any] = {
        "contract_id": contract.contract_id,
        "supplier": contract.supplier,
        "start": contract.start,
        "end": contract.end,
    }
    head = {key: value for key, value in given.items() if value}
    if contract.HasField("value"):
        head["value"] = contract.value
    head["targets"] = dict(contract.targets)
    returns = []
    for item in request.returns:
        fields = {
            "contract_id": item.contract_id,
            "period": item.period,
            "due": item.due,
            "received": item.received,
        }
        entry: dict[str, Any] = {key: value for key, value in fields.items() if value}
        entry["measures"] = struct_to_python(item.measures)
        returns.append(entry)
    return {"contract": head, "returns": returns}


def _period_evidence(evidence: PeriodEvidence) -> monitoring_pb2.PeriodEvidence:
    message = monitoring_pb2.PeriodEvidence(
        period=evidence.period,
        field=evidence.field,
        given=evidence.given,
        expected=evidence.expected,
    )
    python_to_value(evidence.value, message.value)  # null when not given
    return message


def _occurrence(occurrence: Occurrence) -> monitoring_pb2.Occurrence:
    return monitoring_pb2.Occurrence(
        periods=occurrence.periods,
        evidence=[_period_evidence(e) for e in occurrence.evidence],
        target=occurrence.target,
    )


def _check_finding(finding: CheckFinding) -> monitoring_pb2.CheckFinding:
    return monitoring_pb2.CheckFinding(
        criterion=finding.criterion,
        principle=finding.principle,
        title=finding.title,
        pattern=finding.pattern,
        breach=finding.breach,
        outcome=finding.outcome,
        severity=finding.severity,
        explanation=finding.explanation,
        occurrences=[_occurrence(o) for o in finding.occurrences],
        action=finding.action,
        source=source_to_proto(finding.source),
    )


def _period_rating(rating: PeriodRating) -> monitoring_pb2.PeriodRating:
    return monitoring_pb2.PeriodRating(
        period=rating.period,
        rating=rating.rating,
        label=rating.label,
        rule=rating.rule,
        breaches=rating.breaches,
        returned=rating.returned,
        unassessed=rating.unassessed,
    )


def contract_result_to_proto(result: ContractResult) -> monitoring_pb2.ContractResult:
    return monitoring_pb2.ContractResult(
        contract_id=result.contract_id,
        supplier=result.supplier,
        ruleset=ruleset_ref_to_proto(result.ruleset),
        engine_version=result.engine_version,
        period=result.period,
        rating=result.rating,
        rating_label=result.rating_label,
        rating_rule=result.rating_rule,
        periods=[_period_rating(p) for p in result.periods],
        principles=[
            monitoring_pb2.PrincipleBreaches(
                principle=p.principle, name=p.name, checks=p.checks, breached=p.breached
            )
            for p in result.principles
        ],
        findings=[_check_finding(f) for f in result.findings],
        notices=result.notices,
    )


# -- rule sets ------------------------------------------------------------------------------
def diagnostic_to_proto(diagnostic: Diagnostic) -> ruleset_pb2.Diagnostic:
    return ruleset_pb2.Diagnostic(
        file=diagnostic.file,
        line=diagnostic.line,
        column=diagnostic.col,
        message=diagnostic.message,
        code=diagnostic.code.value,
        severity=diagnostic.severity,
    )


def ruleset_info(
    ruleset: CompiledRuleSet, versions: list[str] | None = None
) -> ruleset_pb2.RulesetInfo:
    return ruleset_pb2.RulesetInfo(
        id=ruleset.id,
        version=ruleset.version,
        digest=ruleset.digest,
        title=ruleset.title,
        kind=ruleset.kind,
        framework=ruleset.spec.framework.name,
        criteria_count=len(ruleset.criterion_ids),
        file=ruleset.file,
        other_versions=[v for v in versions or [] if v != ruleset.version],
    )
