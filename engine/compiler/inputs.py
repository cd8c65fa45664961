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
        if item.allowed is not None and item.type not in ("string", "list"):
            diagnostics.fail(
                Code.INPUT, (*where, "allowed"), "'allowed' is for text and list inputs only"
            )
        if item.type == "list" and not item.allowed:
            diagnostics.fail(
                Code.INPUT, where, "a list input needs 'allowed': the values its items may take"
            )
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
        types[item.path] = FieldType(item.type, tuple(item.allowed or ()))
    return types
