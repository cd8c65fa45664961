"""The declared inputs: what a submission (or a monitoring return) must answer, and their
types for checking every `when` against."""

from __future__ import annotations

from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.model import RuleSetSpec
from probity.engine.errors import Code
from probity.engine.when.typecheck import FieldType


def check_inputs(diagnostics: Diagnostics, spec: RuleSetSpec) -> dict[str, FieldType]:
    types: dict[str, FieldType] = {}
    diagnostics.duplicates("inputs", (i.path for i in spec.inputs), "input path")
    paths = {i.path for i in spec.inputs}
    for index, item in enumerate(spec.inputs):
        where = ("inputs", index)
        for other in paths:
            if other.startswith(item.path + "."):
                diagnostics.fail(
                    Code.INPUT, where, f"'{item.path}' cannot be a value and hold '{other}' too"
                )
        if item.max_length is not None and item.type not in ("string", "text"):
            diagnostics.fail(
                Code.INPUT, (*where, "max_length"), "'max_length' is for text inputs only"
            )
        if item.type == "text" and item.max_length is None:
            diagnostics.fail(
                Code.INPUT,
                where,
                "a text input needs 'max_length': the most characters an answer may have "
                "(the tender's word limit, in characters)",
            )
        if item.allowed is not None and item.type not in ("string", "list"):
            diagnostics.fail(
                Code.INPUT, (*where, "allowed"), "'allowed' is for text and list inputs only"
            )
        if item.type == "list" and not item.allowed:
            diagnostics.fail(
                Code.INPUT, where, "a list input needs 'allowed': the values its items may take"
            )
        _check_labels(diagnostics, where, item.allowed, item.labels)
        if (item.minimum is not None or item.maximum is not None) and item.type not in (
            "integer",
            "number",
        ):
            diagnostics.fail(
                Code.INPUT, where, "'minimum' and 'maximum' are for number inputs only"
            )
        if item.question is None:
            diagnostics.warn(
                Code.QUESTION,
                where,
                f"input '{item.path}' has no 'question': write the question the bidder "
                "answered, so that findings and summaries can say what was asked",
            )
        # A narrative answer reads as any text does in a condition.
        kind = "string" if item.type == "text" else item.type
        types[item.path] = FieldType(kind, tuple(item.allowed or ()))
    return types


def _check_labels(
    diagnostics: Diagnostics,
    where: tuple[str | int, ...],
    allowed: list[str] | None,
    labels: dict[str, str] | None,
) -> None:
    """Labels name allowed values, and every allowed value that is not already words (a
    code such as co_designed) has one: bidders never read a code."""
    if labels is not None and allowed is None:
        diagnostics.fail(Code.INPUT, (*where, "labels"), "'labels' name the 'allowed' values")
        return
    unknown = sorted(set(labels or {}) - set(allowed or ()))
    for value in unknown:
        diagnostics.fail(
            Code.INPUT, (*where, "labels", value), f"'{value}' is not one of the allowed values"
        )
    coded = [v for v in allowed or () if not _reads_as_words(v) and v not in (labels or {})]
    if coded:
        diagnostics.warn(
            Code.INPUT,
            (*where, "allowed"),
            f"give 'labels' for {', '.join(coded)}: how each reads for bidders (a code is "
            "never shown to them)",
        )


def _reads_as_words(value: str) -> bool:
    return all(part.isalpha() for part in value.split()) and value == value.strip()
