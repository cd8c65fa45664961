"""Requests written as bytes, so a fuzzer can send what no client library would: answers
nested past any limit, numbers JSON cannot hold, damaged bytes."""

from __future__ import annotations

import math
import struct
from typing import Any


def varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        out.append(low | (0x80 if number else 0))
        if not number:
            return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (messages, strings)."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def text(number: int, value: str) -> bytes:
    return field(number, value.encode("utf-8", "surrogatepass"))


def value(item: Any) -> bytes:
    """A google.protobuf.Value, at any depth (protobuf's own classes refuse past 100)."""
    if item is None:
        return varint(1 << 3) + varint(0)
    if isinstance(item, bool):
        return varint(4 << 3) + varint(int(item))
    if isinstance(item, (int, float)):
        number = float(item) if not isinstance(item, int) or abs(item) < 2**1000 else math.inf
        return varint(2 << 3 | 1) + struct.pack("<d", number)
    if isinstance(item, str):
        return text(3, item)
    if isinstance(item, dict):
        return field(5, struct_of(item))
    return field(6, b"".join(field(1, value(element)) for element in item))


def struct_of(answers: dict[str, Any]) -> bytes:
    return b"".join(field(1, text(1, key) + field(2, value(v))) for key, v in answers.items())


def evaluate_request(ruleset: str, submission_id: str, answers: dict[str, Any]) -> bytes:
    """An EvaluateRequest or EvaluateStreamRequest (the same fields)."""
    submission = text(1, submission_id) + field(4, struct_of(answers))
    return text(1, ruleset) + field(3, submission)
