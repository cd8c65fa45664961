"""probity.v1 results as the engine's JSON shape, so remote and local output read the same
(derived from codec.shape), and a stream item's error as the command line writes it."""

from __future__ import annotations

import re
from typing import Any

from google.protobuf import json_format
from google.rpc import code_pb2, error_details_pb2

from probity.codec import shape
from probity.v1 import evaluation_pb2, monitoring_pb2, result_pb2


def result_to_dict(result: result_pb2.Result) -> dict[str, Any]:
    """A Result in the shape of the engine's JSON (engine.evaluation.result.to_json)."""
    return shape.to_dict(result)


def contract_result_to_dict(result: monitoring_pb2.ContractResult) -> dict[str, Any]:
    """A ContractResult in the shape of the engine's JSON (engine.monitoring)."""
    return shape.to_dict(result)


def tender_to_dict(response: evaluation_pb2.EvaluateTenderResponse) -> dict[str, Any]:
    """A tender's answer in the dialect of every other result: field names as written,
    each bid's result in the engine's JSON shape."""
    shown: dict[str, Any] = json_format.MessageToDict(
        response, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    for bid, message in zip(shown.get("bids", []), response.bids, strict=True):
        bid["result"] = result_to_dict(message.result)
        for name in _UNRANKED:  # a bid that is not ranked has none: null, not 0
            bid.setdefault(name, None)
    return shown


# The scores only a ranked bid has (optional fields of BidResult).
_UNRANKED = ("price_score", "combined_score")


# Where a server names a bad answer, before the answer's own path (local errors name only
# the path within the answers): a submission's, a bid's, or one of a batch's.
_ANSWER_PREFIX = re.compile(r"(?:bid\.submission|submission|submissions\[\d+\])\.answers\.")


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
    found = _ANSWER_PREFIX.match(field)
    return field[found.end() :] if found else field
