from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.compiled import CompiledRuleSet
from engine.ruleset import load_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RULES = ROOT / "rules"
# The ids of the shipped rule sets, as a server lists them (sorted).
SHIPPED = sorted(p.stem for p in RULES.glob("*.yaml"))
# The shipped nolan-tender's version, for tests that publish a newer one.
NOLAN_VERSION = re.search(
    r"^version: (\S+)$", (RULES / "nolan-tender.yaml").read_text(), re.MULTILINE
).group(1)  # type: ignore[union-attr]


@pytest.fixture(scope="session")
def mini() -> CompiledRuleSet:
    return load_file(FIXTURES / "mini.yaml")


@pytest.fixture(scope="session")
def nolan() -> CompiledRuleSet:
    return load_file(RULES / "nolan-tender.yaml")


MINI_STRONG = {
    "coi": {"declared": True},
    "staff": {"ethics_training_pct": 95},
    "policies": ["code_of_conduct", "whistleblowing"],
}
