"""Turn pydantic's validation errors on a rule file into sentences a policy officer can act on."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from probity.engine.compiler.model import PATTERNS


def model_fields(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """Names of the keys allowed where `loc` points, for 'did you mean'."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if field is None:
            return []
        current = inner_model(field.annotation)
    return list(current.model_fields) if hasattr(current, "model_fields") else []


def inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = inner_model(arg)
        if found is not None:
            return found
    return None


def without_tag(loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], str | None]:
    """pydantic puts a breach pattern's name in the location of errors inside it
    (criteria.3.breach.rising.periods): the location as written, and that pattern."""
    for n in range(1, len(loc)):
        if loc[n - 1] == "breach" and loc[n] in PATTERNS:
            return loc[:n] + loc[n + 1 :], str(loc[n])
    return loc, None


def pattern_fields(pattern: str) -> list[str]:
    return list(PATTERNS[pattern].model_fields)


def friendly(error: Any) -> str:
    kind, loc, given = error["type"], error["loc"], error.get("input")
    name = str(loc[-1]) if loc else "value"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        choices = ", ".join(PATTERNS)
        if kind == "union_tag_not_found":
            return f"a breach needs 'pattern': one of {choices}"
        return f"unknown pattern {error['ctx']['tag']!r}; use one of {choices}"
    if kind == "missing":
        return f"'{name}' is required here"
    if kind == "string_pattern_mismatch":
        pattern = error["ctx"]["pattern"]
        hints = {
            "^[a-z][a-z0-9_]*$": "use lower-case letters, digits and _ (e.g. public_interest)",
            "^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$": "use capitals, digits and - (e.g. INT-01)",
            "^[a-z][a-z0-9]*(-[a-z0-9]+)*$": "use lower-case letters, digits and - (e.g. nolan)",
        }
        if name == "version":
            hint = "use a version like 1.2.0 or 2.0.0-rc.1 (no leading zeros)"
        else:
            hint = hints.get(pattern, "use lower-case dotted names (e.g. coi.declared)")
        return f"{given!r} is not a valid {name}: {hint}"
    if kind == "literal_error":
        return f"{given!r} is not allowed here; use one of {error['ctx']['expected']}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {given!r}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {given!r}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {given!r}"
    if kind in ("string_type", "string_too_short"):
        return f"expected a text, got {given!r}" if given not in ("", None) else "this is empty"
    if kind == "list_type":
        return "expected a list (lines starting with '- ')"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "expected a block of 'key: value' lines"
    if kind == "string_too_long":
        return f"'{name}' may be at most {error['ctx']['max_length']} characters"
    if kind == "too_short":
        return f"'{name}' needs at least one entry"
    return str(error["msg"])
