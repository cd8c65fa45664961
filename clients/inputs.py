"""Read submissions from JSON (one or a list) and JSON-lines files, keeping bad ones as errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.evaluator import Submission


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
    for name in paths:
        text = Path(name).read_text(encoding="utf-8")
        if name.endswith(".jsonl"):
            for number, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield BadInput(f"{name}:{number}", f"not valid JSON: {exc.msg}")
                    continue
                yield _entry(record, f"{name}:{number}")
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield BadInput(f"{name}:{exc.lineno}", f"not valid JSON: {exc.msg}")
            continue
        for index, record in enumerate(data if isinstance(data, list) else [data]):
            yield _entry(record, name if not isinstance(data, list) else f"{name}[{index}]")
