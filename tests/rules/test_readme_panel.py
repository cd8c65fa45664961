"""rules/README.md teaches `scored_by: panel` with a worked example (issue 34): the extract
it shows is in tests/fixtures/panel.yaml word for word, and that rule set's own tests pass."""

from __future__ import annotations

import re

from probity.engine.compiler.pipeline import compile_text
from probity.engine.registry import library_of
from probity.engine.testing import run_tests
from tests.conftest import FIXTURES, RULES


def _extract() -> str:
    readme = (RULES / "README.md").read_text()
    section = readme.split("### Criteria the evaluation panel scores", 1)[1]
    found = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert found is not None
    return found.group(1)


def test_the_readmes_panel_example_is_the_fixture_and_its_tests_pass() -> None:
    text = (FIXTURES / "panel.yaml").read_text()
    inputs, criteria = _extract().split("criteria:\n")
    for line in inputs.splitlines()[1:] + criteria.splitlines():
        assert line in text, line
    ruleset = compile_text(text, "panel.yaml", library_of(FIXTURES))
    report = run_tests(ruleset)
    assert len(report.cases) == 3 and all(not c.failures for c in report.cases)
