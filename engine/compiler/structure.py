"""The first stage: the file's shape against the rule-file model (pydantic), in sentences."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.model import RuleSetSpec
from probity.engine.compiler.schema_errors import (
    friendly,
    inner_model,
    model_fields,
    pattern_fields,
    without_tag,
)
from probity.engine.errors import Code
from probity.engine.when.typecheck import did_you_mean

_SECTIONS = ("inputs", "principles", "criteria", "bands", "ratings", "tests")


def validate(diagnostics: Diagnostics, data: Any) -> RuleSetSpec | None:
    """The rule file as a model; or, with structural problems reported, None."""
    if not isinstance(data, dict):
        diagnostics.fail(
            Code.SCHEMA, (), "a rule file is a block of 'key: value' lines (id, version, title, …)"
        )
        return None
    try:
        return RuleSetSpec.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            _structural(diagnostics, error)
    return None


def _structural(diagnostics: Diagnostics, error: Any) -> None:
    loc, pattern = without_tag(tuple(error["loc"]))
    if error["type"] == "extra_forbidden":
        known = pattern_fields(pattern) if pattern else model_fields(RuleSetSpec, loc[:-1])
        hint = did_you_mean(str(loc[-1]), known)
        diagnostics.fail(Code.SCHEMA, loc, f"unknown key '{loc[-1]}'{hint}", key=True)
    elif error["type"] == "missing":
        diagnostics.fail(Code.SCHEMA, loc[:-1], friendly(error), key=True)
    else:
        diagnostics.fail(Code.SCHEMA, loc, friendly(error))


def sound_parts(data: dict[str, Any]) -> RuleSetSpec | None:
    """When the file has structural problems, the parts that are sound, so that later stages
    still find the problems in them (None if even those do not make a rule set)."""
    sound = dict(data)
    for section in _SECTIONS:
        items = data.get(section)
        if not isinstance(items, list):
            continue
        field = RuleSetSpec.model_fields[section].annotation
        item_model = inner_model(field)
        kept = []
        for item in items:
            try:
                kept.append(item_model.model_validate(item))
            except ValidationError:
                continue
        sound[section] = kept
    try:
        return RuleSetSpec.model_validate(sound)
    except ValidationError:
        return None
