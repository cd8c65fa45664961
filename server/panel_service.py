"""PanelService: a recorded tender's evaluation panel over gRPC. Each call reads the panel's
records from the decision log, asks engine.panel what the caller may do, appends what they
did, and answers in protobuf; the rules live in engine.panel.state, not here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import grpc

from probity.codec.shape import struct_to_python
from probity.engine import (
    PANEL_ANSWERS,
    CompiledRuleSet,
    FieldViolation,
    Panel,
    Refusal,
    Registry,
    UnknownRuleset,
    criteria_of,
    panel_checks,
)
from probity.engine import PanelCriterion as Criterion
from probity.engine import PanelRecord as Record
from probity.engine import panel_records as kinds
from probity.server import calls, fields, statuses
from probity.server.tender_calls import TenderCalls
from probity.store import panel as stored
from probity.store.log import DecisionLog, now
from probity.v1 import evaluation_pb2, panel_pb2, panel_pb2_grpc, submission_pb2

ARISEN, DECLARED, MITIGATED, MODERATED, OPENED, SCORED = (
    kinds.ARISEN,
    kinds.DECLARED,
    kinds.MITIGATED,
    kinds.MODERATED,
    kinds.OPENED,
    kinds.SCORED,
)
MIN_DETAILS = 10  # characters: what a conflict is, or how it is mitigated
MAX_LISTED = 200  # panels in one ListPanels answer


@dataclass(frozen=True)
class _Tender:
    """A recorded tender as the panel reads it: its newest ranking, the call that ranked it
    (its bids' submissions are recorded under it) and its rule set."""

    ranking: evaluation_pb2.EvaluateTenderResponse
    request_id: str
    ruleset: CompiledRuleSet


class PanelService(panel_pb2_grpc.PanelServiceServicer):
    def __init__(self, log: DecisionLog | None, registry: Registry, tenders: TenderCalls) -> None:
        self.log = log
        self.registry = registry
        self.tenders = tenders  # ranks the tender again once the panel has finished

    # -- reading ---------------------------------------------------------------------------
    def _store(self) -> DecisionLog:
        if self.log is None:
            raise statuses.ServiceError(
                statuses.precondition(
                    "decision_log", "the panel is kept in the decision log, which is off (--db off)"
                )
            )
        return self.log

    def _tender(self, tender_id: str) -> _Tender:
        fields.checked(("tender_id", tender_id, fields.MAX_ID))
        if not tender_id:
            violation = FieldViolation("tender_id", "give the tender's id")
            raise statuses.ServiceError(statuses.bad_request([violation], "which tender?"))
        log = self._store()
        found = log.tender(tender_id)
        if found is None:
            raise statuses.ServiceError(statuses.not_found_record("tender", tender_id))
        ranking = evaluation_pb2.EvaluateTenderResponse.FromString(found.ranking)
        try:
            ruleset = self.registry.get(ranking.ruleset.id, ranking.ruleset.version)
        except UnknownRuleset:
            name = f"{ranking.ruleset.id} {ranking.ruleset.version}"
            message = f"the tender was ranked on {name}, which this server no longer holds"
            raise statuses.ServiceError(statuses.precondition(tender_id, message)) from None
        return _Tender(ranking, found.request_id, ruleset)

    def _submissions(self, tender: _Tender) -> dict[str, submission_pb2.Submission]:
        """Each bid's submission as recorded, by id: read only by the calls that need a
        bid's text (every one decompressed and parsed)."""
        return {
            e.subject_id: submission_pb2.Submission.FromString(e.submission)
            for e in self._store().evaluations_of_call(tender.request_id)
        }

    def _answers(self, tender: _Tender, submission_id: str) -> dict[str, Any]:
        found = self._submissions(tender).get(submission_id)
        return struct_to_python(found.answers) if found is not None else {}

    def _panel(self, tender: _Tender, records: list[Record] | None = None) -> Panel:
        tender_id = tender.ranking.tender_id
        bids = [b.submission_id for b in tender.ranking.bids]
        criteria = criteria_of(tender.ruleset)
        if records is None:
            records = stored.records(self._store(), tender_id)
        return Panel.of(tender_id, bids, criteria, records)

    def _caller(self) -> tuple[str, str]:
        caller = calls.current().caller
        if caller is None:
            message = "the panel needs each person to sign in with their own token (--tokens)"
            raise statuses.ServiceError(statuses.precondition("tokens", message))
        return caller.name, caller.role

    def _append(self, tender_id: str, *records: Record) -> None:
        if not stored.append_all(self._store(), tender_id, list(records)):
            raise statuses.ServiceError(
                statuses.panel_refusal("already_exists", "this step is already recorded", "")
            )

    # -- the calls -------------------------------------------------------------------------
    def ListPanels(
        self, request: panel_pb2.ListPanelsRequest, context: grpc.ServicerContext
    ) -> panel_pb2.ListPanelsResponse:
        name, role = self._caller()
        if not 0 <= request.limit <= MAX_LISTED:
            violation = FieldViolation("limit", f"at most {MAX_LISTED}")
            raise statuses.ServiceError(statuses.bad_request([violation], "too many panels"))
        limit = request.limit or MAX_LISTED
        listed = [
            panel_pb2.PanelListing(
                tender_id=tender_id,
                lead=opened.by,
                evaluators=opened.evaluators,
                opened_at=opened.at,
            )
            for tender_id, opened in stored.openings(self._store())
            if role != "evaluator" or name in opened.evaluators
        ]
        return panel_pb2.ListPanelsResponse(panels=listed[:limit])

    def OpenPanel(
        self, request: panel_pb2.OpenPanelRequest, context: grpc.ServicerContext
    ) -> panel_pb2.OpenPanelResponse:
        name, role = self._caller()
        tender = self._tender(request.tender_id)
        with _refusals():
            panel = self._panel(tender)
            if not panel.criteria:
                raise Refusal(
                    "failed_precondition",
                    f"no criterion of {tender.ruleset.id} {tender.ruleset.version} is scored "
                    "by a panel (scored_by: panel)",
                )
            if panel.opened:
                raise Refusal("already_exists", f"the panel is open, led by {panel.lead}")
            evaluators = list(request.evaluators)
            _check_evaluators(evaluators, name)
            divergence = request.divergence or 1
            opened = Record(
                OPENED, name, role, now(), evaluators=tuple(evaluators), divergence=divergence
            )
            self._append(request.tender_id, opened)
        return panel_pb2.OpenPanelResponse(panel=self._message(tender, name, role))

    def GetPanel(
        self, request: panel_pb2.GetPanelRequest, context: grpc.ServicerContext
    ) -> panel_pb2.GetPanelResponse:
        name, role = self._caller()
        tender = self._tender(request.tender_id)
        with _refusals():
            panel = self._panel(tender)
            if role == "evaluator":
                panel.check_evaluator(name)
        return panel_pb2.GetPanelResponse(panel=self._message(tender, name, role))

    def DeclareInterests(
        self, request: panel_pb2.DeclareInterestsRequest, context: grpc.ServicerContext
    ) -> panel_pb2.DeclareInterestsResponse:
        name, role = self._caller()
        tender = self._tender(request.tender_id)
        with _refusals():
            panel = self._panel(tender)
            panel.check_evaluator(name)
            records = []
            seen: set[str] = set()
            for n, d in enumerate(request.declarations):
                where = f"declarations[{n}]"
                panel.check_bid(d.submission_id, f"{where}.submission_id")
                if d.submission_id in seen:
                    raise Refusal(
                        "invalid_argument", f"bid {d.submission_id} is declared twice", where
                    )
                arisen = panel.check_declaration(name, d.submission_id, d.conflict)
                seen.add(d.submission_id)
                details = d.details.strip()
                if d.conflict and len(details) < MIN_DETAILS:
                    raise Refusal(
                        "invalid_argument",
                        f"say what the conflict of interest is, in at least {MIN_DETAILS} "
                        "characters",
                        f"{where}.details",
                    )
                fields.checked_note(f"{where}.details", details, fields.MAX_DETAIL)
                records.append(
                    Record(
                        ARISEN if arisen else DECLARED,
                        name,
                        role,
                        now(),
                        submission_id=d.submission_id,
                        conflict=d.conflict,
                        text=details,
                    )
                )
            if records:
                self._append(request.tender_id, *records)
            after = self._panel(tender)
        return panel_pb2.DeclareInterestsResponse(undeclared=after.undeclared(name))

    def RecordMitigation(
        self, request: panel_pb2.RecordMitigationRequest, context: grpc.ServicerContext
    ) -> panel_pb2.RecordMitigationResponse:
        name, role = self._caller()
        tender = self._tender(request.tender_id)
        with _refusals():
            panel = self._panel(tender)
            panel.check_lead(name)
            panel.check_bid(request.submission_id)
            declared = panel.declared.get((request.evaluator, request.submission_id))
            if declared is None or not declared[0]:
                raise Refusal(
                    "failed_precondition",
                    f"{request.evaluator} has declared no conflict with bid "
                    f"{request.submission_id}: there is nothing to mitigate",
                )
            text = request.mitigation.strip()
            if len(text) < MIN_DETAILS:
                raise Refusal(
                    "invalid_argument",
                    f"say how the conflict is mitigated, in at least {MIN_DETAILS} characters",
                    "mitigation",
                )
            fields.checked_note("mitigation", text, fields.MAX_DETAIL)
            record = Record(
                MITIGATED,
                name,
                role,
                now(),
                submission_id=request.submission_id,
                evaluator=request.evaluator,
                text=text,
            )
            self._append(request.tender_id, record)
        return panel_pb2.RecordMitigationResponse(record=_record(record))

    def GetBidToScore(
        self, request: panel_pb2.GetBidToScoreRequest, context: grpc.ServicerContext
    ) -> panel_pb2.GetBidToScoreResponse:
        name, role = self._caller()
        tender = self._tender(request.tender_id)
        with _refusals():
            panel = self._panel(tender)
            if role == "lead":  # the lead reads a bid to moderate it; never scores it
                panel.check_lead(name)
                panel.check_bid(request.submission_id)
            else:
                panel.check_may_read(name, request.submission_id)
        questions = {i.path: i.question or "" for i in tender.ruleset.spec.inputs}
        given = _texts(self._answers(tender, request.submission_id), panel.criteria)
        return panel_pb2.GetBidToScoreResponse(
            submission_id=request.submission_id,
            criteria=[_criterion(c) for c in panel.criteria],
            answers=[
                panel_pb2.AnswerToScore(
                    criterion=c.id,
                    field=path,
                    label=label,
                    question=questions.get(path, ""),
                    text=given[path],
                )
                for c in panel.criteria
                for path, label in c.reads
            ],
            submitted=panel.submitted(name, request.submission_id),
        )

    def SubmitScores(
        self, request: panel_pb2.SubmitScoresRequest, context: grpc.ServicerContext
    ) -> panel_pb2.SubmitScoresResponse:
        name, role = self._caller()
        tender = self._tender(request.tender_id)
        bid = request.submission_id
        given: dict[str, tuple[int, str]] = {}
        for n, score in enumerate(request.scores):
            fields.checked_note(f"scores[{n}].rationale", score.rationale, fields.MAX_DETAIL)
            if score.criterion in given:
                violation = FieldViolation(f"scores[{n}].criterion", "scored twice")
                raise statuses.ServiceError(statuses.bad_request([violation], "a repeated score"))
            given[score.criterion] = (score.points, score.rationale.strip())
        with _refusals():
            panel = self._panel(tender)
            answers = _texts(self._answers(tender, bid), panel.criteria)
            panel.check_scores(name, bid, given, answers)
            stamp = now()
            records = [
                Record(
                    SCORED,
                    name,
                    role,
                    stamp,
                    submission_id=bid,
                    criterion=c.id,
                    points=given[c.id][0],
                    text=given[c.id][1],
                )
                for c in panel.criteria
            ]
            self._append(request.tender_id, *records)
        return panel_pb2.SubmitScoresResponse(records=[_record(r) for r in records])

    def GetScores(
        self, request: panel_pb2.GetScoresRequest, context: grpc.ServicerContext
    ) -> panel_pb2.GetScoresResponse:
        name, role = self._caller()
        tender = self._tender(request.tender_id)
        bid = request.submission_id
        with _refusals():
            panel = self._panel(tender)
            panel.check_may_see_scores(name, role, bid)
        response = panel_pb2.GetScoresResponse()
        for c in panel.criteria:
            scores = panel.scores_of(bid, c.id)
            points = [s.points for s in scores]
            moderated = panel.moderated.get((bid, c.id))
            response.criteria.add(
                criterion=c.id,
                scores=[
                    panel_pb2.EvaluatorScore(
                        evaluator=s.evaluator,
                        points=s.points,
                        rationale=s.rationale,
                        recorded_at=s.at,
                    )
                    for s in scores
                ],
                spread=max(points) - min(points) if points else 0,
                divergent=panel.divergent(bid, c.id),
                moderated=moderated is not None,
                consensus=moderated.points if moderated else 0,
                rationale=moderated.rationale if moderated else "",
            )
        return response

    def Moderate(
        self, request: panel_pb2.ModerateRequest, context: grpc.ServicerContext
    ) -> panel_pb2.ModerateResponse:
        name, role = self._caller()
        tender = self._tender(request.tender_id)
        bid, rationale = request.submission_id, request.rationale.strip()
        fields.checked_note("rationale", rationale, fields.MAX_DETAIL)
        with _refusals():
            panel = self._panel(tender)
            panel.check_moderation(name, bid, request.criterion, request.points, rationale)
            record = Record(
                MODERATED,
                name,
                role,
                now(),
                submission_id=bid,
                criterion=request.criterion,
                points=request.points,
                text=rationale,
            )
            self._append(request.tender_id, record)
            after = self._panel(tender)
        if all(after.complete(b) for b in after.bids):
            self._finish(tender, after, context)
        complete = after.complete(bid)
        return panel_pb2.ModerateResponse(record=_record(record), complete=complete)

    def FinishPanel(
        self, request: panel_pb2.FinishPanelRequest, context: grpc.ServicerContext
    ) -> panel_pb2.FinishPanelResponse:
        name, _role = self._caller()
        tender = self._tender(request.tender_id)
        with _refusals():
            panel = self._panel(tender)
            panel.check_lead(name)
            waiting = [b for b in panel.bids if not panel.complete(b)]
            if waiting:
                raise Refusal(
                    "failed_precondition",
                    f"the panel has still to moderate bid {', '.join(waiting)}",
                )
        if not tender.ranking.awaiting_panel:
            return panel_pb2.FinishPanelResponse(already_final=True)
        self._finish(tender, panel, context)
        return panel_pb2.FinishPanelResponse(already_final=False)

    def _finish(self, tender: _Tender, panel: Panel, context: grpc.ServicerContext) -> None:
        """The final ranking; if it fails, the moderations stay recorded and the error says
        how to try again."""
        try:
            self._rank_again(tender, panel, context)
        except statuses.TRANSLATED as error:
            why = statuses.to_status(error).message
            tender_id = tender.ranking.tender_id
            raise statuses.ServiceError(
                statuses.unavailable(
                    f"the moderation is recorded, but ranking tender {tender_id} again with "
                    f"the panel's scores failed ({why}); try again with FinishPanel "
                    f"(probity panel finish {tender_id})"
                )
            ) from None

    def _rank_again(self, tender: _Tender, panel: Panel, context: grpc.ServicerContext) -> None:
        """The tender evaluated and ranked again, each bid with the panel's moderated scores
        as its `panel` answers, through the same calls as a portal's and recorded in the
        decision log under this call: its final ranking, which replays from the record."""
        ranking = tender.ranking
        recorded = self._submissions(tender)
        request = evaluation_pb2.EvaluateTenderRequest(
            ruleset_id=ranking.ruleset.id,
            ruleset_version=ranking.ruleset.version,
            tender_id=ranking.tender_id,
            details=ranking.details,
        )
        for bid in ranking.bids:
            submission = recorded[bid.submission_id]
            scores = submission.answers.fields[PANEL_ANSWERS].struct_value
            scores.update(panel.consensus(bid.submission_id))  # type: ignore[arg-type]
            request.bids.add(
                submission=submission,
                price=bid.price,
                whole_life_cost=bid.whole_life_cost if bid.HasField("whole_life_cost") else None,
            )
        self.tenders.evaluate(request, context, panel_answers=True)

    # -- answers -------------------------------------------------------------------------
    def _message(self, tender: _Tender, name: str, role: str) -> panel_pb2.Panel:
        ranking = tender.ranking
        records = stored.records(self._store(), ranking.tender_id)
        panel = self._panel(tender, records)
        shown = [r for r in records if role != "evaluator" or _theirs(r, name, panel)]
        return panel_pb2.Panel(
            tender_id=ranking.tender_id,
            ruleset_id=ranking.ruleset.id,
            ruleset_version=ranking.ruleset.version,
            lead=panel.lead,
            evaluators=panel.evaluators,
            divergence=panel.divergence,
            bids=[
                panel_pb2.PanelBid(
                    submission_id=b.submission_id,
                    supplier_name=b.supplier_name,
                    complete=panel.complete(b.submission_id),
                )
                for b in ranking.bids
            ],
            criteria=[_criterion(c) for c in panel.criteria],
            records=[_record(r) for r in shown],
            checks=[] if role == "evaluator" else _checks(panel, shown),
            conflicts=[] if role == "evaluator" else _conflicts(panel),
        )


def _theirs(record: Record, name: str, panel: Panel) -> bool:
    """What an evaluator is shown of the panel's records: the appointment, their own, the
    mitigations of their conflicts, and others' scores of a bid once they scored it."""
    if record.kind == OPENED or record.by == name or record.evaluator == name:
        return True
    return record.kind in (SCORED, MODERATED) and panel.submitted(name, record.submission_id)


def _checks(panel: Panel, records: list[Record]) -> list[panel_pb2.PanelCheck]:
    return [
        panel_pb2.PanelCheck(
            kind=c.kind, submission_id=c.submission_id, criterion=c.criterion, said=c.said
        )
        for c in panel_checks.checks(panel, records)
    ]


def _conflicts(panel: Panel) -> list[panel_pb2.ConflictLine]:
    return [
        panel_pb2.ConflictLine(
            evaluator=c.evaluator,
            submission_id=c.submission_id,
            declared_at=c.declared_at,
            conflict=c.conflict,
            details=c.details,
            mitigation=c.mitigation,
            mitigated_by=c.mitigated_by,
            handled=c.handled,
            arose_at=c.arose_at,
        )
        for c in panel_checks.conflicts(panel)
    ]


def _check_evaluators(evaluators: list[str], lead: str) -> None:
    if not evaluators:
        raise Refusal("invalid_argument", "appoint at least one evaluator", "evaluators")
    for n, evaluator in enumerate(evaluators):
        where = f"evaluators[{n}]"
        if not evaluator or len(evaluator) > fields.MAX_ID:
            raise Refusal("invalid_argument", "an evaluator's token name", where)
        if evaluators.index(evaluator) != n:
            raise Refusal("invalid_argument", f"{evaluator} is appointed twice", where)
        if evaluator == lead:
            raise Refusal("invalid_argument", "the lead moderates; it does not score", where)


def _texts(answers: dict[str, Any], criteria: tuple[Criterion, ...]) -> dict[str, str]:
    """The text answers the panel criteria read, by path ("" when not given)."""
    found = {}
    for c in criteria:
        for path, _label in c.reads:
            node: Any = answers
            for part in path.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            found[path] = node if isinstance(node, str) else ""
    return found


def _criterion(c: Criterion) -> panel_pb2.PanelCriterion:
    return panel_pb2.PanelCriterion(
        criterion=c.id,
        title=c.title,
        principle=c.principle,
        gate=c.gate,
        max_points=c.max_points,
        guidance=c.guidance,
        descriptors=dict(c.descriptors),
    )


def _record(r: Record) -> panel_pb2.PanelRecord:
    return panel_pb2.PanelRecord(
        seq=r.seq,
        kind=r.kind,
        by=r.by,
        role=r.role,
        recorded_at=r.at,
        submission_id=r.submission_id,
        criterion=r.criterion,
        evaluator=r.evaluator,
        points=r.points,
        conflict=r.conflict,
        text=r.text,
        evaluators=r.evaluators,
    )


@contextmanager
def _refusals() -> Iterator[None]:
    """Translates a Refusal into the service's error, once, here."""
    try:
        yield
    except Refusal as error:
        raise statuses.ServiceError(
            statuses.panel_refusal(error.status, error.message, error.field)
        ) from None
