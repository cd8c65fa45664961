"""Translate between probity.v1 messages and the engine's values (no gRPC here)."""

from __future__ import annotations

from typing import Any, cast

from probity.codec import shape, wire

# Answers (google.protobuf.Struct ↔ plain Python) are converted in codec.shape, beside the
# results' Values; named here too, where requests are read.
from probity.codec.shape import python_to_value as python_to_value
from probity.codec.shape import struct_to_python as struct_to_python
from probity.codec.shape import value_to_python as value_to_python
from probity.engine import (
    BASIC,
    FULL,
    CompiledRuleSet,
    ContractResult,
    Diagnostic,
    Finding,
    PrincipleScore,
    Result,
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


# -- results: engine → probity.v1.Result (derived from codec.shape) --------------------------
def source_to_proto(source: SourceReference) -> result_pb2.SourceReference:
    return cast(result_pb2.SourceReference, shape.to_message(source))


def result_to_proto(result: Result) -> result_pb2.Result:
    return cast(result_pb2.Result, shape.to_message(result))


def contract_result_to_proto(result: ContractResult) -> monitoring_pb2.ContractResult:
    return cast(monitoring_pb2.ContractResult, shape.to_message(result))


_PARTS = frozenset({"principles", "findings"})
# The fields numbered after the findings, written after them, so that a result's bytes are
# in field order: what protobuf itself writes, whichever way a result is encoded.
_AFTER = frozenset(
    f.name
    for f in result_pb2.Result.DESCRIPTOR.fields
    if f.number > result_pb2.Result.FINDINGS_FIELD_NUMBER
)
_ALL = frozenset(f.name for f in result_pb2.Result.DESCRIPTOR.fields)
_head = shape.converter(Result, without=_PARTS | _AFTER)
_basic_head = shape.converter(Result, basic=True, without=_PARTS | _AFTER)
_tail = shape.converter(Result, without=_ALL - _AFTER)
_basic_tail = shape.converter(Result, basic=True, without=_ALL - _AFTER)


def head(result: Result, basic: bool = False) -> result_pb2.Result:
    """The fields before the principle scores and findings; `basic`: without what the
    rule set's catalog gives back (codec.shape: the band's label, the deprecated
    exclusions)."""
    return cast(result_pb2.Result, (_basic_head if basic else _head)(result))


def has_tail(result: Result) -> bool:
    """Whether any field after the findings is set: most results are neither rejected nor
    awaiting the panel, and skip converting an empty tail (a tenth of encoding one)."""
    return any(getattr(result, name) for name in _AFTER)


def tail(result: Result, basic: bool = False) -> result_pb2.Result:
    """The fields after the findings (whether it is rejected and why, what awaits the
    panel)."""
    return cast(result_pb2.Result, (_basic_tail if basic else _tail)(result))


_principles = wire.Encodings(
    result_pb2.Result.PRINCIPLES_FIELD_NUMBER, shape.converter(PrincipleScore)
)
_findings = wire.Encodings(result_pb2.Result.FINDINGS_FIELD_NUMBER, shape.converter(Finding))


def encode(result: Result | ContractResult) -> bytes:
    """The serialized probity.v1.Result, equal to result_to_proto(result)'s (or the
    serialized ContractResult), each distinct finding encoded once."""
    if isinstance(result, ContractResult):
        return contract_result_to_proto(result).SerializeToString()
    parts = [head(result).SerializeToString()]
    parts.extend(map(_principles, result.principles))
    parts.extend(map(_findings, result.findings))
    if has_tail(result):
        parts.append(tail(result).SerializeToString())
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
        "title": contract.title,
        "procurement_id": contract.procurement_id,
        "first_return_due": contract.first_return_due,
    }
    head = {key: value for key, value in given.items() if value}
    if contract.HasField("value"):
        head["value"] = contract.value
    head["targets"] = dict(contract.targets)
    for name in ("contracting_authority", "supplier_details"):
        if contract.HasField(name):
            head[name] = _party(getattr(contract, name))
    if contract.promises:
        head["promises"] = [
            {key: value for key, value in _promise(p).items() if value != ""}
            for p in contract.promises
        ]
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


def _party(party: monitoring_pb2.Party) -> dict[str, str]:
    return {
        "name": party.name,
        "postal_address": party.postal_address,
        "email": party.email,
        "identifier": party.identifier,
    }


def _promise(promise: monitoring_pb2.Promise) -> dict[str, Any]:
    return {
        "kpi": promise.kpi,
        "value": promise.value,
        "tender_id": promise.tender_id,
        "submission_id": promise.submission_id,
        "evaluated_in": promise.evaluated_in,
    }


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
