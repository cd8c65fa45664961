"""Reading submissions from CSV and writing results as CSV, for spreadsheets.

A CSV file has one submission per row: columns `id`, `tender_id`, `supplier_id`,
`supplier_name` (and, for bids, `price` and `whole_life_cost`), then one column per answer
named by its dotted path (`coi.declared`). Cells are read by the rule set's declared input
types: yes/no/true/false for booleans, numbers, text, and lists separated by `;`. An empty
cell is an answer not given.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from probity.engine import InputSpec

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
    row.update(criterion_columns(result))
    return row


def criterion_columns(result: dict[str, Any]) -> dict[str, Any]:
    """A column per criterion for its points, its outcome and what the points mean."""
    row: dict[str, Any] = {}
    for finding in result["findings"]:
        row[f"points.{finding['criterion']}"] = finding["points"]
        row[f"outcome.{finding['criterion']}"] = finding["outcome"]
        row[f"descriptor.{finding['criterion']}"] = finding.get("descriptor") or ""
    return row


BID_COLUMNS = (
    "submission_id",
    "supplier_id",
    "supplier_name",
    "rank",
    "band",
    "quality_score",
    "price_score",
    "combined_score",
    "compared_cost",
    "price",
    "rejected",
    "rejections",
)


def bid_rows(tender: dict[str, Any], order: list[str]) -> list[dict[str, Any]]:
    """A tender's bids (tender_to_dict's shape), one row each in `order` (the bids' input
    order; the rank is a column), with a column per criterion."""
    by_id = {bid["submission_id"]: bid for bid in tender.get("bids", [])}
    rows = []
    for submission_id in order:
        bid = by_id.get(submission_id)
        if bid is None:  # not evaluated: its error went to stderr
            continue
        result = bid["result"]
        row: dict[str, Any] = {
            "submission_id": submission_id,
            "supplier_id": bid.get("supplier_id", ""),
            "supplier_name": bid.get("supplier_name", ""),
            "rank": bid.get("rank") or "",
            "band": result["band"],
            "quality_score": bid.get("quality_score", 0),
            "price_score": _blank_if_none(bid.get("price_score")),
            "combined_score": _blank_if_none(bid.get("combined_score")),
            "compared_cost": bid.get("compared_cost", 0),
            "price": bid.get("price", 0),
            "rejected": "yes" if bid.get("rejected") else "no",
            "rejections": " ".join(r["explanation"] for r in result["rejections"]),
        }
        row.update(criterion_columns(result))
        rows.append(row)
    return rows


CONTRACT_COLUMNS = ("contract_id", "status", "rating", "period", "ruleset", "error")


def contract_row(
    result: dict[str, Any] | None, contract_id: str, error: str = ""
) -> dict[str, Any]:
    """One CSV row for a contract: its rating, and per check its outcome and breaches."""
    if result is None:
        return {"contract_id": contract_id, "status": "error", "error": error}
    row: dict[str, Any] = {
        "contract_id": result["contract_id"],
        "status": "ok",
        "rating": result["rating"],
        "period": result["period"],
        "ruleset": f"{result['ruleset']['id']}@{result['ruleset']['version']}",
        "error": "",
    }
    for finding in result["findings"]:
        row[f"outcome.{finding['criterion']}"] = finding["outcome"]
        row[f"breaches.{finding['criterion']}"] = len(finding["occurrences"])
    return row


def write_csv(rows: Iterable[dict[str, Any]], leading: Iterable[str], out: TextIO) -> None:
    """Rows under one header: the leading columns, then every other in first-seen order."""
    rows = list(rows)
    columns = list(leading)
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def write_table(rows: Iterable[list[str]], header: list[str], form: str, out: TextIO) -> None:
    """Rows of text cells: "tsv" (tab-separated, no header: for `cut` and `awk`), "csv" (a
    header, then quoted as spreadsheets read it) or "markdown" (a table for a document)."""
    if form == "csv":
        # RFC 4180's line ends: a cell holding either character is then quoted.
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        return
    if form == "markdown":
        out.write("| " + " | ".join(header) + " |\n")
        out.write("|" + "---|" * len(header) + "\n")
        for row in rows:
            cells = [_one_line(cell).replace("\\", "\\\\").replace("|", "\\|") for cell in row]
            out.write("| " + " | ".join(cells) + " |\n")
        return
    for row in rows:
        out.write("\t".join(_one_line(cell).replace("\t", " ") for cell in row) + "\n")


def _one_line(cell: str) -> str:
    """A cell's text on one line: a line break in it would start another row."""
    return cell.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def _blank_if_none(value: Any) -> Any:
    """A score a bid that is not ranked does not have: an empty cell, not 0."""
    return "" if value is None else value
