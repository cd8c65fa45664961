from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from probity.engine.when.patterns import problem
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(a*b*)*", "may not itself contain a repetition"),
        ("(x(y+))?", "may not itself contain a repetition"),
        ("[a-z]{1,9}" * 5, "at most 4 counted repetitions"),
        (".{0,51}", "each at most 50"),
        ("a{2,}", "upper bound"),
        ("^Ltd", "not supported"),
        ("\\d+", "not supported"),
        ("a" * 201, "longer than 200"),
        ("(ab", "not valid"),
    ],
)
def test_unsafe_or_unsupported_patterns_are_refused(pattern: str, reason: str) -> None:
    found = problem(pattern)
    assert found is not None and reason in found


@pytest.mark.parametrize(
    "pattern", [".*[Ll]td.*", "[A-Z]{2}[0-9]{6}", "(ab|cd)*x?", "\\*+", "[*]*"]
)
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert problem(pattern) is None


_PIECES = [
    "a",
    "b",
    ".",
    "[a-z]",
    "[0-9]",
    "(ab|c)",
    "(a|b)",
    "x",
    "*",
    "+",
    "?",
    "{1,9}",
    "{2,50}",
    "(",
    ")",
    "|",
    "\\.",
    "[^a]",
]


def test_every_accepted_pattern_compiles_and_runs_in_durable_rules() -> None:
    # In a child process: an unsafe pattern would hang or kill it, not the test run.
    rng = random.Random(11)
    accepted: list[str] = []
    while len(accepted) < 250:
        pattern = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 24)))
        if problem(pattern) is None:
            accepted.append(pattern)
    # A pattern durable_rules finds too complex is refused in words (EngineError): fine.
    # Hanging or crashing is not.
    script = (
        "import json, sys\n"
        "from probity.engine.evaluation.matcher import EngineError, Matcher\n"
        "for n, p in enumerate(json.load(sys.stdin)):\n"
        "    d = {'p': {'all': [{'m': {'$mt': {'f0': p}}}], 'cap': 8},"
        " 'seen': {'all': [{'m': {'$ex': {'i': 1}}}], 'cap': 8}}\n"
        "    try:\n"
        "        Matcher(f'pattern{n}', [d]).match([[{'f0': 'ab'}, {'f0': 'x.9'}]])\n"
        "    except EngineError as exc:\n"
        "        assert 'durable_rules refused' in str(exc), exc\n"
        "print('all', n + 1)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(accepted),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "all 250"


@pytest.mark.parametrize(
    "pattern",
    ["[Ā-ᄀ]", "[一-龥]", "[Ā-ࠀ]|[ࠁ-ᄀ]", "[Ā-ჾ]|x", "[Ā-ჿ]*x"],  # each killed durable_rules
)
def test_patterns_naming_too_many_characters_are_refused(pattern: str) -> None:
    """Issue 19, item 1: these segfaulted `probity check` and the server."""
    assert "more than 2,048" in (problem(pattern) or "")


def test_the_widest_accepted_patterns_run_in_durable_rules() -> None:
    """At the bound, in a child process: a crash would kill it, not the test run."""
    wide = "[" + chr(0x100) + "-" + chr(0x100 + 1023) + "]|[" + chr(0x500) + "-" + chr(0x8FF) + "]"
    assert problem(wide) is None and problem(wide + "x") is not None
    script = (
        "import sys\n"
        "from probity.engine.evaluation.matcher import Matcher\n"
        "p = sys.stdin.read()\n"
        "d = {'p': {'all': [{'m': {'$mt': {'f0': p}}}], 'cap': 8},"
        " 'seen': {'all': [{'m': {'$ex': {'i': 1}}}], 'cap': 8}}\n"
        "print(Matcher('wide', [d]).match([[{'f0': chr(0x500)}, {'f0': 'x'}]]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], input=wide, cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "[{'p'}, set()]"
