"""The one description of a result's shape (codec.shape): the engine's values and the
probity.v1 messages carry the same fields, and every form of a result (the message, its
BASIC view, the JSON dialect) is derived from it and agrees with the engine's own JSON."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import struct_pb2

from probity.codec import shape, views
from probity.engine import Evidence, Finding, Result, SourceReference
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import to_dict
from probity.v1 import result_pb2
from tests.conftest import EXAMPLE_BIDS
from tests.engine.evaluation.test_end_to_end_properties import NOLAN


def test_every_engine_value_and_its_message_carry_the_same_fields() -> None:
    assert shape.mismatches() == []


def test_a_field_added_to_the_engine_only_is_named() -> None:
    wider = dataclasses.make_dataclass(
        "Finding", [("confidence", float, 0.0)], bases=(Finding,), frozen=True
    )
    problems = shape.mismatches((shape.Shape(wider, result_pb2.Finding), *shape.SHAPES[:2]))
    assert "Finding.confidence is not in probity.v1.Finding" in problems


def test_a_field_added_to_the_message_only_is_named() -> None:
    narrower = dataclasses.make_dataclass(
        "Evidence", [(f.name, Any) for f in dataclasses.fields(Evidence) if f.name != "shown"]
    )
    problems = shape.mismatches((shape.Shape(narrower, result_pb2.Evidence),))
    assert problems == ["probity.v1.Evidence.shown is not in Evidence"]


def test_a_catalog_field_that_does_not_exist_and_a_message_without_a_shape_are_named() -> None:
    wrong = shape.Shape(SourceReference, result_pb2.SourceReference, frozenset({"page"}))
    assert shape.mismatches((wrong,)) == [
        "SourceReference has no field page for the catalog to hold"
    ]
    alone = shape.Shape(Evidence, result_pb2.Evidence)
    assert shape.mismatches((alone,)) == []  # a Value is an answer, not a shape
    finding = next(s for s in shape.SHAPES if s.value is Finding)
    assert "probity.v1.Finding.evidence: probity.v1.Evidence has no shape" in shape.mismatches(
        (finding,)
    )


def _results() -> list[Result]:
    evaluator = Evaluator(NOLAN)
    lines = Path(EXAMPLE_BIDS).read_text().splitlines()
    bids = [json.loads(line) for line in lines]
    results = [evaluator.evaluate(Submission(b["id"], b["answers"])) for b in bids]
    assert len(results) >= 2 and all(isinstance(r, Result) for r in results)
    return results  # type: ignore[return-value]


@pytest.fixture(scope="module")
def results() -> list[Result]:
    return _results()


def test_the_json_dialect_is_the_engines_json_key_for_key_in_order(results: list[Result]) -> None:
    for result in results:
        mine, engines = shape.to_dict(shape.to_message(result)), to_dict(result)
        assert mine == engines
        assert list(mine) == list(engines)
        assert list(mine["findings"][0]) == list(engines["findings"][0])


def _catalog_fields_set(message: Any) -> list[str]:
    """Catalog fields (codec.shape) that hold a value, at any depth."""
    found = []
    held = shape.BY_MESSAGE[message.DESCRIPTOR.full_name]
    for name in held.catalog:
        field = message.DESCRIPTOR.fields_by_name[name]
        value = getattr(message, name)
        if (field.message_type and message.HasField(name)) or (not field.message_type and value):
            found.append(f"{message.DESCRIPTOR.name}.{name}")
    for field in message.DESCRIPTOR.fields:
        inner = field.message_type
        if inner is None or inner.full_name not in shape.BY_MESSAGE:
            continue
        parts = (
            getattr(message, field.name) if field.is_repeated else [getattr(message, field.name)]
        )
        for part in parts:
            found += _catalog_fields_set(part)
    return found


def test_basic_leaves_out_exactly_the_catalogs_fields(results: list[Result]) -> None:
    for result in results:
        full = result_pb2.Result.FromString(shape.to_message(result).SerializeToString())
        basic = result_pb2.Result.FromString(views.encode_basic(result, NOLAN))
        assert _catalog_fields_set(full)  # FULL has them: the check below can fail
        assert _catalog_fields_set(basic) == []
        # What is not the catalog's is BASIC's too, unchanged.
        shape.clear_catalog(full)
        for finding in full.findings:
            finding.ClearField("explanation")
        for finding in basic.findings:
            finding.ClearField("explanation")
        assert basic == full


def test_an_answer_round_trips_through_its_value() -> None:
    target = struct_pb2.Value()
    shape.python_to_value([1, "a", None, {"k": True}], target)
    message = result_pb2.Evidence(given=True)
    message.value.CopyFrom(target)
    assert shape.to_dict(message)["value"] == [1, "a", None, {"k": True}]
    assert shape.to_dict(result_pb2.Evidence(given=False))["value"] is None
