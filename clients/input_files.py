"""Read submissions, or contracts and their returns, from JSON (one or a list) and JSON-lines
files, keeping bad records as errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from probity.engine import Submission


@dataclass(frozen=True, slots=True)
class BadInput:
    """A record that is not a submission: where it is and what is wrong with it."""

    where: str  # file:line
    message: str


def _entry(record: Any, where: str) -> dict[str, Any] | BadInput:
    if not isinstance(record, dict) or "answers" not in record:
        return BadInput(where, 'a submission is {"id": …, "answers": {…}}; "answers" is missing')
    return {**record, "id": str(record.get("id", where))}


def read(paths: list[str]) -> Iterator[Submission | BadInput]:
    """Every submission in the files, in order; nothing is skipped silently."""
    for entry in records(paths):
        yield entry if isinstance(entry, BadInput) else Submission(entry["id"], entry["answers"])


def records(paths: list[str]) -> Iterator[dict[str, Any] | BadInput]:
    """Every submission record ({"id", "tender_id", "supplier", "answers", …}) in the files."""
    for record, where in json_records(paths):
        yield record if isinstance(record, BadInput) else _entry(record, where)


def series(return_paths: list[str], contract_paths: list[str]) -> Iterator[Submission | BadInput]:
    """Each contract with its returns ({"contract": …, "returns": […]}), as a Submission
    named by the contract id; contracts first seen in the returns, in that order. A
    contract without a record in the contracts files is monitored without targets. A
    record that is already a whole series (as in rules/examples/) is taken as it is."""
    contracts: dict[str, dict[str, Any]] = {}
    for record, where in json_records(contract_paths):
        if isinstance(record, BadInput):
            yield record
        elif not isinstance(record, dict) or not isinstance(record.get("contract_id"), str):
            yield BadInput(where, 'a contract is {"contract_id": …, "targets": {…}, …}')
        else:
            contracts[record["contract_id"]] = record
    grouped: dict[str, list[Any]] = {}
    for record, where in json_records(return_paths):
        if isinstance(record, BadInput):
            yield record
        elif _whole_series(record):
            yield Submission(str(record["contract"].get("contract_id", where)), record)
        elif not isinstance(record, dict) or not isinstance(record.get("contract_id"), str):
            yield BadInput(where, 'a return is {"contract_id": …, "period": …, "measures": {…}}')
        else:
            grouped.setdefault(record["contract_id"], []).append(record)
    for ident, returns in grouped.items():
        contract = contracts.get(ident, {"contract_id": ident})
        yield Submission(ident, {"contract": contract, "returns": returns})


def _whole_series(record: Any) -> bool:
    return (
        isinstance(record, dict)
        and isinstance(record.get("contract"), dict)
        and isinstance(record.get("returns"), list)
    )


def json_records(paths: list[str]) -> Iterator[tuple[Any, str]]:
    """Every JSON record in the files (a .jsonl line, or a .json value or list item) with
    where it is; a record that is not JSON comes as a BadInput."""
    for name in paths:
        text = Path(name).read_text(encoding="utf-8")
        if name.endswith(".jsonl"):
            for number, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    continue
                where = f"{name}:{number}"
                try:
                    yield json.loads(line), where
                except json.JSONDecodeError as exc:
                    yield BadInput(where, f"not valid JSON: {exc.msg}"), where
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield BadInput(f"{name}:{exc.lineno}", f"not valid JSON: {exc.msg}"), name
            continue
        for index, record in enumerate(data if isinstance(data, list) else [data]):
            yield record, (name if not isinstance(data, list) else f"{name}[{index}]")
