"""Where a service's rule sets live when several replicas share them: the protocol the
registry reads and writes through (the decision log's database implements it, in
store/rulesets.py). The store is the source of truth: every version it holds can be served,
and its newest activation of a rule set is that rule set's active version on every replica.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from probity.engine.compiler.compiled import CompiledRuleSet


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """A rule set version's text as the store holds it, with what its findings cite."""

    digest: str
    ruleset_id: str
    version: str
    source_text: str
    citations: str  # JSON; "" for a version compiled without the source library
    file: str


@dataclass(frozen=True, slots=True)
class Activation:
    """A version made a rule set's active one: how, by whom, when, and why."""

    ruleset_id: str
    version: str
    digest: str
    how: str  # "seeded" from a rules folder, or "published"
    by_name: str
    by_role: str
    note: str
    activated_at: str = ""


@dataclass(frozen=True, slots=True)
class ReplicaState:
    """A replica on the store, and what it serves, as it last said."""

    replica: str
    host: str
    seen_at: str  # ISO 8601 UTC
    serving: dict[str, tuple[str, str]]  # rule set id → (version, digest)


class RulesetStore(Protocol):
    def active(self) -> dict[str, str]:
        """Each rule set's active version: its id → the digest of its newest activation."""
        ...

    def stored(
        self, digest: str = "", ruleset_id: str = "", version: str = ""
    ) -> StoredVersion | None:
        """One version by digest, or by id and version number."""
        ...

    def versions(self) -> dict[str, list[str]]:
        """The version numbers held of each rule set."""
        ...

    def activate(self, ruleset: CompiledRuleSet, activation: Activation) -> None:
        """Keep the version (if new) and record its activation, in one transaction; other
        replicas are told. Raises RecordingFailed if it cannot."""
        ...

    def history(self, ruleset_id: str) -> list[Activation]:
        """A rule set's activations, newest first."""
        ...

    def heartbeat(self, replica: str, host: str, serving: dict[str, tuple[str, str]]) -> None:
        """Say what this replica serves now."""
        ...

    def replicas(self, within_seconds: float) -> list[ReplicaState]:
        """The replicas that said what they serve within the last `within_seconds`."""
        ...
