"""Protobuf ↔ engine translation (probity.codec): properties over random input."""

from __future__ import annotations

import math
from typing import Any

from google.protobuf import struct_pb2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from probity.codec import PROTOBUF, shape
from probity.codec import messages as convert
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.v1 import result_pb2
from tests.engine.evaluation.test_end_to_end_properties import NOLAN, submissions

EVALUATOR = Evaluator(NOLAN)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def _as_json_reads_it(value: Any) -> Any:
    """What JSON (and so a Struct) keeps of a value: whole numbers read as integers."""
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return int(value) if abs(value) < 2**53 else value
    if isinstance(value, dict):
        return {k: _as_json_reads_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json_reads_it(v) for v in value]
    return value


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_answers_survive_a_struct_round_trip(answers: dict[str, Any]) -> None:
    struct = struct_pb2.Struct()
    struct.update(answers)
    assert PROTOBUF.decode(struct.SerializeToString()) == _as_json_reads_it(answers)


@given(json_values)
def test_any_value_survives_python_to_value_and_back(value: Any) -> None:
    message = struct_pb2.Value()
    shape.python_to_value(value, message)
    assert convert.value_to_python(message) == _as_json_reads_it(value)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(submissions())
def test_cached_encoding_equals_the_plain_translation(answers: dict[str, Any]) -> None:
    result = EVALUATOR.evaluate(Submission("s", answers))
    encoded = convert.encode(result)
    assert result_pb2.Result.FromString(encoded) == convert.result_to_proto(result)
    assert convert.encode(result) == encoded  # and again from the cache, the same bytes
