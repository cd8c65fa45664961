"""Outcome classes for the fuzzers, and how many cases to run.

Every fuzzed case ends in one class. The good ones: a result, or a refusal that says where
(a field path for a request; file:line:col for a rule file). The bad ones are what the
hardening issue forbids: a crash, a hang, UNKNOWN or INTERNAL, a traceback, an error
without a location, a lost or duplicated answer.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

# `make fuzz` sets PROBITY_FUZZ=full: 100,000 submissions and 10,000 rule files. `make
# test` runs a few thousand cases.
FULL = os.environ.get("PROBITY_FUZZ") == "full"
SUBMISSIONS = 100_000 if FULL else 3_000
RULE_FILES_OVER_RPC = 10_000 if FULL else 200
RULE_FILES_IN_PROCESS = 10_000 if FULL else 600

BAD = frozenset(
    {
        "crash",
        "hang",
        "UNKNOWN or INTERNAL",
        "traceback",
        "error without a location",
        "server path in a message",
        "lost or duplicated",
    }
)


@dataclass
class Tally:
    """Counts of cases by outcome class, and an example of each bad class."""

    name: str
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, outcome: str, example: str = "") -> None:
        self.counts[outcome] += 1
        if outcome in BAD and outcome not in self.examples:
            self.examples[outcome] = example[:500]

    @property
    def bad(self) -> dict[str, int]:
        return {k: v for k, v in self.counts.items() if k in BAD}

    def report(self) -> str:
        total = sum(self.counts.values())
        lines = [f"{self.name}: {total:,} cases"]
        lines += [f"  {count:>9,}  {outcome}" for outcome, count in self.counts.most_common()]
        lines += [f"  0  {outcome}" for outcome in sorted(BAD - set(self.counts))]
        lines += [f"  example of {k}: {v!r}" for k, v in self.examples.items()]
        return "\n".join(lines)
