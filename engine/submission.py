"""Validate a submission's answers against a rule set's declared inputs (pydantic).

The validator is generated once per rule set; a bad answer is reported by its dotted path
and nothing is evaluated.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired, Optional

from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

from engine import codegen, periods
from engine.errors import FieldViolation, SubmissionError
from engine.model import InputSpec
from engine.typecheck import did_you_mean

_BASE: dict[str, Any] = {
    "boolean": bool,
    "integer": int,
    "number": float,
    "string": str,
}


# Answers are numbers of everyday size; orjson cannot write integers beyond 64 bits, and
# durable_rules misreads some extreme floats. Inputs may set narrower bounds.
NUMBER_LIMIT = 10**15
# durable_rules crashes on a text over 16 MB (MAX_OBJECT_PROPERTY_SIZE); answers are far shorter.
TEXT_LIMIT = 100_000
LIST_LIMIT = 1_000


def _bounds(spec: InputSpec) -> tuple[float, float]:
    low = spec.minimum if spec.minimum is not None else -NUMBER_LIMIT
    high = spec.maximum if spec.maximum is not None else NUMBER_LIMIT
    return max(low, -NUMBER_LIMIT), min(high, NUMBER_LIMIT)


def _iso_date(text: str) -> str:
    periods.parse_date(text)  # a real day, not only the right shape
    return text


# A date answer is ISO text ("2026-10-15"); it stays text, so results show it as sent.
_DATE = Annotated[str, Field(min_length=10, max_length=10), AfterValidator(_iso_date)]


def _leaf_type(spec: InputSpec) -> Any:
    if spec.type == "date":
        return _DATE
    if spec.type == "list":
        item = Literal[tuple(spec.allowed or ())]  # type: ignore[valid-type]
        return Annotated[list[item], Field(max_length=LIST_LIMIT)]  # type: ignore[valid-type]
    if spec.type == "string" and spec.allowed:
        return Literal[tuple(spec.allowed)]
    base = _BASE[spec.type]
    if spec.type == "string":
        return Annotated[str, Field(max_length=TEXT_LIMIT)]
    if spec.type == "number":
        low, high = _bounds(spec)
        return Annotated[float, Field(ge=low, le=high, allow_inf_nan=False)]
    if spec.type == "integer":
        low, high = _bounds(spec)
        return Annotated[int, Field(ge=low, le=high)]
    return base


def _typed_dict(name: str, tree: dict[str, Any]) -> Any:
    fields: dict[str, Any] = {}
    for key, node in tree.items():
        if isinstance(node, dict):
            inner = _typed_dict(f"{name}_{key}", node)
            required = any(_any_required(node))
            fields[key] = inner if required else NotRequired[Optional[inner]]  # noqa: UP045
        else:
            leaf = _leaf_type(node)
            fields[key] = leaf if node.required else NotRequired[Optional[leaf]]  # noqa: UP045
    cls = TypedDict(name, fields)  # type: ignore[misc]  # built at run time from the inputs
    return with_config(ConfigDict(extra="forbid", strict=True))(cls)


def _any_required(tree: dict[str, Any]) -> list[bool]:
    out: list[bool] = []
    for node in tree.values():
        out.extend(_any_required(node) if isinstance(node, dict) else [node.required])
    return out


def _flattener_source(table: dict[str, Any]) -> str:
    """A function {nested answers} -> {dotted path: value}; a null answer is not given."""
    lines = ["def flatten(answers):", "    out = {}"]

    def visit(node: dict[str, Any], source: str, depth: int) -> None:
        indent = "    " * depth
        for key, entry in node.items():
            if type(entry) is dict:
                group = f"g{depth}"
                lines.append(f"{indent}{group} = {source}.get({key!r})")
                lines.append(f"{indent}if {group} is not None:")
                visit(entry, group, depth + 1)
                continue
            path, convert = entry
            value = f"{convert.__name__}(v)" if convert else "v"
            lines.append(f"{indent}v = {source}.get({key!r})")
            lines.append(f"{indent}if v is not None:")
            lines.append(f"{indent}    out[{path!r}] = {value}")

    visit(table, "answers", 1)
    lines.append("    return out")
    return "\n".join(lines) + "\n"


class SubmissionValidator:
    """Checks answers and flattens them to {dotted path: value} for present answers."""

    def __init__(self, inputs: list[InputSpec]) -> None:
        tree: dict[str, Any] = {}
        for spec in inputs:
            parts = spec.path.split(".")
            node = tree
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = spec
        self.names = [spec.path for spec in inputs]
        # Each key of the answers leads to a nested table or to (dotted path, converter).
        # Values are normalised so that equal answers are equal values of one type: number
        # answers are floats and lists are tuples (see the finding cache in scoring).
        self._table: dict[str, Any] = {}
        for spec in inputs:
            *parents, last = spec.path.split(".")
            node = self._table
            for part in parents:
                node = node.setdefault(part, {})
            convert = float if spec.type == "number" else tuple if spec.type == "list" else None
            node[last] = (spec.path, convert)
        self._adapter: TypeAdapter[Any] = TypeAdapter(_typed_dict("Answers", tree))
        self._flatten = codegen.build(
            _flattener_source(self._table), "flatten", {}, "answers flattener"
        )

    def validate(self, answers: Any) -> dict[str, Any]:
        try:
            self._adapter.validate_python(answers)
        except ValidationError as exc:
            raise SubmissionError([self._violation(e) for e in exc.errors()]) from None
        values: dict[str, Any] = self._flatten(answers)
        return values

    def _violation(self, error: Any) -> FieldViolation:
        loc = [str(p) for p in error["loc"] if not str(p).startswith(("function-", "literal["))]
        loc = [p for p in loc if p not in ("Answers",) and not p.startswith("Answers_")]
        path = ".".join(loc) or "answers"
        kind = error["type"]
        if kind == "extra_forbidden":
            return FieldViolation(path, "unknown field" + did_you_mean(path, self.names))
        if kind == "missing":
            return FieldViolation(path, "required field is missing")
        return FieldViolation(path, str(error["msg"]).removeprefix("Value error, "))
