"""Responses written straight in protobuf's wire format, around result bytes the workers
already serialized: parsing a result only to serialize it again would cost this process
more than the gRPC call itself.

A length-delimited field is its tag (field number << 3 | 2), the payload's length as a
varint, then the payload; fields may come in any order, and a parser reads the result just
as if the message had been built and serialized (tests/server checks it does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from probity.v1 import evaluation_pb2

_LENGTH_DELIMITED = 2


def varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        if number:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def header(number: int, size: int) -> bytes:
    """What comes before a length-delimited field's `size` bytes of payload."""
    return varint(number << 3 | _LENGTH_DELIMITED) + varint(size)


def field(number: int, payload: bytes | memoryview) -> bytes:
    """One length-delimited field (a string, bytes or an embedded message)."""
    return header(number, len(payload)) + payload


def evaluate_response(result: bytes | memoryview) -> bytes:
    """EvaluateResponse{result}."""
    return field(evaluation_pb2.EvaluateResponse.RESULT_FIELD_NUMBER, result)


# Pieces of wire format to be joined once: a result (often a memoryview of a worker's
# shared memory) is copied only into the message that carries it, not first into its answer.
Pieces = tuple[bytes | memoryview, ...]


def result_pieces(submission_id: str, result: bytes | memoryview) -> Pieces:
    """EvaluateStreamResponse{submission_id, result}, in pieces."""
    message = evaluation_pb2.EvaluateStreamResponse
    ident = field(message.SUBMISSION_ID_FIELD_NUMBER, submission_id.encode())
    return ident, header(message.RESULT_FIELD_NUMBER, len(result)), result


def stream_result(submission_id: str, result: bytes | memoryview) -> bytes:
    """EvaluateStreamResponse{submission_id, result}."""
    return b"".join(result_pieces(submission_id, result))


def batch_response(answers: list[bytes | Pieces], batch: int = 0) -> bytes:
    """EvaluateBatchResponse{answers}, or EvaluateBatchStreamResponse{answers, batch}: each
    answer an EvaluateStreamResponse in wire format, whole or in pieces (a repeated field is
    its elements' fields one after another)."""
    message = evaluation_pb2.EvaluateBatchStreamResponse
    number = message.ANSWERS_FIELD_NUMBER
    parts: list[bytes | memoryview] = []
    for answer in answers:
        pieces = (answer,) if isinstance(answer, bytes) else answer
        parts.append(header(number, sum(map(len, pieces))))
        parts.extend(pieces)
    if batch:  # a varint field: its tag (field number << 3 | 0), then the number
        parts.append(varint(message.BATCH_FIELD_NUMBER << 3) + varint(batch))
    return b"".join(parts)


def bid_result(scored: bytes, result: bytes | memoryview) -> bytes:
    """One EvaluateTenderResponse.bids entry: a BidResult serialized without its result,
    then the result."""
    bid = scored + field(evaluation_pb2.BidResult.RESULT_FIELD_NUMBER, result)
    return field(evaluation_pb2.EvaluateTenderResponse.BIDS_FIELD_NUMBER, bid)


def passthrough(serialize: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
    """A response serializer that sends bytes as they are and serializes messages."""

    def serializer(response: Any) -> bytes:
        return response if isinstance(response, bytes) else serialize(response)

    return serializer


Item = TypeVar("Item")


class Encodings(Generic[Item]):
    """Each distinct item's encoding as one field of its message, made once. The engine's
    scorer hands out one object per distinct finding and principle score, so a result's
    repeated fields are mostly encodings already made: a repeated field's wire form is its
    elements' fields one after another. Bounded: cleared when full."""

    LIMIT = 20_000

    def __init__(self, number: int, convert: Callable[[Item], Any]) -> None:
        self._number = number
        self._convert = convert
        self._made: dict[int, tuple[Item, bytes]] = {}

    def __call__(self, item: Item) -> bytes:
        entry = self._made.get(id(item))
        if entry is not None and entry[0] is item:  # the entry keeps `item` alive: ids stay unique
            return entry[1]
        if len(self._made) >= self.LIMIT:
            self._made.clear()
        encoded = field(self._number, self._convert(item).SerializeToString())
        self._made[id(item)] = (item, encoded)
        return encoded
