"""A worker codec for tests: each result says which worker process wrote it ("pid json")."""

from __future__ import annotations

import os

from probity.engine.evaluation.result import Result
from probity.engine.monitoring.result import ContractResult
from probity.engine.workers.pool import JsonCodec


class PidCodec(JsonCodec):
    def encode(self, result: Result | ContractResult) -> bytes:
        return f"{os.getpid()} ".encode() + super().encode(result)


PID_CODEC = PidCodec()
