"""A request's identifiers, names and notes checked before anything reads them: at most the
characters the decision log keeps, and no character that would break a record or a
document (engine.characters). INVALID_ARGUMENT names each field; its value is never echoed
back, as a status must fit in the trailers."""

from __future__ import annotations

from probity.engine import FieldViolation, character_problem
from probity.server import statuses

MAX_ID = 200
MAX_VERSION = 100
MAX_FILE_NAME = 255  # what file systems allow, and half what the log keeps
MAX_NOTE = 10_000


def checked(*fields: tuple[str, str, int]) -> None:
    """(field path, value, most characters), each on one line."""
    problems = [
        FieldViolation(name, reason)
        for name, value, most in fields
        if (reason := _problem(value, most, lines=False))
    ]
    _refuse(problems)


def checked_note(name: str, value: str) -> None:
    """A note of several lines (line breaks and tabs allowed)."""
    reason = _problem(value, MAX_NOTE, lines=True)
    _refuse([FieldViolation(name, reason)] if reason else [])


def _problem(value: str, most: int, lines: bool) -> str | None:
    if len(value) > most:
        return f"is longer than {most:,} characters"
    return character_problem(value, lines)


def _refuse(problems: list[FieldViolation]) -> None:
    if problems:
        said = "; ".join(f"{v.field} {v.reason}" for v in problems)
        raise statuses.ServiceError(statuses.bad_request(problems, said))
