"""Each shipped rule set's version says what changed since its last release: the release
each one steps from is kept in `released/` (replace it with the shipped file when a version
is released), and a version that understates the change fails here, as it would be refused
at publish."""

from __future__ import annotations

from pathlib import Path

import pytest

from probity.engine.compiler.model import RuleSetSpec
from probity.engine.compiler.yamlsource import load
from probity.engine.versioning import classify, understated
from tests.conftest import RULES

RELEASED = Path(__file__).parent / "released"


def _spec(text: str) -> RuleSetSpec:
    return RuleSetSpec.model_validate(load(text, "x.yaml")[0])


@pytest.mark.parametrize("path", sorted(RULES.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_shipped_version_does_not_understate_its_change(path: Path) -> None:
    released_text = (RELEASED / path.name).read_text()
    text = path.read_text()
    released, now = _spec(released_text), _spec(text)
    change = classify(released, now, released_text, text)
    assert understated(released.version, now.version, change) is None


def test_every_shipped_rule_set_has_a_release_to_step_from() -> None:
    assert sorted(p.name for p in RELEASED.glob("*.yaml")) == sorted(
        p.name for p in RULES.glob("*.yaml")
    )
