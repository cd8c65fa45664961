"""The codec: probity.v1 messages ↔ the engine's values, and responses written in protobuf's
wire format around results already serialized.

It depends on the engine's result types and probity.v1 only (an import contract keeps it
so), because it also runs in the worker processes: the pool is given `PROTOBUF`, an object,
so that answers are decoded and results encoded on every core, and this process only passes
bytes along. `messages` converts, `wire` writes wire format.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import struct_pb2

from probity.codec import messages, views
from probity.engine import BASIC, FULL, CompiledRuleSet, ContractResult, Result, View
from probity.v1 import evaluation_pb2


class ProtobufCodec:
    """Answers as serialized google.protobuf.Struct; a contract check as a serialized
    CheckContractRequest; results out as serialized probity.v1 Result / ContractResult."""

    def decode(self, raw: bytes) -> dict[str, Any]:
        struct = struct_pb2.Struct()
        struct.ParseFromString(raw)
        return messages.struct_to_python(struct)

    def decode_series(self, raw: bytes) -> dict[str, Any]:
        """A CheckContractRequest (or a CheckPortfolioRequest: the same fields)."""
        return messages.series_to_python(evaluation_pb2.CheckContractRequest.FromString(raw))

    def encode(
        self,
        result: Result | ContractResult,
        view: View = FULL,
        ruleset: CompiledRuleSet | None = None,
    ) -> bytes:
        """FULL, or BASIC (codec.views: a submission's needs the version that made it)."""
        if view == BASIC and isinstance(result, ContractResult):
            return views.encode_basic_contract(result)
        if view == BASIC and isinstance(result, Result) and ruleset is not None:
            return views.encode_basic(result, ruleset)
        return messages.encode(result)


PROTOBUF = ProtobufCodec()
