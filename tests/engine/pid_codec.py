"""A worker codec for tests: each result says which worker process wrote it, and in which
view ("pid view json")."""

from __future__ import annotations

import os

from probity.engine.evaluation.result import Result
from probity.engine.evaluations import FULL, View
from probity.engine.monitoring.contract_result import ContractResult
from probity.engine.workers.worker import JsonCodec


class PidCodec(JsonCodec):
    def encode(
        self, result: Result | ContractResult, view: View = FULL, ruleset: object = None
    ) -> bytes:
        return f"{os.getpid()} {view} ".encode() + super().encode(result)


PID_CODEC = PidCodec()
