"""The full result JSON of each shipped example, byte for byte.

A change to the engine or to a rule set that alters any result (a score, an explanation, the
order of fields) fails here. If the change is intended, regenerate and review the diff:
    PROBITY_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/rules/test_golden_results.py
"""

from __future__ import annotations

import json
import os

import pytest

from engine.compiled import CompiledRuleSet
from engine.evaluator import Evaluator, Submission
from engine.monitor import Monitor
from engine.monitoring_result import contract_json
from engine.result import to_json
from engine.ruleset import load_file
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize("example", ["strong", "weak", "excluded"])
def test_example_result_is_byte_identical_to_golden(nolan: CompiledRuleSet, example: str) -> None:
    record = json.loads((ROOT / f"rules/examples/nolan-tender/{example}.json").read_text())
    produced = to_json(Evaluator(nolan).evaluate(Submission(record["id"], record["answers"])))
    # Stored pretty-printed for reviewable diffs; compared as canonical bytes.
    golden = GOLDEN / f"nolan-tender-{example}.json"
    if os.environ.get("PROBITY_REGENERATE_GOLDEN"):
        golden.write_text(json.dumps(json.loads(produced), indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(golden.read_text())
    assert produced == json.dumps(expected, separators=(",", ":"), ensure_ascii=False).encode()


@pytest.mark.parametrize("example", ["strong", "weak", "breached"])
def test_monitoring_example_result_is_byte_identical_to_golden(example: str) -> None:
    monitor = Monitor(load_file(ROOT / "rules/ethical-standards-monitoring.yaml"))
    data = json.loads(
        (ROOT / f"rules/examples/ethical-standards-monitoring/{example}.json").read_text()
    )
    produced = contract_json(monitor.check(data))
    golden = GOLDEN / f"ethical-standards-monitoring-{example}.json"
    if os.environ.get("PROBITY_REGENERATE_GOLDEN"):
        golden.write_text(json.dumps(json.loads(produced), indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(golden.read_text())
    assert produced == json.dumps(expected, separators=(",", ":"), ensure_ascii=False).encode()
