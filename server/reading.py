"""Requests read leniently: bytes protobuf refuses become an `Unreadable` value naming the
field at fault, so a handler refuses that one request, or that one stream item, with
INVALID_ARGUMENT, where grpc would end the whole call with INTERNAL ("Exception
deserializing request!") and no field path.

Only what protobuf refused is walked here (the fast path is protobuf's own parser): a small
reader of the wire format, guided by the message's descriptor, finds the first field that
cannot be read and says why in words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as _default
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import DecodeError

# protobuf's own nesting limit (upb's default depth, and the Python runtime's): messages
# within messages, a Struct's fields and values each counting one. Deeper is refused. For
# answers and measures that is 32 levels of objects and lists (stated in probity.v1).
MAX_NESTING = 100
MAX_VALUE_NESTING = 32
_STRUCT = "google.protobuf.Struct"
_VALUE = "google.protobuf.Value"
_LIST = "google.protobuf.ListValue"
_VARINT, _FIXED64, _LENGTH, _FIXED32 = 0, 1, 2, 5
_IDS = ("submission.id", "contract.contract_id")  # how a stream's answer names its item


@dataclass(frozen=True)
class Unreadable:
    """A request protobuf cannot parse: the field at fault (a request path, as in a
    BadRequest field violation), why in words, and the ids it holds that could be read."""

    field: str
    reason: str
    ids: dict[str, str] = _default(default_factory=dict)

    def ident(self) -> str:
        """The id of the submission or contract this request was, if it could be read."""
        return next((self.ids[name] for name in _IDS if name in self.ids), "")


class _Broken(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


def lenient(message_class: Any) -> Callable[[bytes], Any]:
    """A request deserializer: the message, or Unreadable where protobuf refuses it."""

    def read(data: bytes) -> Any:
        try:
            return message_class.FromString(data)
        except DecodeError:
            return locate(message_class.DESCRIPTOR, data)

    return read


def locate(descriptor: Descriptor, data: bytes) -> Unreadable:
    """Why `data` is not a readable `descriptor` message, at the first field at fault."""
    walk = _Walk()
    try:
        walk.message(descriptor, data, [], 0, None)
    except _Broken as broken:
        return Unreadable(broken.path or "request", broken.reason, walk.ids)
    # Protobuf refused what this reader takes: say so without guessing at a field.
    return Unreadable("request", f"cannot be read as a {descriptor.full_name} message", walk.ids)


@dataclass
class _Walk:
    ids: dict[str, str] = _default(default_factory=dict)

    def message(
        self, descriptor: Descriptor, data: bytes, path: list[str], depth: int, anchor: int | None
    ) -> None:
        """Check one message's fields. `anchor`: how much of the path to name when nesting
        is too deep (up to the answer's own key, not the hundred levels below it)."""
        counts: dict[int, int] = {}
        for number, wire_type, value in _fields(data, path, descriptor):
            described = descriptor.fields_by_number.get(number)
            if described is None:
                continue  # an unknown field: protobuf keeps it and nothing reads it
            index = counts.get(number, 0)
            counts[number] = index + 1
            self.field(descriptor, described, index, wire_type, value, path, depth, anchor)

    def field(
        self,
        container: Descriptor,
        described: FieldDescriptor,
        index: int,
        wire_type: int,
        value: Any,
        path: list[str],
        depth: int,
        anchor: int | None,
    ) -> None:
        here = path + _step(container, described, index)
        if described.type == FieldDescriptor.TYPE_STRING and wire_type == _LENGTH:
            self.text(value, here)
        elif described.type == FieldDescriptor.TYPE_MESSAGE and wire_type == _LENGTH:
            inner = described.message_type
            assert inner is not None  # a message field's type
            if inner.full_name == _STRUCT and anchor is None:
                anchor = len(here) + 1  # up to the answer's own key
            self.child(inner, value, here, depth + 1, anchor)

    def child(
        self, descriptor: Descriptor, data: bytes, path: list[str], depth: int, anchor: int | None
    ) -> None:
        if depth > MAX_NESTING:
            cut = path if anchor is None else path[:anchor]
            reason = f"is nested too deeply (values may nest at most {MAX_VALUE_NESTING} levels)"
            raise _Broken(_text(cut), reason)
        if descriptor.GetOptions().map_entry:
            self.entry(descriptor, data, path, depth, anchor)
        else:
            self.message(descriptor, data, path, depth, anchor)

    def entry(
        self, descriptor: Descriptor, data: bytes, path: list[str], depth: int, anchor: int | None
    ) -> None:
        """A map entry, named by its key: `answers.coi`, not `answers.fields.value`."""
        key, value = "", None
        for number, wire_type, item in _fields(data, path, None):
            if number == 1 and wire_type == _LENGTH:
                key = self.text(item, path)
            elif number == 2:
                value = (wire_type, item)
        if value is not None:
            map_of = descriptor.containing_type
            in_struct = map_of is not None and map_of.full_name == _STRUCT
            named = [*path, f".{key}" if in_struct else f"[{key!r}]"]
            described = descriptor.fields_by_number[2]
            self.field(descriptor, described, 0, *value, named, depth, anchor)

    def text(self, value: bytes, path: list[str]) -> str:
        try:
            decoded = value.decode("utf-8")
        except UnicodeDecodeError:
            raise _Broken(_text(path), "is not valid text (UTF-8)") from None
        name = _text(path)
        if name in _IDS:
            self.ids[name] = decoded
        return decoded


def _step(container: Descriptor, described: FieldDescriptor, index: int) -> list[str]:
    """The path step to a field: `.name`, `[index]` in a list; nothing for a Struct's
    wrappers (a Value's struct_value, a Struct's fields), so paths read as the answers do."""
    if container.full_name in (_VALUE, _STRUCT) or container.GetOptions().map_entry:
        return []
    if container.full_name == _LIST:
        return [f"[{index}]"]
    step = [f".{described.name}"]
    is_map = described.message_type is not None and described.message_type.GetOptions().map_entry
    if described.is_repeated and not is_map:
        step.append(f"[{index}]")
    return step


def _text(path: list[str]) -> str:
    return "".join(path).lstrip(".")


def _fields(
    data: bytes, path: list[str], descriptor: Descriptor | None
) -> Iterator[tuple[int, int, Any]]:
    """(field number, wire type, value) for each field of a message's bytes; a field that
    ends early is named (when `descriptor` knows it), else the message holding it."""
    position, end = 0, len(data)
    where = _text(path)
    while position < end:
        key, position = _varint(data, position, where)
        number, wire_type = key >> 3, key & 7
        value: Any
        if number == 0:
            raise _Broken(where, "holds a field numbered 0, which protobuf does not allow")
        known = descriptor.fields_by_number.get(number) if descriptor else None
        here = _text([*path, f".{known.name}"]) if known else where
        if wire_type == _VARINT:
            value, position = _varint(data, position, here)
        elif wire_type in (_FIXED64, _FIXED32):
            size = 8 if wire_type == _FIXED64 else 4
            value, position = data[position : position + size], position + size
        elif wire_type == _LENGTH:
            size, position = _varint(data, position, here)
            value, position = data[position : position + size], position + size
        else:
            raise _Broken(where, "holds a part protobuf cannot read (a group or a bad tag)")
        if position > end:
            raise _Broken(here, "ends early (the message is cut short)")
        yield number, wire_type, value


def _varint(data: bytes, position: int, where: str) -> tuple[int, int]:
    result, shift = 0, 0
    while position < len(data) and shift < 70:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
    raise _Broken(where, "ends early (the message is cut short)")
