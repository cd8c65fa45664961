"""Reading the rich error details (google.rpc) off a failed call or a stream item."""

from __future__ import annotations

from typing import Any, TypeVar

import grpc
from google.rpc import status_pb2
from grpc_status import rpc_status

T = TypeVar("T")


def status_of(error: grpc.RpcError) -> status_pb2.Status:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None, "the server sent no rich status"
    return status


def detail(status: status_pb2.Status, kind: type[T]) -> T:
    for packed in status.details:
        message: Any = kind()
        if packed.Unpack(message):
            return message  # type: ignore[no-any-return]
    raise AssertionError(f"no {kind.__name__} in {status}")


def violations(status: status_pb2.Status) -> dict[str, str]:
    from google.rpc import error_details_pb2

    bad = detail(status, error_details_pb2.BadRequest)
    return {v.field: v.description for v in bad.field_violations}
