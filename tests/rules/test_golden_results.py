"""The full result JSON of every shipped example, byte for byte.

Every `rules/examples/<rule set>/<name>.json` has a golden result in
`tests/golden/<rule set>-<name>.json`. A change to the engine or to a rule set that alters any
result (a score, an explanation, the order of fields, the rule set's digest) fails here. If the
change is intended, regenerate and review the diff:
    PROBITY_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/rules/test_golden_results.py
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

import pytest

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import to_json
from probity.engine.monitoring.contract_result import contract_json
from probity.engine.monitoring.monitor import Monitor
from tests.conftest import ROOT, RULES, shipped

GOLDEN = ROOT / "tests" / "golden"
EXAMPLES = sorted(RULES.glob("examples/*/*.json"))


@cache
def _ruleset(ident: str) -> CompiledRuleSet:
    return shipped(RULES / f"{ident}.yaml")


def _result(ruleset: CompiledRuleSet, record: dict[str, object]) -> bytes:
    if ruleset.kind == "monitoring":
        return contract_json(Monitor(ruleset).check(record))
    answers = record["answers"]
    assert isinstance(answers, dict)
    return to_json(Evaluator(ruleset).evaluate(Submission(str(record["id"]), answers)))


def test_every_shipped_rule_set_has_three_examples() -> None:
    """At least three: strong, weak and a third (monitoring also ships the contract derived
    from the example tender's award)."""
    for path in sorted(RULES.glob("*.yaml")):
        assert len(list((RULES / "examples" / path.stem).glob("*.json"))) >= 3, path.stem


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example_result_is_byte_identical_to_golden(example: Path) -> None:
    produced = _result(_ruleset(example.parent.name), json.loads(example.read_text()))
    # Stored pretty-printed for reviewable diffs; compared as canonical bytes.
    golden = GOLDEN / f"{example.parent.name}-{example.stem}.json"
    if os.environ.get("PROBITY_REGENERATE_GOLDEN"):
        golden.write_text(json.dumps(json.loads(produced), indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(golden.read_text())
    assert produced == json.dumps(expected, separators=(",", ":"), ensure_ascii=False).encode()


def test_every_golden_file_belongs_to_an_example() -> None:
    expected = {f"{p.parent.name}-{p.stem}.json" for p in EXAMPLES}
    assert {p.name for p in GOLDEN.glob("*.json")} == expected


# Monitoring checks are breached or not: no points, no scale, no descriptor.
TENDER_GOLDEN = [p for p in sorted(GOLDEN.glob("*.json")) if '"band":' in p.read_text()]


@pytest.mark.parametrize("golden", TENDER_GOLDEN, ids=lambda p: p.stem)
def test_every_scored_finding_carries_the_descriptor_of_its_points(golden: Path) -> None:
    result = json.loads(golden.read_text())
    scale = _ruleset(result["ruleset"]["id"]).spec.scale
    assert scale is not None
    for finding in result["findings"]:
        awaited = finding["scored_by"] == "panel" and finding["outcome"] == "evidence_missing"
        if finding["outcome"] == "not_applicable" or finding["max_points"] == 0 or awaited:
            assert finding["descriptor"] == ""  # not applicable, a gate, or no score yet
        else:
            assert finding["descriptor"] == scale.descriptors[finding["points"]], finding


# A dotted field path (two words joined by a dot, no space) or an operator of the `when`
# language. Sentences end with ". " so they do not match.
_RAW = re.compile(r"\b[a-z_]+\.[a-z_]+\b|>=|<=|==|!=|\s[<>]\s")


def _people_texts(result: dict[str, object]) -> list[str]:
    """Every text of a result written for people: explanations, evidence, breaches, reasons."""
    texts: list[str] = []
    for finding in result["findings"]:  # type: ignore[attr-defined]
        texts.append(finding["explanation"])
        texts.extend(e["expected"] for e in finding.get("evidence", []))
        texts.extend(e["label"] for e in finding.get("evidence", []))
        texts.append(finding.get("breach") or "")
        for occurrence in finding.get("occurrences", []):
            texts.extend(e["expected"] for e in occurrence["evidence"])
    texts.extend(r["explanation"] for r in result.get("rejections", []))  # type: ignore[attr-defined]
    return texts


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_no_text_for_people_shows_a_field_path_or_an_operator(golden: Path) -> None:
    texts = _people_texts(json.loads(golden.read_text()))
    assert texts and [t for t in texts if _RAW.search(t)] == []
