"""Monitoring patterns as durable_rules joins, and the flaws of its join evaluation they avoid.

durable_rules' reduceExpressionSequence (events.c) has two flaws in evaluating a fact's join
tests: tests after a nested group are never evaluated, and when the last test of an `and`
is false it reads on past the end of the list until some byte marks an end (a crash or a
wrong match, by what lies in memory). The raw repros run in a child process: they may crash.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import Any

import pytest

from probity.engine.compiler.breaches import ALWAYS
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.pipeline import compile_text, load_file
from probity.engine.errors import Code, RuleFileError
from tests.conftest import FIXTURES, ROOT, RULES, shipped

PAIRS = """
import json, sys
import durable_rules_engine as dre
first, second, facts = json.loads(sys.argv[1])
rules = {"seen": {"all": [{"m": {"$ex": {"i": 1}}}], "cap": 100},
         "pair": {"all": [{"a": first}, {"b": second}], "cap": 100}}
handle = dre.create_ruleset("quirk", json.dumps(rules))
state = dre.assert_facts(handle, json.dumps([{**f, "sid": "s"} for f in facts]))[1]
pairs, action = set(), dre.start_action_for_state(handle, state)
message = action[1] if action else None
while message:
    for rule, matches in json.loads(message).items():
        if rule == "pair":
            pairs.update((m["a"]["i"], m["b"]["i"]) for m in matches)
    message = dre.complete_and_start_action(handle, state)
print(json.dumps(sorted(pairs)))
"""


def pairs(
    first: dict[str, Any], second: dict[str, Any], facts: list[dict[str, Any]]
) -> set[tuple[int, int]]:
    """Which (first, second) facts a two-fact rule pairs, run straight on durable_rules."""
    run = subprocess.run(
        [sys.executable, "-c", PAIRS, json.dumps([first, second, facts])],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return {tuple(p) for p in json.loads(run.stdout)}


FACTS = [
    {"i": 1, "p": 10, "k": 1, "one": 1},
    {"i": 2, "p": 12, "k": 1, "one": 1},
]  # not consecutive
NEXT = {"p": {"$add": {"$l": {"a": "p"}, "$r": 1}}}
NESTED = {"$and": [{"$gt": {"k": 0}}, {"$gt": {"p": 0}}]}
ALWAYS_TRUE = {"$gte": {"one": {"a": "one"}}}


def test_a_join_after_a_nested_group_is_not_evaluated() -> None:
    assert pairs(NESTED, {"$and": [NESTED, NEXT, ALWAYS_TRUE]}, FACTS) == {(1, 2), (2, 1)}
    # Join tests first, and they hold: periods 10 and 12 do not pair; 10 and 11 do.
    assert pairs(NESTED, {"$and": [NEXT, ALWAYS_TRUE, NESTED]}, FACTS) == set()
    consecutive = [FACTS[0], {**FACTS[1], "p": 11}]
    assert pairs(NESTED, {"$and": [NEXT, ALWAYS_TRUE, NESTED]}, consecutive) == {(1, 2)}


@pytest.fixture(scope="module")
def patterns() -> CompiledRuleSet:
    return load_file(FIXTURES / "patterns-monitoring.yaml")


def _references(node: Any) -> bool:
    """Does a condition read another leg's fact (a join test: {leg: its key} somewhere)?"""
    if isinstance(node, dict):
        if len(node) == 1 and all(isinstance(v, str) for v in node.values()):
            return next(iter(node)) in ("r0", "r1", "r2", "r3", "r4", "r5", "k")
        return any(_references(v) for v in node.values())
    if isinstance(node, list):
        return any(_references(v) for v in node)
    return False


def _computes(node: Any) -> bool:
    if isinstance(node, dict):
        return any(k in ("$add", "$sub", "$mul", "$div") or _computes(v) for k, v in node.items())
    if isinstance(node, list):
        return any(_computes(v) for v in node)
    return False


@pytest.mark.parametrize("source", ["fixture", "shipped"])
def test_every_join_leg_ends_its_joins_with_an_always_true_test(
    source: str, patterns: CompiledRuleSet
) -> None:
    ruleset = (
        patterns if source == "fixture" else shipped(RULES / "ethical-standards-monitoring.yaml")
    )
    always = ruleset.layout.keys[ALWAYS]
    legs = 0
    for rule in ruleset.rules.values():
        for leg in rule["all"][1:]:
            (body,) = leg.values()
            tests = body["$and"]
            joins = [t for t in tests if _references(t)]
            assert tests[: len(joins)] == joins, body  # the joins first, then the rest
            assert next(iter(joins[-1]["$gte"])) == always, body  # the last always holds
            assert not any("$or" in t or "$and" in t or _computes(t) for t in joins), body
            legs += 1
    assert legs >= 8


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_checking_contracts_reads_no_memory_it_should_not() -> None:
    # Whether reading past the list crashes depends on the heap; valgrind sees every read.
    script = (
        "import json\nfrom engine.monitor import Monitor\nfrom engine.ruleset import load_file\n"
        "m = Monitor(load_file('rules/ethical-standards-monitoring.yaml'))\n"
        "for n in ('strong', 'weak', 'breached'):\n"
        "    m.check(json.load(open(f'rules/examples/ethical-standards-monitoring/{n}.json')))\n"
    )
    run = subprocess.run(
        ["valgrind", "--error-exitcode=9", sys.executable, "-c", script],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "Invalid read" not in run.stderr, run.stderr[-3000:]
    assert run.returncode == 0 or "Invalid" not in run.stderr


def test_a_multi_leg_check_counts_every_leg_against_the_node_budget() -> None:
    text = (FIXTURES / "patterns-monitoring.yaml").read_text()
    long_when = " and ".join(f"m.x > {n}" for n in range(8))
    bloated = text.replace("when: m.x > 5, periods: 3", f"when: {long_when}, periods: 6")
    with pytest.raises(RuleFileError) as caught:
        compile_text(bloated, "bloated.yaml")
    (problem,) = caught.value.diagnostics
    assert problem.code is Code.TOO_COMPLEX
    assert "across its returns" in problem.message  # says why: the legs add up
