"""engine.evaluation.acceptance: a condition durable_rules refuses, at its line in words."""

from __future__ import annotations

import json
import subprocess
import sys

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.errors import Code
from probity.engine.evaluation.refusals import REFUSED, refusals
from tests.conftest import FIXTURES, ROOT

# In a fresh process: whether durable_rules refuses this pattern depends on what the
# process registered before (after other tests it may take it).
_SCRIPT = """
import json, sys
from dataclasses import replace
from probity.engine.compiler.pipeline import load_file
from probity.engine.evaluation.refusals import refusals

mini = load_file(sys.argv[1])
name = next(iter(mini.rules))
refused = {"all": [{"m": {"$mt": {"a": "ab+(a|b)b+(a|b)?[0-9]a[0-9](a|b)(a|b)[0-9]"}}}]}
broken = replace(
    mini,
    rules={**mini.rules, name: refused},
    partitions=({**mini.partitions[0], name: refused},),
    digest="0" * 64,
)
found = refusals(broken)
print(json.dumps([[p.line, p.col, p.message, p.code] for p in found] + [mini.rule_positions[name]]))
"""


def test_a_condition_durable_rules_refuses_is_reported_at_its_line(mini: CompiledRuleSet) -> None:
    """No condition the compiler writes is known to be refused now that patterns are matched
    outside durable_rules; this pattern, given to it directly, was ("error code: 503"), and
    stands for whatever it may refuse next."""
    run = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(FIXTURES / "mini.yaml")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    *problems, position = json.loads(run.stdout)
    ((line, col, message, code),) = problems
    assert [line, col] == position
    assert message == REFUSED and code == Code.ENGINE_REFUSED
    assert refusals(mini) == []
