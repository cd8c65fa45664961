"""AuditService: the decision log read back as protobuf, and past evaluations replayed on
their recorded rule set version through the same workers and codec as live ones."""

from __future__ import annotations

import difflib
import json
import threading
from dataclasses import asdict
from datetime import date
from typing import Any

import grpc
from google.protobuf import json_format

from probity.codec import as_json, messages, views
from probity.engine import (
    BASIC,
    ENGINE_VERSION,
    FULL,
    Accept,
    AwardedBid,
    CompiledRuleSet,
    Encoded,
    Evaluations,
    FieldViolation,
    RuleFileError,
    Serialized,
    check_text,
    citations_from_json,
    contract_from_award,
)
from probity.server import calls, fields, impact, statuses, tenders
from probity.store.log import DecisionLog, Evaluation, Query
from probity.v1 import audit_pb2, audit_pb2_grpc, monitoring_pb2, result_pb2, submission_pb2

_REPLAY_TIMEOUT = 300  # seconds
# Previews at once: each may hold up to impact.MOST recorded evaluations and keep every
# worker busy, so more would only queue behind each other and multiply the memory.
_PREVIEWS_AT_ONCE = 1


class AuditService(audit_pb2_grpc.AuditServiceServicer):
    def __init__(
        self,
        log: DecisionLog | None,
        evaluations: Evaluations,
        accept: Accept,
        max_message_bytes: int = 16 * 1024 * 1024,
    ) -> None:
        self.log = log
        self.max_message_bytes = max_message_bytes  # what one answer may be
        self.accept = accept  # a recorded version is checked as a new one would be
        self.evaluations = evaluations  # the same workers and codec as live evaluations
        self._compiled: dict[str, CompiledRuleSet] = {}  # recorded versions, by digest
        self._previews = threading.BoundedSemaphore(_PREVIEWS_AT_ONCE)

    def _store(self) -> DecisionLog:
        if self.log is None:
            raise statuses.ServiceError(
                statuses.precondition("decision_log", "the decision log is off (--db off)")
            )
        return self.log

    def _evaluation(self, seq: int) -> Evaluation:
        found = self._store().evaluation(seq) if seq > 0 else None
        if found is None:
            raise statuses.ServiceError(statuses.not_found_record("evaluation", str(seq)))
        return found

    def GetEvaluation(
        self, request: audit_pb2.GetEvaluationRequest, context: grpc.ServicerContext
    ) -> audit_pb2.GetEvaluationResponse:
        found = self._evaluation(request.seq)
        record = _record(found, full=True)
        record.undelivered = (found.request_id, found.item) in self._store().undelivered(
            [found.request_id]
        )
        return audit_pb2.GetEvaluationResponse(evaluation=record)

    def ListEvaluations(
        self, request: audit_pb2.ListEvaluationsRequest, context: grpc.ServicerContext
    ) -> audit_pb2.ListEvaluationsResponse:
        before = _page_token(request.page_token)
        fields.checked(
            *((name, getattr(request, name), fields.MAX_ID) for name in _FILTERS),
            ("since", request.since, 40),
            ("until", request.until, 40),
        )
        rows, next_page = self._store().evaluations(
            Query(
                tender_id=request.tender_id,
                contract_id=request.contract_id,
                supplier_id=request.supplier_id,
                ruleset_id=request.ruleset_id,
                since=request.since,
                until=request.until,
                limit=request.page_size or 100,
                before=before,
            )
        )
        unsent = self._store().undelivered(str(row["request_id"]) for row in rows)
        records = [_record(Evaluation(submission=b"", result=b"", **row)) for row in rows]
        for record in records:
            record.undelivered = (record.request_id, record.item) in unsent
        return audit_pb2.ListEvaluationsResponse(
            evaluations=records, next_page_token=str(next_page) if next_page else ""
        )

    def GetRulesetVersion(
        self, request: audit_pb2.GetRulesetVersionRequest, context: grpc.ServicerContext
    ) -> audit_pb2.GetRulesetVersionResponse:
        if not request.digest and not (request.ruleset_id and request.version):
            violation = FieldViolation("digest", "give a digest, or ruleset_id and version")
            raise statuses.ServiceError(statuses.bad_request([violation], "which version?"))
        found = self._store().ruleset_version(request.digest, request.ruleset_id, request.version)
        if found is None:
            name = request.digest or f"{request.ruleset_id}@{request.version}"
            raise statuses.ServiceError(statuses.not_found_record("rule set version", name))
        response = audit_pb2.GetRulesetVersionResponse(
            ruleset=audit_pb2.RulesetVersionRecord(**asdict(found))  # the same field names
        )
        if found.kind == "tender":
            response.catalog.CopyFrom(views.catalog(self._recorded_ruleset(found.digest)))
        return response

    def Replay(
        self, request: audit_pb2.ReplayRequest, context: grpc.ServicerContext
    ) -> audit_pb2.ReplayResponse:
        found = self._evaluation(request.seq)
        ruleset = self._recorded_ruleset(found.ruleset_digest)
        view = BASIC if found.view == BASIC else FULL
        future = self.evaluations.prepare_version(ruleset, view).submit([_submission(found)])
        (outcome,) = future.result(timeout=_REPLAY_TIMEOUT)
        if not isinstance(outcome, Encoded):
            raise statuses.ServiceError(statuses.to_status(outcome))
        identical = outcome == found.result
        return audit_pb2.ReplayResponse(
            seq=found.seq,
            ruleset=result_pb2.RulesetRef(
                id=ruleset.id, version=ruleset.version, digest=ruleset.digest
            ),
            identical=identical,
            diff="" if identical else _diff(found, outcome),
            recorded_engine_version=_parsed(found, found.result).engine_version,
            engine_version=ENGINE_VERSION,
        )

    def DeriveContract(
        self, request: audit_pb2.DeriveContractRequest, context: grpc.ServicerContext
    ) -> audit_pb2.DeriveContractResponse:
        fields.checked(
            ("tender_id", request.tender_id, fields.MAX_ID),
            ("request_id", request.request_id, fields.MAX_ID),
            ("contract_id", request.contract_id, fields.MAX_ID),
        )
        found = tenders.recorded_tender(self._store(), request.tender_id, request.request_id)
        ranking = found.tender
        if ranking.awaiting_panel:
            said = "its ranking awaits the evaluation panel: the contract follows the final one"
            raise statuses.ServiceError(statuses.precondition(request.tender_id, said))
        winners = [b for b in ranking.bids if b.rank == 1]
        if not winners:
            said = "no bid is ranked (every one rejected, or in a band that may not be awarded)"
            raise statuses.ServiceError(statuses.precondition(request.tender_id, said))
        winner = winners[0]
        seq = next(b.seq for b in found.bids if b.submission_id == winner.submission_id)
        submission = submission_pb2.Submission.FromString(self._evaluation(seq).submission)
        tender = self._recorded_ruleset(ranking.ruleset.digest).spec
        bid = AwardedBid(
            tender_id=ranking.tender_id,
            submission_id=winner.submission_id,
            supplier=json_format.MessageToDict(
                submission.supplier, preserving_proto_field_name=True
            ),
            price=winner.price,
            answers=messages.struct_to_python(submission.answers),
            evaluated_in=found.request_id,
        )
        details = json_format.MessageToDict(ranking.details, preserving_proto_field_name=True)
        contract, notes = contract_from_award(tender, bid, details, request.contract_id)
        if len(winners) > 1:
            tied = ", ".join(b.submission_id for b in winners)
            notes.insert(
                0, f"bids {tied} share the first rank: the contract is {winner.submission_id}'s"
            )
        if tender.monitored_by is None:
            notes.append(
                f"{tender.id} {tender.version} names no monitoring rule set (monitored_by): "
                "no commitment becomes a KPI"
            )
        response = audit_pb2.DeriveContractResponse(
            monitoring_ruleset_id=tender.monitored_by or "", notes=notes
        )
        json_format.ParseDict(contract, response.contract)
        return response

    def GetPerformanceNotice(
        self, request: audit_pb2.GetPerformanceNoticeRequest, context: grpc.ServicerContext
    ) -> audit_pb2.GetPerformanceNoticeResponse:
        issued = request.issued_on or date.today().isoformat()
        try:
            date.fromisoformat(issued)
        except ValueError:
            violation = FieldViolation("issued_on", "a date, YYYY-MM-DD")
            raise statuses.ServiceError(statuses.bad_request([violation], "a bad date")) from None
        found = self._evaluation(request.seq)
        if not _is_contract(found):
            said = "that decision is a tender submission's, not a contract check's"
            raise statuses.ServiceError(statuses.precondition(str(request.seq), said))
        result = as_json.contract_result_to_dict(_parsed(found, found.result))
        # imported here: templates (the same documents as the command line writes)
        from probity.reports import notices
        from probity.reports.pages import notice_html

        ctx = notices.context(result, f"{issued}T00:00:00Z")
        page, ocds = notice_html(ctx), notices.ocds_package(ctx)
        try:
            notices.check(ctx, page, ocds)
        except notices.Incomplete as exc:
            raise statuses.ServiceError(statuses.precondition(found.subject_id, str(exc))) from None
        return audit_pb2.GetPerformanceNoticeResponse(
            contract_id=found.subject_id,
            html=page,
            ocds_json=json.dumps(ocds, ensure_ascii=False, indent=2),
        )

    def GetTender(
        self, request: audit_pb2.GetTenderRequest, context: grpc.ServicerContext
    ) -> audit_pb2.GetTenderResponse:
        _tender_fields(request)
        most = max(1, self.max_message_bytes // tenders.BID_BYTES)
        found = tenders.recorded_tender(
            self._store(), request.tender_id, request.request_id, most_bids=most
        )
        advice = "list its bids with ListEvaluations (tender_id) and read each with GetEvaluation"
        tenders.fitting(found, self.max_message_bytes, advice)
        return found

    def GetAssessmentSummaries(
        self, request: audit_pb2.GetAssessmentSummariesRequest, context: grpc.ServicerContext
    ) -> audit_pb2.GetAssessmentSummariesResponse:
        _tender_fields(request)
        fields.checked(*((f"submission_ids[{n}]", s, fields.MAX_ID)
                         for n, s in enumerate(request.submission_ids)))  # fmt: skip
        found = tenders.recorded_tender(
            self._store(),
            request.tender_id,
            request.request_id,
            most_bids=tenders.MOST_SUMMARISED_BIDS,
        )
        wanted = list(request.submission_ids)
        return tenders.summaries(found, self._recorded_ruleset, wanted, self.max_message_bytes)

    def PreviewImpact(
        self, request: audit_pb2.PreviewImpactRequest, context: grpc.ServicerContext
    ) -> audit_pb2.PreviewImpactResponse:
        store = self._store()
        fields.checked(
            ("ruleset_id", request.ruleset_id, fields.MAX_ID),
            ("tender_id", request.tender_id, fields.MAX_ID),
            ("since", request.since, 40),
            ("until", request.until, 40),
        )
        if not request.ruleset_id:
            violation = FieldViolation("ruleset_id", "name the rule set the draft is of")
            raise statuses.ServiceError(statuses.bad_request([violation], "which rule set?"))
        active = self.evaluations.rulesets.get(request.ruleset_id)
        library = getattr(self.evaluations.rulesets, "library", None)
        name = f"{request.ruleset_id}.yaml"
        draft = check_text(request.source_text, name, self.accept, library)
        if draft.id != active.id:
            said = f"the draft is of rule set {draft.id}, not {active.id}"
            violation = FieldViolation("source_text", said)
            raise statuses.ServiceError(statuses.bad_request([violation], said))
        if not self._previews.acquire(blocking=False):
            said = "another impact preview is running on this server; try again when it ends"
            raise statuses.ServiceError(statuses.exhausted("impact previews", said, retry_after=5))
        try:
            left = calls.time_left(context)
            timeout = impact.TIMEOUT if left is None else min(impact.TIMEOUT, left)
            return impact.preview(store, self.evaluations, draft, active, request, timeout)
        except TimeoutError:
            said = "the deadline passed before the recorded evaluations were evaluated again"
            raise statuses.ServiceError(statuses.deadline(said)) from None
        finally:
            self._previews.release()

    def _recorded_ruleset(self, digest: str) -> CompiledRuleSet:
        """The recorded version, compiled from its recorded text (whatever the server now
        holds); its digest must be the recorded one."""
        if digest in self._compiled:
            return self._compiled[digest]
        version = self._store().ruleset_version(digest)
        if version is None:
            raise statuses.ServiceError(statuses.not_found_record("rule set version", digest))
        try:
            cited = citations_from_json(version.citations) if version.citations else None
            compiled = check_text(version.source_text, version.file, self.accept, citations=cited)
        except RuleFileError as exc:
            name = f"{version.ruleset_id}@{version.version}"
            message = f"the recorded rule set {name} no longer compiles: {exc}"
            raise statuses.ServiceError(statuses.precondition(digest, message)) from exc
        if compiled.digest != digest:
            raise statuses.ServiceError(
                statuses.precondition(
                    digest, "the recorded rule set text does not match its digest"
                )
            )
        self._compiled[digest] = compiled  # a race compiles it twice, harmlessly
        return compiled


_FILTERS = ("tender_id", "contract_id", "supplier_id", "ruleset_id")


def _tender_fields(request: Any) -> None:
    fields.checked(
        ("tender_id", request.tender_id, fields.MAX_ID), ("request_id", request.request_id, 64)
    )


def _page_token(token: str) -> int:
    if not token:
        return 0
    if not token.isdigit():
        violation = FieldViolation("page_token", "is not a token this service gave")
        raise statuses.ServiceError(statuses.bad_request([violation], "bad page token"))
    return int(token)


def _is_contract(found: Evaluation) -> bool:
    return found.kind == "monitoring"


def _submission(found: Evaluation) -> Serialized:
    """The recorded request item, as the live call handed it to the workers."""
    if _is_contract(found):
        return Serialized(found.subject_id, found.submission)
    message = submission_pb2.Submission.FromString(found.submission)
    return Serialized(message.id, message.answers.SerializeToString())


_PLAIN_FIELDS = [
    name
    for name in audit_pb2.EvaluationRecord.DESCRIPTOR.fields_by_name
    if name in Evaluation.__dataclass_fields__ and name not in ("submission", "result", "view")
]


def _record(found: Evaluation, full: bool = False) -> audit_pb2.EvaluationRecord:
    record = audit_pb2.EvaluationRecord(
        **{name: getattr(found, name) for name in _PLAIN_FIELDS},
        ruleset=result_pb2.RulesetRef(
            id=found.ruleset_id, version=found.ruleset_version, digest=found.ruleset_digest
        ),
        view=messages.VIEWS[BASIC if found.view == BASIC else FULL],
    )
    if not full:
        return record
    if _is_contract(found):
        record.contract_check.MergeFromString(found.submission)
        record.contract_result.MergeFromString(found.result)
    else:
        record.submission.MergeFromString(found.submission)
        record.result.MergeFromString(found.result)
    return record


def _parsed(found: Evaluation, raw: Encoded) -> Any:
    message: Any = monitoring_pb2.ContractResult() if _is_contract(found) else result_pb2.Result()
    message.MergeFromString(raw)
    return message


def _as_json(found: Evaluation, raw: Encoded) -> list[str]:
    message = _parsed(found, raw)
    text = json_format.MessageToJson(message, sort_keys=True, preserving_proto_field_name=True)
    return text.splitlines(keepends=True)


def _diff(found: Evaluation, replayed: Encoded) -> str:
    return "".join(
        difflib.unified_diff(
            _as_json(found, found.result),
            _as_json(found, replayed),
            fromfile=f"recorded #{found.seq}",
            tofile="replayed",
        )
    )
