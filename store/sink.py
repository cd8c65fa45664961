"""The decision log as the service's decision sink (store.decisions.DecisionSink): each
decision becomes a row, each rule set version a record, before the caller sees a result.

A failure is raised as LogUnavailable (a RecordingFailed; the service answers UNAVAILABLE),
and the caller then sends no result.
"""

from __future__ import annotations

from collections.abc import Sequence

from probity.engine import CompiledRuleSet
from probity.store.decisions import Decision, Origin, TenderDecision
from probity.store.log import DecisionLog, Evaluation, RulesetVersion, Tender

SERVER = "server"  # who loaded a version that no caller published


class LogSink:
    """Records into a DecisionLog; knows which versions it holds already."""

    enabled = True

    def __init__(self, log: DecisionLog) -> None:
        self.log = log
        self._known: set[str] = set()  # digests already in the log

    def ruleset(
        self, ruleset: CompiledRuleSet, how: str = "loaded", by: Origin | None = None
    ) -> None:
        """Make sure the log holds this rule set version (the first record of it stands)."""
        if ruleset.digest in self._known:
            return
        version = RulesetVersion(
            digest=ruleset.digest,
            ruleset_id=ruleset.id,
            version=ruleset.version,
            kind=ruleset.kind,
            source_text=ruleset.source_text,
            citations=ruleset.citations,
            file=ruleset.file,
            how=how,
            by_name=by.caller_name if by else SERVER,
            by_role=by.caller_role if by else "",
        )
        self.log.record_rulesets([version])
        self._known.add(ruleset.digest)

    def record(self, decisions: Sequence[Decision], tender: TenderDecision | None = None) -> None:
        """Record decisions (and the tender they were ranked in) in one transaction, or
        raise LogUnavailable."""
        if decisions or tender is not None:
            ranking = _tender_row(tender) if tender is not None else None
            self.log.record([_row(d) for d in decisions], ranking)

    def undelivered(self, decisions: Sequence[Decision]) -> None:
        """Note recorded decisions as never sent, or raise LogUnavailable."""
        self.log.mark_undelivered([(d.origin.request_id, d.number) for d in decisions])


def _row(decision: Decision) -> Evaluation:
    origin, item, ruleset = decision.origin, decision.item, decision.ruleset
    return Evaluation(
        request_id=origin.request_id,
        item=decision.number,
        method=origin.method,
        caller_name=origin.caller_name,
        caller_role=origin.caller_role,
        kind=ruleset.kind,
        subject_id=item.subject_id,
        tender_id=item.tender_id,
        contract_id=item.contract_id,
        supplier_id=item.supplier_id,
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        ruleset_digest=ruleset.digest,
        submission=item.stored,
        result=bytes(decision.result),  # the log's own copy: a lent result goes back
        view=decision.view,
    )


def _tender_row(tender: TenderDecision) -> Tender:
    origin, ruleset = tender.origin, tender.ruleset
    return Tender(
        request_id=origin.request_id,
        tender_id=tender.tender_id,
        method=origin.method,
        caller_name=origin.caller_name,
        caller_role=origin.caller_role,
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        ruleset_digest=ruleset.digest,
        bids=tender.bids,
        ranking=tender.ranking,
    )
