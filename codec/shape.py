"""The one description of a result's shape: each engine value beside its probity.v1 message,
and which of its fields a BASIC result leaves to the rule set's catalog. Everything else is
derived from it, never written out again:

- the engine value → message conversion (`to_message`), which codec.messages serialises;
- the BASIC form (`to_basic`): the same conversion without the catalog's fields (views);
- the message → JSON dialect (`to_dict`): the engine's own JSON shape, key for key, in the
  engine value's field order, so a remote result prints as a local one does.

The .proto messages are the contract; the engine's results are plain dataclasses whose
compared fields carry the same names (a field that is only a speed cache says so with
`compare=False`). tests/codec/test_shape.py fails when a field is added to one and not the
other, or to a catalog that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from google.protobuf import struct_pb2
from google.protobuf.message import Message

from probity.engine import (
    CheckFinding,
    ContractResult,
    Evidence,
    Finding,
    KpiPeriod,
    KpiPromise,
    KpiRating,
    Occurrence,
    Party,
    PeriodEvidence,
    PeriodRating,
    PrincipleBreaches,
    PrincipleScore,
    Rejection,
    Result,
    RulesetRef,
    SourceReference,
)
from probity.v1 import monitoring_pb2, result_pb2


@dataclass(frozen=True)
class Shape:
    """One engine value and its message; `catalog`: the fields a BASIC result leaves out,
    which the version's ResultCatalog gives back (codec.expansion)."""

    value: type
    message: type[Message]
    catalog: frozenset[str] = frozenset()

    @property
    def names(self) -> tuple[str, ...]:
        """The value's fields that a result carries, in the order its JSON writes them."""
        return tuple(f.name for f in fields(self.value) if f.compare)


def _shape(value: type, message: type[Message], *catalog: str) -> Shape:
    return Shape(value, message, frozenset(catalog))


SHAPES: tuple[Shape, ...] = (
    _shape(RulesetRef, result_pb2.RulesetRef),
    _shape(SourceReference, result_pb2.SourceReference),
    _shape(Evidence, result_pb2.Evidence, "label", "expected"),
    # A finding's explanation is BASIC's too, unless it is its criterion's fixed one for
    # that outcome, which the catalog holds (codec.views decides per finding).
    _shape(
        Finding,
        result_pb2.Finding,
        *("principle", "title", "max_points", "descriptor", "severity", "gate", "remedy"),
        "scored_by",
        "source",
    ),
    _shape(PrincipleScore, result_pb2.PrincipleScore, "name", "weight"),
    _shape(Rejection, result_pb2.Rejection),
    _shape(Result, result_pb2.Result, "band_label", "excluded", "exclusion_reasons"),
    _shape(PeriodEvidence, monitoring_pb2.PeriodEvidence, "expected"),
    _shape(Occurrence, monitoring_pb2.Occurrence),
    _shape(
        CheckFinding,
        monitoring_pb2.CheckFinding,
        *("principle", "title", "pattern", "breach", "severity", "action", "source"),
    ),
    _shape(PeriodRating, monitoring_pb2.PeriodRating),
    _shape(PrincipleBreaches, monitoring_pb2.PrincipleBreaches, "name"),
    _shape(Party, monitoring_pb2.Party),
    _shape(KpiPromise, monitoring_pb2.KpiPromise),
    _shape(KpiPeriod, monitoring_pb2.KpiPeriod),
    _shape(KpiRating, monitoring_pb2.KpiRating),
    _shape(ContractResult, monitoring_pb2.ContractResult),
)
BY_VALUE: dict[type, Shape] = {s.value: s for s in SHAPES}
BY_MESSAGE: dict[str, Shape] = {s.message.DESCRIPTOR.full_name: s for s in SHAPES}
_VALUE = struct_pb2.Value.DESCRIPTOR.full_name
# A field's descriptor: protobuf's pure-Python class or upb's, which its stubs do not unite.
Field = Any
_EXACT_INTEGERS = 2**53


def mismatches(shapes: tuple[Shape, ...] = SHAPES) -> list[str]:
    """Where the description does not hold, in words: a field in the engine's value and not
    its message or the other way, a catalog field that is neither, a message inside a
    result with no shape of its own. Empty when every form of a result can be derived."""
    problems = []
    known = {s.message.DESCRIPTOR.full_name for s in shapes}
    for s in shapes:
        descriptor = s.message.DESCRIPTOR
        ours, theirs = set(s.names), set(descriptor.fields_by_name)
        for name in sorted(ours - theirs):
            problems.append(f"{s.value.__name__}.{name} is not in {descriptor.full_name}")
        for name in sorted(theirs - ours):
            problems.append(f"{descriptor.full_name}.{name} is not in {s.value.__name__}")
        for name in sorted(s.catalog - ours):
            problems.append(f"{s.value.__name__} has no field {name} for the catalog to hold")
        for field in descriptor.fields:
            inner = field.message_type
            if inner is None or inner.full_name == _VALUE or _is_map(field):
                continue
            if inner.full_name not in known:
                problems.append(
                    f"{descriptor.full_name}.{field.name}: {inner.full_name} has no shape"
                )
    return problems


