"""The submission validator: the quick flat path must accept exactly what the nested
validator accepts, and give the answers exactly as a plain walk of the paths would."""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import TypeAdapter, ValidationError

from probity.engine.compiler.model import InputSpec
from probity.engine.errors import SubmissionError
from probity.engine.evaluation.submission import SubmissionValidator, _typed_dict
from probity.engine.when.patterns import NONCHARACTERS


def _spec(path: str, kind: str, required: bool = True, **more: Any) -> InputSpec:
    return InputSpec(path=path, type=kind, required=required, description="An answer.", **more)


INPUTS = [
    _spec("org.name", "string"),
    _spec("org.size", "integer", minimum=0),
    _spec("org.extra.rate", "number", required=False, maximum=100),
    _spec("org.extra.since", "date", required=False),
    _spec("policies", "list", required=False, allowed=["a", "b"]),
    _spec("notes.kind", "string", required=False, allowed=["x", "y"]),
    _spec("agreed", "boolean"),
]
VALIDATOR = SubmissionValidator(INPUTS)
STRONG: dict[str, Any] = {"org": {"name": "Acme", "size": 12}, "agreed": True}


def _nested_accepts(answers: Any) -> bool:
    tree: dict[str, Any] = {}
    for spec in INPUTS:
        *parents, last = spec.path.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = spec
    try:
        TypeAdapter(_typed_dict("Answers", tree)).validate_python(answers)
    except ValidationError:
        return False
    return True


