"""Requests read leniently (probity.server.reading): what protobuf refuses is named
by its field, and nothing else changes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.clients.request_messages import submission_message
from probity.server.reading import MAX_VALUE_NESTING, Unreadable, lenient
from probity.v1 import evaluation_pb2
from tests.fuzz.wire import field
from tests.server.conftest import example


def nested_value(levels: int) -> bytes:
    """A google.protobuf.Value: {"a": {"a": ... "x"}}, `levels` objects deep."""
    value = field(3, b"x")  # string_value
    for _ in range(levels):
        value = field(5, field(1, field(1, b"a") + field(2, value)))  # struct_value.fields
    return value


def struct_with(key: bytes, value: bytes) -> bytes:
    return field(1, field(1, key) + field(2, value))


def evaluate_request(answers: bytes, submission_id: bytes = b"bid-1") -> bytes:
    return field(1, b"nolan-tender") + field(3, field(1, submission_id) + field(4, answers))


READ_REQUEST = lenient(evaluation_pb2.EvaluateRequest)


def test_answers_nested_past_the_limit_are_named_at_their_key() -> None:
    """Issue 19, item 4: a Struct nested ~35 levels failed the call with INTERNAL."""
    deepest = evaluate_request(struct_with(b"deep", nested_value(MAX_VALUE_NESTING)))
    message = READ_REQUEST(deepest)
    assert isinstance(message, evaluation_pb2.EvaluateRequest)
    assert message.submission.id == "bid-1"

    too_deep = READ_REQUEST(evaluate_request(struct_with(b"deep", nested_value(33))))
    assert isinstance(too_deep, Unreadable)
    assert too_deep.field == "submission.answers.deep"
    assert "nested too deeply" in too_deep.reason and "32 levels" in too_deep.reason
    assert too_deep.ident() == "bid-1"


def test_measures_nested_past_the_limit_are_named_in_their_return() -> None:
    good_return = field(2, b"2026-Q1")
    bad_return = field(2, b"2026-Q2") + field(5, struct_with(b"complaints", nested_value(40)))
    request = (
        field(1, b"ethical-standards-monitoring")
        + field(3, field(1, b"C-1"))
        + field(4, good_return)
        + field(4, bad_return)
    )
    read = lenient(evaluation_pb2.CheckContractRequest)(request)
    assert isinstance(read, Unreadable)
    assert read.field == "returns[1].measures.complaints"
    assert read.ident() == "C-1"


def test_text_that_is_not_utf8_is_named() -> None:
    read = READ_REQUEST(field(1, b"nolan-\xff") + field(3, field(1, b"bid-1")))
    assert read == Unreadable("ruleset_id", "is not valid text (UTF-8)", {})
    inner = READ_REQUEST(evaluate_request(struct_with(b"name", field(3, b"\xc3("))))
    assert isinstance(inner, Unreadable) and inner.field == "submission.answers.name"


def test_a_truncated_request_is_refused_where_it_ends() -> None:
    whole = evaluate_request(struct_with(b"coi", field(3, b"declared")))
    read = READ_REQUEST(whole[:-3])
    assert isinstance(read, Unreadable)
    assert read.field == "submission"  # the submission's bytes end early
    assert "cut short" in read.reason


VALID = evaluation_pb2.EvaluateStreamRequest(
    ruleset_id="nolan-tender", submission=submission_message(example("strong"))
).SerializeToString()


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(VALID)), st.integers(0, 255), st.sampled_from("rid")),
        min_size=1,
        max_size=4,
    )
)
def test_damaged_requests_read_as_protobuf_reads_them_or_name_a_field(
    damage: list[tuple[int, int, str]],
) -> None:
    """Whatever bytes arrive, the lenient reader never raises: it gives protobuf's own
    message when protobuf reads them, and otherwise an Unreadable naming where and why."""
    data = bytearray(VALID)
    for position, byte, how in damage:
        position = min(position, len(data))
        if how == "r" and position < len(data):
            data[position] = byte
        elif how == "i":
            data.insert(position, byte)
        else:
            del data[position:]
    read = lenient(evaluation_pb2.EvaluateStreamRequest)(bytes(data))
    try:
        expected = evaluation_pb2.EvaluateStreamRequest.FromString(bytes(data))
    except Exception:
        assert isinstance(read, Unreadable)
        assert read.field and read.reason
        assert "Traceback" not in read.reason
        return
    assert read == expected


@pytest.mark.parametrize("levels", [0, 5, MAX_VALUE_NESTING])
def test_readable_answers_are_protobufs_own_message(levels: int) -> None:
    data = evaluate_request(struct_with(b"deep", nested_value(levels)))
    assert READ_REQUEST(data) == evaluation_pb2.EvaluateRequest.FromString(data)
