"""What is evaluated: a submission's answers as plain data, or still in its codec's bytes.

Their own module, free of durable_rules, so that the service's process (which only passes
items to the workers) never loads the rules engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Submission:
    """A submission's id and its answers as plain data (or a contract and its returns)."""

    id: str
    answers: Any


@dataclass(frozen=True, slots=True)
class Serialized:
    """A submission (or a contract with its returns) still in its codec's bytes, for the
    worker processes to decode (engine.workers); plain answers come as a Submission."""

    id: str
    data: bytes
