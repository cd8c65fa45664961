"""probity.v1 results as the engine's JSON shape, so remote and local output read the same."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format
from google.rpc import code_pb2, error_details_pb2

from probity.v1 import evaluation_pb2, monitoring_pb2, result_pb2


def _value(evidence: result_pb2.Evidence | monitoring_pb2.PeriodEvidence) -> Any:
    if not evidence.given:
        return None
    value = json_format.MessageToDict(evidence.value)
    if isinstance(value, float) and value.is_integer():
        return int(value)  # Struct numbers are doubles; whole ones read as JSON integers
    return value


def _source(source: result_pb2.SourceReference) -> dict[str, Any]:
    """Where a finding of either kind comes from: the document and the sentence."""
    return {
        "document": source.document,
        "quote": source.quote,
        "section": source.section,
        "citation": source.citation,
        "url": source.url,
        "choice": source.choice,
    }


def result_to_dict(result: result_pb2.Result) -> dict[str, Any]:
    return {
        "submission_id": result.submission_id,
        "ruleset": {
            "id": result.ruleset.id,
            "version": result.ruleset.version,
            "digest": result.ruleset.digest,
        },
        "engine_version": result.engine_version,
        "band": result.band,
        "band_label": result.band_label,
        "rejected": result.rejected,
        "rejections": [
            {"kind": r.kind, "subject": r.subject, "explanation": r.explanation}
            for r in result.rejections
        ],
        "excluded": result.excluded,
        "exclusion_reasons": list(result.exclusion_reasons),
        "total": result.total,
        "maximum": result.maximum,
        "principles": [
            {
                "principle": p.principle,
                "name": p.name,
                "weight": p.weight,
                "points": p.points,
                "max_points": p.max_points,
                "score": p.score,
            }
            for p in result.principles
        ],
        "findings": [_finding_to_dict(f) for f in result.findings],
    }


def _finding_to_dict(f: result_pb2.Finding) -> dict[str, Any]:
    return {
        "criterion": f.criterion,
        "principle": f.principle,
        "title": f.title,
        "outcome": f.outcome,
        "points": f.points,
        "max_points": f.max_points,
        "level": f.level,
        "descriptor": f.descriptor,
        "severity": f.severity,
        "gate": f.gate,
        "explanation": f.explanation,
        "evidence": [
            {
                "field": e.field,
                "label": e.label,
                "value": _value(e),
                "shown": e.shown,
                "given": e.given,
                "expected": e.expected,
            }
            for e in f.evidence
        ],
        "remedy": f.remedy,
        "source": _source(f.source),
    }


def contract_result_to_dict(result: monitoring_pb2.ContractResult) -> dict[str, Any]:
    """A ContractResult in the shape of the engine's JSON (engine.monitoring_result)."""
    return {
        "contract_id": result.contract_id,
        "supplier": result.supplier,
        "ruleset": {
            "id": result.ruleset.id,
            "version": result.ruleset.version,
            "digest": result.ruleset.digest,
        },
        "engine_version": result.engine_version,
        "period": result.period,
        "rating": result.rating,
        "rating_label": result.rating_label,
        "rating_rule": result.rating_rule,
        "periods": [
            {
                "period": p.period,
                "rating": p.rating,
                "label": p.label,
                "rule": p.rule,
                "breaches": list(p.breaches),
                "returned": p.returned,
                "unassessed": list(p.unassessed),
            }
            for p in result.periods
        ],
        "principles": [
            {"principle": p.principle, "name": p.name, "checks": p.checks, "breached": p.breached}
            for p in result.principles
        ],
        "findings": [_check_finding(f) for f in result.findings],
        "notices": list(result.notices),
    }


def _check_finding(finding: monitoring_pb2.CheckFinding) -> dict[str, Any]:
    return {
        "criterion": finding.criterion,
        "principle": finding.principle,
        "title": finding.title,
        "pattern": finding.pattern,
        "breach": finding.breach,
        "outcome": finding.outcome,
        "severity": finding.severity,
        "explanation": finding.explanation,
        "occurrences": [
            {
                "periods": list(o.periods),
                "evidence": [
                    {
                        "period": e.period,
                        "field": e.field,
                        "value": _value(e),
                        "given": e.given,
                        "expected": e.expected,
                    }
                    for e in o.evidence
                ],
                **({"target": o.target} if o.HasField("target") else {}),
            }
            for o in finding.occurrences
        ],
        "action": finding.action,
        "source": _source(finding.source),
    }


def tender_to_dict(response: evaluation_pb2.EvaluateTenderResponse) -> dict[str, Any]:
    """A tender's answer in the dialect of every other result: field names as written,
    each bid's result in the engine's JSON shape."""
    shown: dict[str, Any] = json_format.MessageToDict(
        response, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    for bid, message in zip(shown.get("bids", []), response.bids, strict=True):
        bid["result"] = result_to_dict(message.result)
    return shown


# Where a server names a bad answer, before the answer's own path (local errors name only
# the path within the answers).
_ANSWER_PREFIXES = ("bid.submission.answers.", "submission.answers.")


def error_to_dict(status: Any) -> dict[str, Any]:
    """A stream item's error (a google.rpc.Status) as `probity evaluate` writes errors
    locally: {"code": "invalid_submission", "violations": [...]}, or a code and a message."""
    violations = []
    for packed in status.details:
        found = error_details_pb2.BadRequest()
        if packed.Unpack(found):
            violations += [
                {"field": _answer_path(v.field), "reason": v.description}
                for v in found.field_violations
            ]
        info = error_details_pb2.ErrorInfo()
        if packed.Unpack(info) and info.reason == "ENGINE_CRASHED":
            return {"code": "engine_crashed", "message": status.message}
    if status.code == code_pb2.INVALID_ARGUMENT and violations:
        return {"code": "invalid_submission", "violations": violations}
    return {"code": code_pb2.Code.Name(status.code).lower(), "message": status.message}


def _answer_path(field: str) -> str:
    for prefix in _ANSWER_PREFIXES:
        if field.startswith(prefix):
            return field.removeprefix(prefix)
    return field