# -- engine value → message -----------------------------------------------------------------
def python_to_value(value: Any, target: struct_pb2.Value) -> None:
    """An answer into a google.protobuf.Value (null when not given, as JSON says it)."""
    if value is None:
        target.null_value = struct_pb2.NULL_VALUE
    elif isinstance(value, bool):
        target.bool_value = value
    elif isinstance(value, int | float):
        target.number_value = value
    elif isinstance(value, str):
        target.string_value = value
    elif isinstance(value, dict):
        target.struct_value.SetInParent()  # so that an empty one is still set
        target.struct_value.update(value)
    elif isinstance(value, list | tuple):
        target.list_value.SetInParent()
        target.list_value.extend(list(value))
    else:
        raise TypeError(f"cannot send a {type(value).__name__} as an answer")


def value_to_python(value: struct_pb2.Value) -> Any:
    """A Struct value as JSON would read it: a whole number is an int (Struct holds only
    doubles, and an `integer` input must accept 3 sent as 3.0); null is None. The kinds in
    the order answers most often hold them: this runs for every answer of every submission,
    in the workers."""
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "number_value":
        number = value.number_value
        # is_integer() is False for infinities and NaN
        if number.is_integer() and -_EXACT_INTEGERS < number < _EXACT_INTEGERS:
            return int(number)
        return number
    if kind == "struct_value":
        return struct_to_python(value.struct_value)
    if kind == "list_value":
        return [value_to_python(v) for v in value.list_value.values]
    return None


def struct_to_python(struct: struct_pb2.Struct) -> dict[str, Any]:
    # Keys, then each by key: protobuf's map has no items() of its own, and the generic
    # ItemsView it falls back on looks every key up twice.
    fields = struct.fields
    return {key: value_to_python(fields[key]) for key in fields}


Converter = Callable[[Any], Message]
_converters: dict[tuple[type, bool, frozenset[str]], Converter] = {}


def converter(
    value_type: type, basic: bool = False, without: frozenset[str] = frozenset()
) -> Converter:
    """The conversion of one engine value to its message (`basic`: without its catalog
    fields, at every depth; `without`: nor these of its own), planned once from the shape
    and kept."""
    key = (value_type, basic, without)
    found = _converters.get(key)
    if found is None:
        found = _converters[key] = _plan(BY_VALUE[value_type], basic, without)
    return found


def _plan(shape: Shape, basic: bool, without: frozenset[str]) -> Converter:
    """The conversion written out as one function, from the shape (generated once, as
    protobuf generates its own classes): each field copied, converted, or set as a Value,
    as fast as a conversion written by hand. None is unset, as proto3 reads it."""
    descriptor = shape.message.DESCRIPTOR
    names: dict[str, Any] = {"make": shape.message, "python_to_value": python_to_value}
    given: list[str] = []
    values: list[str] = []  # google.protobuf.Value fields: set after construction
    for name in shape.names:
        if name in without or (basic and name in shape.catalog):
            continue
        field = descriptor.fields_by_name[name]
        if field.message_type is not None and field.message_type.full_name == _VALUE:
            values.append(f"    python_to_value(value.{name}, message.{name})")
        elif field.message_type is not None and not _is_map(field):
            inner = f"_{name}"
            names[inner] = converter(BY_MESSAGE[field.message_type.full_name].value, basic)
            if _repeated(field):
                given.append(f"{name}=[{inner}(p) for p in value.{name}]")
            else:
                given.append(f"{name}=None if value.{name} is None else {inner}(value.{name})")
        else:
            given.append(f"{name}=value.{name}")
    source = "\n".join(
        [
            "def convert(value):",
            f"    message = make({', '.join(given)})",
            *values,
            "    return message",
        ]
    )
    exec(compile(source, f"<codec.shape: {descriptor.full_name}>", "exec"), names)
    convert: Converter = names["convert"]
    return convert


def to_message(value: Any) -> Message:
    """An engine value (a result, or any part of one) as its probity.v1 message."""
    return converter(type(value))(value)


def to_basic(value: Any) -> Message:
    """An engine value as its BASIC message: without what the rule set's catalog holds."""
    return converter(type(value), basic=True)(value)


def clear_catalog(message: Message) -> None:
    """Leave out, in place and at every depth, what the catalog gives back."""
    shape = BY_MESSAGE[message.DESCRIPTOR.full_name]
    for name in shape.catalog:
        message.ClearField(name)
    for field in message.DESCRIPTOR.fields:
        if field.message_type is None or field.message_type.full_name not in BY_MESSAGE:
            continue
        if _repeated(field):
            for part in getattr(message, field.name):
                clear_catalog(part)
        elif message.HasField(field.name):
            clear_catalog(getattr(message, field.name))


# -- message → the engine's JSON shape ------------------------------------------------------
def to_dict(message: Message) -> dict[str, Any]:
    """A result message (or any part of one) as the engine's JSON writes the same value:
    its keys in the engine value's order; an answer not given is None; an optional number,
    or a part not there (a KPI's promise), is absent."""
    shape = BY_MESSAGE[message.DESCRIPTOR.full_name]
    by_name = message.DESCRIPTOR.fields_by_name
    shown: dict[str, Any] = {}
    for name in shape.names:
        field = by_name[name]
        optional = field.message_type is None or field.message_type.full_name != _VALUE
        if field.has_presence and optional and not message.HasField(name):
            continue
        shown[name] = _field_to_python(message, field)
    return shown


def _field_to_python(message: Message, field: Field) -> Any:
    part = getattr(message, field.name)
    if field.message_type is None:
        return list(part) if _repeated(field) else part
    if field.message_type.full_name == _VALUE:
        return value_to_python(part) if getattr(message, "given", True) else None
    if _repeated(field):
        return [to_dict(p) for p in part]
    return to_dict(part)


def _repeated(field: Field) -> bool:
    return bool(field.is_repeated)


def _is_map(field: Field) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry
