"""A request's identifiers, names and notes checked before anything reads them: at most the
characters the decision log keeps, and no character that would break a record or a
document (engine.characters). INVALID_ARGUMENT names each field; its value is never echoed
back, as a status must fit in the trailers."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from probity.engine import FieldViolation, character_problem
from probity.server import statuses

MAX_ID = 200
MAX_VERSION = 100
MAX_FILE_NAME = 255  # what file systems allow, and half what the log keeps
MAX_NOTE = 10_000
MAX_DETAIL = 500  # a postal address, a tender's title, where its criteria are published
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")


def checked(*fields: tuple[str, str, int]) -> None:
    """(field path, value, most characters), each on one line."""
    problems = [
        FieldViolation(name, reason)
        for name, value, most in fields
        if (reason := _problem(value, most, lines=False))
    ]
    _refuse(problems)


def checked_note(name: str, value: str, most: int = MAX_NOTE) -> None:
    """A note of several lines (line breaks and tabs allowed)."""
    reason = _problem(value, most, lines=True)
    _refuse([FieldViolation(name, reason)] if reason else [])


def checked_details(where: str, details: Any) -> None:
    """A tender's details (probity.v1.TenderDetails): lengths, characters, a date and a
    currency code in the forms they are read in."""
    names = [f.name for f in details.DESCRIPTOR.fields]
    problems = [
        FieldViolation(f"{where}.{name}", reason)
        for name in names
        if (reason := _problem(getattr(details, name), MAX_DETAIL, lines=False))
    ]
    if details.standstill_ends and not _is_date(details.standstill_ends):
        problems.append(FieldViolation(f"{where}.standstill_ends", "is not a date: YYYY-MM-DD"))
    if details.currency and not _CURRENCY.fullmatch(details.currency):
        said = "is not an ISO 4217 currency code, e.g. GBP"
        problems.append(FieldViolation(f"{where}.currency", said))
    _refuse(problems)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(_DATE.fullmatch(text))


def _problem(value: str, most: int, lines: bool) -> str | None:
    if len(value) > most:
        return f"is longer than {most:,} characters"
    return character_problem(value, lines)


def _refuse(problems: list[FieldViolation]) -> None:
    if problems:
        said = "; ".join(f"{v.field} {v.reason}" for v in problems)
        raise statuses.ServiceError(statuses.bad_request(problems, said))
