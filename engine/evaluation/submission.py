"""Validate a submission's answers against a rule set's declared inputs (pydantic).

The validator is generated once per rule set; a bad answer is reported by its dotted path
and nothing is evaluated.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired, Optional

from pydantic import (
    AfterValidator,
    AliasPath,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    with_config,
)
from typing_extensions import TypedDict

from probity.engine import periods
from probity.engine.compiler import panel
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.model import InputSpec
from probity.engine.errors import FieldViolation, SubmissionError
from probity.engine.evaluation import codegen
from probity.engine.when.patterns import NONCHARACTERS
from probity.engine.when.typecheck import did_you_mean

_BASE: dict[str, Any] = {
    "boolean": bool,
    "integer": int,
    "number": float,
    "string": str,
}


# Answers are numbers of everyday size; orjson cannot write integers beyond 64 bits, and
# durable_rules misreads some extreme floats. Inputs may set narrower bounds.
NUMBER_LIMIT = 10**15
# durable_rules' regex engine reads at most 65,535 bytes of a text (its length is an
# unsigned short: a longer text never matches a pattern); 10,000 characters are at most
# 40,000 bytes of UTF-8, even as a pattern sees them (engine.when.patterns).
TEXT_LIMIT = 10_000
LIST_LIMIT = 1_000


def _bounds(spec: InputSpec) -> tuple[float, float]:
    low = spec.minimum if spec.minimum is not None else -NUMBER_LIMIT
    high = spec.maximum if spec.maximum is not None else NUMBER_LIMIT
    return max(low, -NUMBER_LIMIT), min(high, NUMBER_LIMIT)


def _text(text: str) -> str:
    """Free text holds no noncharacters: Unicode reserves them for a program's internal use,
    so no text a person writes needs them."""
    found = NONCHARACTERS.search(text)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        raise ValueError(f"holds a character Unicode reserves for internal use ({code}); remove it")
    return text


_TEXT = Annotated[str, Field(max_length=TEXT_LIMIT), AfterValidator(_text)]


def _iso_date(text: str) -> str:
    periods.parse_date(text)  # a real day, not only the right shape
    return text


# A date answer is ISO text ("2026-10-15"); it stays text, so results show it as sent.
_DATE = Annotated[
    str,
    Field(min_length=10, max_length=10, json_schema_extra={"format": "date"}),
    AfterValidator(_iso_date),
]


def _leaf_type(spec: InputSpec) -> Any:
    if spec.type == "date":
        return _DATE
    if spec.type == "list":
        item = Literal[tuple(spec.allowed or ())]  # type: ignore[valid-type]
        return Annotated[list[item], Field(max_length=LIST_LIMIT)]  # type: ignore[valid-type]
    if spec.type == "string" and spec.allowed:
        return Literal[tuple(spec.allowed)]
    if spec.type in ("string", "text"):
        if spec.max_length is None:
            return _TEXT
        return Annotated[str, Field(max_length=spec.max_length), AfterValidator(_text)]
    base = _BASE[spec.type]
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
            # Its label and question describe it in the JSON Schema (input_schema).
            said = Field(title=node.label, description=node.question or node.description)
            leaf: Any = Annotated[_leaf_type(node), said]
            fields[key] = leaf if node.required else NotRequired[Optional[leaf]]  # noqa: UP045
    cls = TypedDict(name, fields)  # type: ignore[misc]  # built at run time from the inputs
    return with_config(ConfigDict(extra="forbid", strict=True))(cls)


def _any_required(tree: dict[str, Any]) -> list[bool]:
    out: list[bool] = []
    for node in tree.values():
        out.extend(_any_required(node) if isinstance(node, dict) else [node.required])
    return out


def _flat_typed_dict(inputs: list[InputSpec]) -> Any:
    """The same answers read straight into {dotted path: value}: each field found by its
    path (AliasPath), with the same types as _typed_dict. It does not see keys it does not
    know, nor groups that are not objects: _shape_source checks those."""
    fields: dict[str, Any] = {}
    for spec in inputs:
        alias = Field(validation_alias=AliasPath(*spec.path.split(".")))
        if spec.required:
            fields[spec.path] = Annotated[_leaf_type(spec), alias]
        else:
            fields[spec.path] = NotRequired[Annotated[Optional[_leaf_type(spec)], alias]]  # noqa: UP045
    cls = TypedDict("FlatAnswers", fields)  # type: ignore[misc]  # built at run time
    return with_config(ConfigDict(strict=True))(cls)


def _shape_source(tree: dict[str, Any]) -> tuple[str, dict[str, frozenset[str]]]:
    """shape(answers) -> whether the answers and each group in them are objects (a group
    with no required answers may also be absent or null) holding only known keys; and the
    known-key sets it reads. For answers the flat validator accepted: every required
    answer is there, so a group whose keys are all required has no others if it has just
    as many keys."""
    known: dict[str, frozenset[str]] = {}
    lines = ["def shape(answers):"]

    def visit(node: dict[str, Any], source: str, required: bool) -> None:
        name = f"K{len(known)}"
        known[name] = frozenset(node)
        if all(any(_any_required(e)) if isinstance(e, dict) else e.required for e in node.values()):
            unknown = f"len({source}) != {len(node)}"
        else:
            unknown = f"not {name}.issuperset({source})"
        test = f"type({source}) is not dict or {unknown}"
        if not required:
            test = f"{source} is not None and ({test})"
        lines.append(f"    if {test}:")
        lines.append("        return False")
        for key, entry in node.items():
            if isinstance(entry, dict):
                group = f"g{len(known)}"
                # An optional group may be absent, and so then is every group inside it.
                read = f"{source}.get({key!r})"
                lines.append(
                    f"    {group} = {read}" if required else f"    {group} = {source} and {read}"
                )
                visit(entry, group, required and any(_any_required(entry)))

    visit(tree, "answers", True)
    lines.append("    return True")
    return "\n".join(lines) + "\n", known


def _finish_source(inputs: list[InputSpec]) -> str:
    """finish(values) -> the flat answers as flatten() gives them: a null answer not given,
    lists as tuples (pydantic already gives number answers as floats)."""
    lines = ["def finish(values):"]
    for spec in inputs:
        if not spec.required:
            lines.append(f"    if values.get({spec.path!r}, 0) is None:")
            lines.append(f"        del values[{spec.path!r}]")
        if spec.type == "list":
            lines.append(f"    v = values.get({spec.path!r})")
            lines.append("    if v is not None:")
            lines.append(f"        values[{spec.path!r}] = tuple(v)")
    lines.append("    return values")
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
        # Two pydantic validators of the same inputs. The flat one reads each answer by its
        # path straight into {dotted path: value}, for evaluation; it is a third quicker and
        # needs no flattening after, but cannot see unknown keys, which a generated check
        # looks for. The nested one mirrors the answers' shape: whatever the flat one or the
        # check refuses, it reports, every problem at its path (tests hold them equal).
        self._flat: TypeAdapter[Any] = TypeAdapter(_flat_typed_dict(inputs))
        self._nested: TypeAdapter[Any] = TypeAdapter(_typed_dict("Answers", tree))
        shape, known = _shape_source(tree)
        self._shape = codegen.build(shape, "shape", known, "answers shape check")
        self._finish = codegen.build(_finish_source(inputs), "finish", {}, "answers finisher")

    def json_schema(self) -> dict[str, Any]:
        """The answers this validator accepts, as JSON Schema (2020-12, pydantic's own):
        types, bounds, allowed values, required answers, no other keys; each answer titled
        by its label and described by its question. (Texts holding Unicode noncharacters,
        and impossible dates, are refused beyond what the schema says.)"""
        schema = self._nested.json_schema()
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}

    def validate(self, answers: Any) -> dict[str, Any]:
        """{dotted path: value} of the answers given, numbers as floats and lists as
        tuples (so that equal answers are equal values, for the finding cache in scoring);
        or SubmissionError naming each field that is wrong."""
        try:
            flat = self._flat.validate_python(answers)
        except ValidationError as exc:
            self._refuse(answers)
            raise self._error(exc) from None  # only if the two disagree: tests say never
        if not self._shape(answers):
            self._refuse(answers)  # e.g. an answer the rule set does not ask for
        values: dict[str, Any] = self._finish(flat)
        return values

    def _refuse(self, answers: Any) -> None:
        """Raise SubmissionError with every problem the nested validator finds, if any."""
        try:
            self._nested.validate_python(answers)
        except ValidationError as exc:
            raise self._error(exc) from None

    def _error(self, exc: ValidationError) -> SubmissionError:
        return SubmissionError([self._violation(e) for e in exc.errors()])

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


def input_schema(ruleset: CompiledRuleSet) -> dict[str, Any]:
    """The JSON Schema of a rule set version's answers (SubmissionValidator.json_schema),
    titled with its id and version."""
    # Not the evaluation panel's scores (compiler.panel): they come from its records, and
    # a portal sending them is refused.
    asked = [i for i in ruleset.spec.inputs if not panel.is_panel_answer(i.path)]
    schema = SubmissionValidator(asked).json_schema()
    return {**schema, "title": f"Answers for {ruleset.id} {ruleset.version}"}
