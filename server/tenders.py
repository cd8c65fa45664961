"""A recorded tender read back from the decision log: the ranking its call sent joined to
each bid's recorded result (GetTender), and each bidder's assessment summary written from it
(GetAssessmentSummaries) by the same reports the command line writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.protobuf.message import Message

from probity.codec import messages, views
from probity.codec.as_json import tender_to_dict
from probity.codec.expansion import Catalog, expand
from probity.engine import BASIC, FULL, CompiledRuleSet, FieldViolation
from probity.server import statuses
from probity.store.log import DecisionLog
from probity.v1 import audit_pb2, evaluation_pb2, result_pb2

# The fewest bytes a recorded bid takes in an answer (a BASIC result is about 4 kB): a tender
# with more bids than the message limit holds at this size is refused before it is read.
BID_BYTES = 2048
# Bids an assessment summary's tender may have: every summary reads the whole tender (its
# ranking, every bid's result), so a larger one would hold gigabytes for one call.
MOST_SUMMARISED_BIDS = 10_000


def recorded_tender(
    log: DecisionLog, tender_id: str, request_id: str = "", most_bids: int | None = None
) -> audit_pb2.GetTenderResponse:
    """The tender's newest ranking (or the one call `request_id` sent), with its bids'
    results as recorded; NOT_FOUND when the log holds none; RESOURCE_EXHAUSTED, before any
    bid's result is read, when it has more than `most_bids`."""
    if not tender_id:
        violation = FieldViolation("tender_id", "give the tender's id")
        raise statuses.ServiceError(statuses.bad_request([violation], "which tender?"))
    found = log.tender(tender_id, request_id)
    if found is None:
        name = f"{tender_id} (call {request_id})" if request_id else tender_id
        raise statuses.ServiceError(statuses.not_found_record("tender", name))
    ranking = evaluation_pb2.EvaluateTenderResponse.FromString(found.ranking)
    if most_bids is not None and len(ranking.bids) > most_bids:
        said = (
            f"tender {tender_id} has {len(ranking.bids):,} bids, more than one answer can "
            f"carry ({most_bids:,}): list its bids with ListEvaluations (tender_id) and read "
            "each with GetEvaluation"
        )
        raise statuses.ServiceError(statuses.exhausted("bids in one answer", said))
    recorded = {e.subject_id: e for e in log.evaluations_of_call(found.request_id)}
    response = audit_pb2.GetTenderResponse(
        request_id=found.request_id,
        recorded_at=found.recorded_at,
        method=found.method,
        caller_name=found.caller_name,
        caller_role=found.caller_role,
        request_ids=[call for call, _at in log.tender_calls(tender_id)],
    )
    views_seen = set()
    for bid in ranking.bids:
        evaluation = recorded.get(bid.submission_id)
        if evaluation is None:  # recorded in one transaction with its ranking: never so
            message = f"the log holds tender {tender_id}'s ranking but not {bid.submission_id}"
            raise statuses.ServiceError(statuses.precondition(tender_id, message))
        bid.result.MergeFromString(evaluation.result)
        views_seen.add(evaluation.view)
        response.bids.add(submission_id=bid.submission_id, seq=evaluation.seq, item=evaluation.item)
    response.tender.CopyFrom(ranking)
    response.view = messages.VIEWS[BASIC if BASIC in views_seen else FULL]
    return response


def fitting(response: Message, limit: int, advice: str) -> None:
    """RESOURCE_EXHAUSTED, before anything is sent, if `response` would pass the message
    limit (gRPC would fail the call only after its handler returned, logged as OK)."""
    size = response.ByteSize()
    if size > limit:
        raise statuses.ServiceError(statuses.oversized(size, limit, advice))


def summaries(
    found: audit_pb2.GetTenderResponse,
    ruleset: Callable[[str], CompiledRuleSet],
    wanted: list[str],
    limit: int,
) -> audit_pb2.GetAssessmentSummariesResponse:
    """Each wanted bidder's assessment summary (every bidder's when none is named), from a
    recorded tender; `ruleset(digest)` is the recorded version, to expand BASIC results by.
    Writing stops as soon as the answer would pass `limit` bytes."""
    tender = found.tender
    unknown = sorted(set(wanted) - {bid.submission_id for bid in tender.bids})
    if unknown:
        violations = [
            FieldViolation("submission_ids", f"{s!r} is not a bid of this tender") for s in unknown
        ]
        raise statuses.ServiceError(statuses.bad_request(violations, "no such bid in the tender"))
    if found.view == messages.VIEWS[BASIC]:
        catalog = Catalog.of(views.catalog(ruleset(tender.ruleset.digest)))
        for bid in tender.bids:
            expand(bid.result, catalog)
    # imported here: templates and charts
    from probity.reports import summaries as written
    from probity.reports.reg31 import Incomplete

    response = audit_pb2.GetAssessmentSummariesResponse(
        tender_id=tender.tender_id,
        request_id=found.request_id,
        ruleset=result_pb2.RulesetRef(
            id=tender.ruleset.id, version=tender.ruleset.version, digest=tender.ruleset.digest
        ),
    )
    documents = written.documents(tender_to_dict(tender), set(wanted) or None)
    try:
        _add_summaries(response, documents, limit)
    except Incomplete as exc:  # none is issued while one lacks what reg 31 asks for
        raise statuses.ServiceError(statuses.precondition(tender.tender_id, str(exc))) from None
    return response


def _add_summaries(response: Any, documents: Any, limit: int) -> None:
    """Each document into the response, as long as the answer fits `limit` bytes."""
    for document in documents:
        shown = document.bid
        response.summaries.add(
            submission_id=shown["submission_id"],
            supplier_id=shown.get("supplier_id", ""),
            supplier_name=shown.get("supplier_name", ""),
            most_advantageous=shown.get("rank") == 1,
            html=document.html,
            text=document.text,
        )
        done = len(response.summaries)
        fitting(
            response,
            limit,
            f"ask for fewer bidders' summaries (submission_ids), at most "
            f"about {max(1, done - 1)} at a time",
        )
