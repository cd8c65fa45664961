"""Reading submissions from CSV and writing results as CSV.

A CSV file has one submission per row: columns `id`, `tender_id`, `supplier_id`,
`supplier_name` (and, for bids, `price` and `whole_life_cost`), then one column per answer
named by its dotted path (`coi.declared`). Cells are read by the rule set's declared input
types: yes/no/true/false for booleans, numbers, text, and lists separated by `;`. An empty
cell is an answer not given.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from probity.engine.compiler.model import InputSpec

ENVELOPE = ("id", "tender_id", "supplier_id", "supplier_name", "price", "whole_life_cost")
_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


class CellError(ValueError):
    pass


def _cell(text: str, spec: InputSpec | None) -> Any:
    kind = spec.type if spec else "string"
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise CellError(f"{text!r} is not yes or no")
    if kind in ("integer", "number"):
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"{text!r} is not a number") from None
        return int(number) if kind == "integer" and number.is_integer() else number
    if kind == "list":
        return [item.strip() for item in text.split(";") if item.strip()]
    return text


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in flat.items():
        *parents, last = path.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return out


def read_csv(text: str, inputs: list[InputSpec], where: str) -> Iterator[dict[str, Any] | str]:
    """Each row as a submission record, or a 'file:line: problem' string for a bad row."""
    specs = {spec.path: spec for spec in inputs}
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        line = reader.line_num
        answers: dict[str, Any] = {}
        try:
            for column, cell in row.items():
                if column is None or column in ENVELOPE or cell is None or cell == "":
                    continue
                try:
                    answers[column] = _cell(cell, specs.get(column))
                except CellError as exc:
                    raise CellError(f"column {column}: {exc}") from None
        except CellError as exc:
            yield f"{where}:{line}: {exc}"
            continue
        record: dict[str, Any] = {
            "id": row.get("id") or f"{where}:{line}",
            "tender_id": row.get("tender_id") or "",
            "supplier": {
                "id": row.get("supplier_id") or "",
                "name": row.get("supplier_name") or "",
            },
            "answers": _nest(answers),
        }
        for money in ("price", "whole_life_cost"):
            if row.get(money):
                record[money] = float(row[money])
        yield record


RESULT_COLUMNS = (
    "submission_id",
    "status",
    "band",
    "total",
    "maximum",
    "rejected",
    "ruleset",
    "error",
)


def result_rows(
    result: dict[str, Any] | None, submission_id: str, error: str = ""
) -> dict[str, Any]:
    """One CSV row: the result's headline figures and a column per principle score."""
    if result is None:
        return {"submission_id": submission_id, "status": "error", "error": error}
    row: dict[str, Any] = {
        "submission_id": result["submission_id"],
        "status": "ok",
        "band": result["band"],
        "total": result["total"],
        "maximum": result["maximum"],
        "rejected": "yes" if result["rejected"] else "no",
        "ruleset": f"{result['ruleset']['id']}@{result['ruleset']['version']}",
        "error": "",
    }
    for principle in result["principles"]:
        row[f"principle.{principle['principle']}"] = principle["score"]
    for finding in result["findings"]:  # each criterion's points, and what they mean
        row[f"points.{finding['criterion']}"] = finding["points"]
        row[f"descriptor.{finding['criterion']}"] = finding.get("descriptor") or ""
    return row
