"""A worker codec for tests: each result says which worker process wrote it ("pid json")."""

from __future__ import annotations

import os
from typing import Any

from probity.engine.evaluation.result import Result, to_json


def decode(raw: Any) -> Any:
    return raw


def encode(result: Result) -> bytes:
    return f"{os.getpid()} ".encode() + to_json(result)
