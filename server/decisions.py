"""Recording decisions: each evaluation's request item and its result, as sent, go to the
decision log before the caller sees them; each rule set version before it is used.

Translates between calls and store.log rows. A log failure is raised as LogUnavailable
(server.errors makes it UNAVAILABLE), and the caller then sends no result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.workers.pool import Encoded
from probity.server import calls
from probity.server.auth import Caller
from probity.store.log import DecisionLog, Evaluation, RulesetVersion

SERVER = "server"


@dataclass(frozen=True, slots=True)
class Item:
    """What the log keeps of one request item: its bytes as received and the ids it names."""

    stored: bytes
    subject_id: str
    tender_id: str = ""
    contract_id: str = ""
    supplier_id: str = ""


class Decisions:
    """The decision log as the service uses it; with no log (`--db off`) it records nothing."""

    def __init__(self, log: DecisionLog | None) -> None:
        self.log = log
        self._known: set[str] = set()  # digests already in the log

    @property
    def enabled(self) -> bool:
        return self.log is not None

    def ruleset(
        self, ruleset: CompiledRuleSet, how: str = "loaded", by: Caller | None = None
    ) -> None:
        """Make sure the log holds this rule set version (the first record of it stands)."""
        if self.log is None or ruleset.digest in self._known:
            return
        version = RulesetVersion(
            digest=ruleset.digest,
            ruleset_id=ruleset.id,
            version=ruleset.version,
            kind=ruleset.kind,
            source_text=ruleset.source_text,
            file=ruleset.file,
            how=how,
            by_name=by.name if by else SERVER,
            by_role=by.role if by else "",
        )
        self.log.record_rulesets([version])
        self._known.add(ruleset.digest)

    def row(
        self,
        record: calls.CallRecord,
        number: int,
        kind: str,
        ruleset: CompiledRuleSet,
        item: Item,
        result: Encoded,
    ) -> Evaluation:
        return Evaluation(
            request_id=record.request_id,
            item=number,
            method=record.method,
            caller_name=record.caller.name if record.caller else "",
            caller_role=record.caller.role if record.caller else "",
            kind=kind,
            subject_id=item.subject_id,
            tender_id=item.tender_id,
            contract_id=item.contract_id,
            supplier_id=item.supplier_id,
            ruleset_id=ruleset.id,
            ruleset_version=ruleset.version,
            ruleset_digest=ruleset.digest,
            submission=item.stored,
            result=bytes(result),  # the log's own copy: a lent result goes back to its worker
        )

    def record(self, rows: Sequence[Evaluation]) -> None:
        """Record evaluations in one transaction, or raise LogUnavailable."""
        if self.log is not None and rows:
            self.log.record(rows)
