"""probity.v1 request messages from the JSON forms people and portals write (a submission,
a bid, a contract, a monitoring return)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format

from probity.v1 import evaluation_pb2, monitoring_pb2, submission_pb2

SUPPLIER_FIELDS = tuple(f.name for f in submission_pb2.Supplier.DESCRIPTOR.fields)


def submission_message(record: Mapping[str, Any]) -> submission_pb2.Submission:
    """A Submission from its JSON form: {"id", "tender_id", "supplier", "answers"}."""
    supplier = record.get("supplier") or {}
    if isinstance(supplier, str):
        supplier = {"name": supplier}
    message = submission_pb2.Submission(
        id=str(record.get("id", "")),
        tender_id=str(record.get("tender_id", "")),
        supplier=submission_pb2.Supplier(
            **{name: str(supplier.get(name) or "") for name in SUPPLIER_FIELDS}
        ),
    )
    message.answers.update(record.get("answers") or {})
    return message


def tender_details(record: Mapping[str, Any] | None) -> evaluation_pb2.TenderDetails:
    """TenderDetails from their JSON form (its field names; a field it does not have is an
    error, so that a misspelt one is not silently dropped)."""
    known = {f.name for f in evaluation_pb2.TenderDetails.DESCRIPTOR.fields}
    unknown = sorted(set(record or {}) - known)
    if unknown:
        raise ValueError(
            f"tender details have no {', '.join(unknown)}; they have {', '.join(sorted(known))}"
        )
    return evaluation_pb2.TenderDetails(**{k: str(v) for k, v in (record or {}).items()})


def bid_message(record: Mapping[str, Any]) -> evaluation_pb2.Bid:
    """A Bid from a submission's JSON form plus "price" and, optionally, "whole_life_cost"."""
    bid = evaluation_pb2.Bid(submission=submission_message(record), price=float(record["price"]))
    if record.get("whole_life_cost") is not None:
        bid.whole_life_cost = float(record["whole_life_cost"])
    return bid


def contract_message(record: Mapping[str, Any]) -> monitoring_pb2.Contract:
    """A Contract from its JSON form: {"contract_id", "supplier", "start", "end", "value",
    "targets"}, and for a notice "title", "procurement_id", "contracting_authority",
    "supplier_details" (each {"name", "postal_address", "email", "identifier"}), the winning
    bid's "promises" and "first_return_due"."""
    message = monitoring_pb2.Contract(
        contract_id=str(record.get("contract_id", "")),
        supplier=str(record.get("supplier") or ""),
        start=str(record.get("start") or ""),
        end=str(record.get("end") or ""),
        targets={str(k): float(v) for k, v in (record.get("targets") or {}).items()},
        title=str(record.get("title") or ""),
        procurement_id=str(record.get("procurement_id") or ""),
        first_return_due=str(record.get("first_return_due") or ""),
    )
    if record.get("value") is not None:
        message.value = float(record["value"])
    for name in ("contracting_authority", "supplier_details"):
        if record.get(name):
            json_format.ParseDict(record[name], getattr(message, name))
    for promise in record.get("promises") or []:
        json_format.ParseDict(promise, message.promises.add())
    return message


def return_message(record: Mapping[str, Any]) -> monitoring_pb2.MonitoringReturn:
    """A MonitoringReturn from its JSON form: {"contract_id", "period", "due", "received",
    "measures"}."""
    message = monitoring_pb2.MonitoringReturn(
        contract_id=str(record.get("contract_id") or ""),
        period=str(record.get("period") or ""),
        due=str(record.get("due") or ""),
        received=str(record.get("received") or ""),
    )
    message.measures.update(record.get("measures") or {})
    return message