def _walk(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers given, by dotted path, as evaluation expects them."""
    out: dict[str, Any] = {}
    for spec in INPUTS:
        node: Any = answers
        for part in spec.path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            convert = {"number": float, "list": tuple}.get(spec.type)
            out[spec.path] = convert(node) if convert else node
    return out


def _refused(answers: Any) -> list[tuple[str, str]]:
    with pytest.raises(SubmissionError) as caught:
        VALIDATOR.validate(answers)
    return [(v.field, v.reason) for v in caught.value.violations]


def test_answers_come_out_flat_with_numbers_as_floats_and_lists_as_tuples() -> None:
    answers = {**STRONG, "org": {**STRONG["org"], "extra": {"rate": 7}}, "policies": ["b"]}
    values = VALIDATOR.validate(answers)
    assert values == {
        "org.name": "Acme",
        "org.size": 12,
        "org.extra.rate": 7.0,
        "policies": ("b",),
        "agreed": True,
    }
    assert type(values["org.extra.rate"]) is float


def test_a_null_answer_or_group_is_not_given() -> None:
    values = VALIDATOR.validate({**STRONG, "policies": None, "notes": None})
    assert "policies" not in values and "notes.kind" not in values


def test_an_unknown_key_is_refused_where_every_key_is_required() -> None:
    # As many keys as the group knows, so only the names tell the typo apart.
    assert _refused({**STRONG, "org": {"name": "Acme", "sizes": 12}}) == [
        ("org.size", "required field is missing"),
        ("org.sizes", "unknown field; did you mean 'org.size'?"),
    ]


def test_an_unknown_key_is_refused_beside_optional_answers() -> None:
    assert _refused({**STRONG, "notes": {"knd": "x"}}) == [
        ("notes.knd", "unknown field; did you mean 'notes.kind'?")
    ]
    assert _refused({**STRONG, "extra_answer": 1})[0][0] == "extra_answer"


def test_text_holding_a_noncharacter_is_refused_in_words() -> None:
    """`matches` stands noncharacters for what JSON escapes; a text holding one could be
    matched as a quote or a tab, so it is refused (a quote or a tab itself is fine)."""
    assert _refused({**STRONG, "org": {"name": "Acme\ufdd0", "size": 1}}) == [
        ("org.name", "holds a character Unicode reserves for internal use (U+FDD0); remove it")
    ]
    assert _refused({**STRONG, "org": {"name": "\U0001ffff", "size": 1}})[0][0] == "org.name"
    assert VALIDATOR.validate({**STRONG, "org": {"name": 'A "b"\t\\', "size": 1}})


def test_a_group_that_is_not_an_object_is_refused() -> None:
    assert _refused({**STRONG, "notes": "x"})[0][0] == "notes"


def test_objects_of_a_dict_subclass_are_read_as_dicts() -> None:
    answers = OrderedDict(STRONG, org=OrderedDict(name="Acme", size=3))
    assert VALIDATOR.validate(answers)["org.size"] == 3


_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 200),
    st.floats(allow_nan=True),
    st.sampled_from(["Acme", "x", "a", "2026-02-30", ""]),
    st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
)


def _mostly(good: Any, *other: Any) -> Any:
    """good three times in four, else one of the others (one_of would weigh each branch of
    each strategy alike, and _leaf has six)."""
    choices = [good, good, good, *other]
    return st.integers(0, len(choices) - 1).flatmap(lambda n: choices[n])


def _answer(good: Any) -> Any:
    """Mostly a good answer, sometimes any value at all."""
    return _mostly(good, _leaf)


def _group(children: dict[str, Any], optional: dict[str, Any]) -> Any:
    """Mostly a good group; sometimes with keys missing or misspelt, or a plain value."""
    misspelt = st.fixed_dictionaries({}, optional={**children, **optional, "misspelt": _leaf})
    return _mostly(st.fixed_dictionaries(children, optional=optional), _leaf, misspelt)


_answers = st.fixed_dictionaries(
    {
        "org": _group(
            {
                "name": _answer(st.text(max_size=6)),
                "size": _answer(st.integers(0, 10**16)),
            },
            {
                "extra": _group(
                    {},
                    {
                        "rate": _answer(st.none() | st.integers(0, 100) | st.floats(0, 100)),
                        "since": _answer(st.sampled_from(["2026-01-15", "2024-02-29", None])),
                    },
                ),
            },
        ),
        "agreed": _answer(st.booleans()),
    },
    optional={
        "policies": _answer(st.none() | st.lists(st.sampled_from(["a", "b"]), max_size=3)),
        "notes": _group({}, {"kind": _answer(st.sampled_from(["x", "y", None]))}),
        "misspelt": _leaf,
    },
)


@settings(max_examples=500, deadline=None)
@given(_answers)
def test_the_flat_path_accepts_what_the_nested_validator_accepts(answers: dict[str, Any]) -> None:
    try:
        values = VALIDATOR.validate(answers)
    except SubmissionError as exc:
        assert not _nested_accepts(answers)
        assert exc.violations and all(v.field and v.reason for v in exc.violations)
    else:
        assert _nested_accepts(answers)
        assert values == _walk(answers)
        assert [type(v) for v in values.values()] == [type(v) for v in _walk(answers).values()]


# -- the input schema: what the validator accepts, as JSON Schema ----------------------------
SCHEMA = Draft202012Validator(
    VALIDATOR.json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
)


def _whole_floats(node: Any) -> bool:
    """JSON cannot tell 5.0 from 5; the validator takes a float only where a number is.
    Nor has JSON NaN or infinity, so the schema cannot speak of them (the validator
    refuses them)."""
    if isinstance(node, dict):
        return any(_whole_floats(v) for v in node.values())
    if isinstance(node, list):
        return any(_whole_floats(v) for v in node)
    return isinstance(node, float) and (node.is_integer() or not math.isfinite(node))


@settings(max_examples=500, deadline=None)
@given(_answers)
def test_the_input_schema_accepts_what_the_validator_accepts(answers: dict[str, Any]) -> None:
    """Issue 20: a portal learns what to send from GetRuleset's input schema, checked here
    with a JSON Schema library against the validator itself."""
    assume(not _whole_floats(answers))
    assume(not NONCHARACTERS.search(repr(answers)))  # refused beyond the schema, in words
    assert SCHEMA.is_valid(answers) == _nested_accepts(answers), list(SCHEMA.iter_errors(answers))


def test_the_input_schema_says_each_answer_in_words() -> None:
    declared_spec = _spec(
        "coi.declared",
        "boolean",
        label="Interests declared",
        question="Have you declared your interests?",
    )
    schema = SubmissionValidator([declared_spec]).json_schema()
    declared = schema["$defs"]["Answers_coi"]["properties"]["declared"]
    assert declared == {
        "type": "boolean",
        "title": "Interests declared",
        "description": "Have you declared your interests?",
    }
    assert schema["required"] == ["coi"] and schema["additionalProperties"] is False
