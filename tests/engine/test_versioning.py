"""A change's kind, and the least version it calls for: each rule of rules/README.md's
'Versions' at its boundary, and a property over random edits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from probity.engine.compiler.model import RuleSetSpec
from probity.engine.compiler.yamlsource import load
from probity.engine.versioning import Classified, classify, least_version, understated
from tests.conftest import FIXTURES

MINI = (FIXTURES / "mini.yaml").read_text()


def _kind(edited: str) -> tuple[str, tuple[str, ...]]:
    old, new = (RuleSetSpec.model_validate(load(t, "m.yaml")[0]) for t in (MINI, edited))
    change = classify(old, new, MINI, edited)
    return change.kind, change.reasons


def _first_criterion_line(key: str) -> str:
    return next(line for line in MINI.splitlines() if line.strip().startswith(key))


def test_words_only_are_a_patch_and_nothing_is_none() -> None:
    assert _kind(MINI) == ("none", ())
    assert _kind(MINI + "# a comment\n")[0] == "patch"
    title = _first_criterion_line("title:")
    assert _kind(MINI.replace(title, title + " (reworded)", 1))[0] == "patch"


def test_a_new_required_input_or_a_removed_criterion_is_major() -> None:
    inputs = MINI.index("inputs:\n") + len("inputs:\n")
    added = (
        MINI[:inputs]
        + "  - {path: extra.answer, type: boolean, description: a new answer}\n"
        + MINI[inputs:]
    )
    kind, reasons = _kind(added)
    assert kind == "major" and reasons == ("a required answer added: a new answer",)
    optional = added.replace(
        "description: a new answer}", "required: false, description: a new answer}"
    )
    assert _kind(optional)[0] == "minor"


def test_a_weight_or_threshold_is_minor() -> None:
    assert _kind(MINI.replace("min_total: 70", "min_total: 75"))[0] == "minor"


def test_the_least_version_for_each_kind() -> None:
    assert least_version("1.3.0", "major") == "2.0.0"
    assert least_version("1.3.2", "minor") == "1.4.0"
    assert least_version("1.3.2", "patch") == "1.3.3"
    old = RuleSetSpec.model_validate(load(MINI, "m.yaml")[0])
    change = classify(old, old, MINI, MINI + "# note\n")
    assert understated("1.0.0", "1.0.0", change) == (
        "this is a patch change from 1.0.0 (only words changed (or comments, or tests)), so "
        "its version must be at least 1.0.1, not 1.0.0"
    )
    assert understated("1.0.0", "1.0.1", change) is None


@settings(max_examples=200, deadline=None)
@given(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)),
    st.sampled_from(["patch", "minor", "major"]),
)
def test_a_version_passes_exactly_when_it_is_at_least_the_least(
    old: tuple[int, int, int], new: tuple[int, int, int], kind: str
) -> None:
    before, after = ".".join(map(str, old)), ".".join(map(str, new))
    least = tuple(int(p) for p in least_version(before, kind).split("."))  # type: ignore[arg-type]
    refused = understated(before, after, Classified(kind, ("x",)))  # type: ignore[arg-type]
    assert (refused is None) == (new >= least)
