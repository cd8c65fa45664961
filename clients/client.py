"""ProbityClient: typed Python methods for every probity.v1 call.

Retries on UNAVAILABLE are gRPC's own (a retry policy in the channel's service config), with
exponential back-off; deadlines are per call (`timeout`, seconds).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from probity.clients.catalogs import Catalogs, Expanding
from probity.clients.channel import open_channel
from probity.clients.panel import PanelClient
from probity.clients.request_messages import (
    bid_message,
    contract_message,
    return_message,
    submission_message,
    tender_details,
)
from probity.v1 import (
    audit_pb2,
    audit_pb2_grpc,
    evaluation_pb2,
    evaluation_pb2_grpc,
    monitoring_pb2,
    result_pb2,
    ruleset_pb2,
    ruleset_pb2_grpc,
)

DEFAULT_TARGET = "127.0.0.1:50051"
# Submissions a message in evaluate_batches: enough that gRPC's cost per message is small
# beside the batch's (FULL results of 256 bids are about 2-8 MB, within a message's limit).
BATCH_SIZE = 256

# What an evaluation method returns: "full" results (sent BASIC and expanded here when the
# client is `lean`), or "basic" ones as the server sent them (see ResultView).
View = Literal["full", "basic"]


# How a stream breaks when its server goes away mid-stream: directly UNAVAILABLE; through a
# balancer, the reset stream can also arrive as INTERNAL or UNKNOWN.
_BROKEN = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN)


class ProbityClient:
    def __init__(
        self,
        target: str = DEFAULT_TARGET,
        *,
        token: str | None = None,
        tls_ca: Path | None = None,
        client_cert: Path | None = None,
        client_key: Path | None = None,
        tls: bool = False,
        server_name: str | None = None,
        attempts: int = 4,
        timeout: float | None = 60.0,
        max_message_bytes: int = 16 * 1024 * 1024,
        lean: bool = True,
    ) -> None:
        """TLS when `tls` or any certificate is given (`tls_ca` to trust a private CA;
        `client_cert` and `client_key` for mutual TLS). `lean`: full results are sent as
        BASIC and expanded here, from each rule set version's catalog, fetched once."""
        self.channel = open_channel(
            target, tls, tls_ca, client_cert, client_key, server_name, attempts, max_message_bytes
        )
        self.metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self.timeout = timeout
        # The generated stubs are untyped; every method below gives its call a type.
        self._evaluation = evaluation_pb2_grpc.EvaluationServiceStub(self.channel)  # type: ignore[no-untyped-call]
        self._rulesets = ruleset_pb2_grpc.RulesetServiceStub(self.channel)  # type: ignore[no-untyped-call]
        self._audit = audit_pb2_grpc.AuditServiceStub(self.channel)  # type: ignore[no-untyped-call]
        self._health = health_pb2_grpc.HealthStub(self.channel)
        self.lean = lean
        self.catalogs = Catalogs(self._catalog)

    def __enter__(self) -> ProbityClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.channel.close()

    @property
    def panel(self) -> PanelClient:
        """The evaluation panel's calls (PanelService)."""
        return PanelClient(self.channel, self._call)

    def _call(self, method: Any, request: Any, timeout: float | None = None) -> Any:
        return method(request, timeout=timeout or self.timeout, metadata=self.metadata)

    def _catalog(self, ref: result_pb2.RulesetRef) -> result_pb2.ResultCatalog:
        """A version's catalog: from the rule sets the server holds, else (a version it no
        longer serves, for auditors) from the decision log."""
        try:
            held = self.get_ruleset(ref.id, ref.version, catalog_only=True).catalog
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND:
                raise
        else:
            if held.ruleset.digest == ref.digest:
                return held
        return self.get_ruleset_version_catalog(ref.digest)

    def _asked(self, view: View) -> result_pb2.ResultView:
        """The ResultView to ask the server for."""
        if view == "basic" or self.lean:
            return result_pb2.RESULT_VIEW_BASIC
        return result_pb2.RESULT_VIEW_FULL

    def _shown(self, view: View) -> bool:
        """Whether results come BASIC and are to be expanded here."""
        return view == "full" and self.lean

    def _expand_items(self, responses: Any, view: View, field: str) -> Any:
        """Stream responses, each one's result (in its `field`, or itself) expanded when it
        has one (a tender's ranking comes after the bids, and carries none). Still the
        call: cancel(), code() and the rest work as on gRPC's own."""
        if not self._shown(view):
            return responses
        return Expanding(responses, self.catalogs, field)

    # -- evaluation ------------------------------------------------------------------------
    def evaluate(
        self,
        ruleset_id: str,
        submission: Mapping[str, Any],
        *,
        version: str = "",
        view: View = "full",
    ) -> result_pb2.Result:
        request = evaluation_pb2.EvaluateRequest(
            ruleset_id=ruleset_id,
            ruleset_version=version,
            submission=submission_message(submission),
            view=self._asked(view),
        )
        response: evaluation_pb2.EvaluateResponse = self._call(self._evaluation.Evaluate, request)
        if self._shown(view):
            self.catalogs.expand(response.result)
        return response.result

    def evaluate_stream(
        self,
        ruleset_id: str,
        submissions: Iterable[Mapping[str, Any]],
        *,
        version: str = "",
        timeout: float | None = None,
        view: View = "full",
        resume: int = 0,
    ) -> Iterator[evaluation_pb2.EvaluateStreamResponse]:
        """Results (or per-submission errors) as the server finishes them, in any order.
        `resume`: when the stream breaks (its server went away, behind a balancer), send the
        submissions not yet answered on a new stream, up to `resume` times; each submission
        is then answered once (their ids must differ)."""
        if resume:
            return self._resumed(ruleset_id, list(submissions), version, timeout, view, resume)
        asked = self._asked(view)
        requests = (
            evaluation_pb2.EvaluateStreamRequest(
                ruleset_id=ruleset_id,
                ruleset_version=version,
                submission=submission_message(s),
                view=asked,
            )
            for s in submissions
        )
        responses: Iterator[evaluation_pb2.EvaluateStreamResponse] = (
            self._evaluation.EvaluateStream(requests, timeout=timeout, metadata=self.metadata)
        )
        expanded: Iterator[evaluation_pb2.EvaluateStreamResponse] = self._expand_items(
            responses, view, ""
        )
        return expanded

    def evaluate_batch(
        self,
        ruleset_id: str,
        submissions: Iterable[Mapping[str, Any]],
        *,
        version: str = "",
        view: View = "full",
        timeout: float | None = None,
    ) -> list[evaluation_pb2.EvaluateStreamResponse]:
        """Many submissions in one call (EvaluateBatch): one answer each, its result or its
        error, in the order given."""
        request = evaluation_pb2.EvaluateBatchRequest(
            ruleset_id=ruleset_id,
            ruleset_version=version,
            submissions=[submission_message(s) for s in submissions],
            view=self._asked(view),
        )
        response = self._call(self._evaluation.EvaluateBatch, request, timeout)
        return list(self._expand_items(iter(response.answers), view, ""))

    def evaluate_batches(
        self,
        ruleset_id: str,
        submissions: Iterable[Mapping[str, Any]],
        *,
        batch_size: int = BATCH_SIZE,
        version: str = "",
        timeout: float | None = None,
        view: View = "full",
    ) -> Iterator[evaluation_pb2.EvaluateStreamResponse]:
        """Like evaluate_stream, `batch_size` submissions a message (EvaluateBatchStream):
        the fastest way to evaluate many. Answers come a batch at a time, in the order the
        submissions were given."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        asked = self._asked(view)

        def requests() -> Iterator[evaluation_pb2.EvaluateBatchStreamRequest]:
            items = iter(submissions)
            while chunk := list(itertools.islice(items, batch_size)):
                yield evaluation_pb2.EvaluateBatchStreamRequest(
                    ruleset_id=ruleset_id,
                    ruleset_version=version,
                    submissions=[submission_message(s) for s in chunk],
                    view=asked,
                )

        call = self._evaluation.EvaluateBatchStream(
            requests(), timeout=timeout, metadata=self.metadata
        )
        answers = (answer for response in call for answer in response.answers)
        expanded: Iterator[evaluation_pb2.EvaluateStreamResponse] = self._expand_items(
            answers, view, ""
        )
        return expanded

    def _resumed(
        self,
        ruleset_id: str,
        submissions: list[Mapping[str, Any]],
        version: str,
        timeout: float | None,
        view: View,
        resume: int,
    ) -> Iterator[evaluation_pb2.EvaluateStreamResponse]:
        waiting = {str(s["id"]): s for s in submissions}
        if len(waiting) != len(submissions):
            raise ValueError("a resumed stream needs each submission's id to differ")
        for attempt in range(resume + 1):
            try:
                stream = self.evaluate_stream(
                    ruleset_id, list(waiting.values()), version=version, timeout=timeout,
                    view=view,
                )  # fmt: skip
                for answer in stream:
                    if waiting.pop(answer.submission_id, None) is not None:
                        yield answer
                return
            except grpc.RpcError as exc:
                if exc.code() not in _BROKEN or attempt == resume or not waiting:
                    raise

    def evaluate_tender(
        self,
        ruleset_id: str,
        tender_id: str,
        bids: Iterable[Mapping[str, Any]],
        *,
        version: str = "",
        view: View = "full",
        details: Mapping[str, Any] | None = None,
    ) -> evaluation_pb2.EvaluateTenderResponse:
        """`details`: the procurement (TenderDetails' fields), for its summaries."""
        request = evaluation_pb2.EvaluateTenderRequest(
            ruleset_id=ruleset_id,
            ruleset_version=version,
            tender_id=tender_id,
            bids=[bid_message(b) for b in bids],
            view=self._asked(view),
            details=tender_details(details),
        )
        response: evaluation_pb2.EvaluateTenderResponse = self._call(
            self._evaluation.EvaluateTender, request
        )
        if self._shown(view):
            for bid in response.bids:
                self.catalogs.expand(bid.result)
        return response

    def evaluate_tender_stream(
        self,
        ruleset_id: str,
        tender_id: str,
        bids: Iterable[Mapping[str, Any]],
        *,
        version: str = "",
        timeout: float | None = None,
        view: View = "full",
        details: Mapping[str, Any] | None = None,
    ) -> Iterator[evaluation_pb2.EvaluateTenderStreamResponse]:
        """A tender of any size: each bid's answer as it is done, then the ranking.
        `details`: the procurement (TenderDetails' fields), for its summaries."""
        header = evaluation_pb2.TenderHeader(
            ruleset_id=ruleset_id,
            ruleset_version=version,
            tender_id=tender_id,
            view=self._asked(view),
            details=tender_details(details),
        )

        def requests() -> Iterator[evaluation_pb2.EvaluateTenderStreamRequest]:
            yield evaluation_pb2.EvaluateTenderStreamRequest(tender=header)
            for bid in bids:
                yield evaluation_pb2.EvaluateTenderStreamRequest(bid=bid_message(bid))

        responses: Iterator[evaluation_pb2.EvaluateTenderStreamResponse] = (
            self._evaluation.EvaluateTenderStream(
                requests(), timeout=timeout, metadata=self.metadata
            )
        )
        expanded: Iterator[evaluation_pb2.EvaluateTenderStreamResponse] = self._expand_items(
            responses, view, "bid"
        )
        return expanded

    # -- contract monitoring ---------------------------------------------------------------
    def check_contract(
        self,
        ruleset_id: str,
        contract: Mapping[str, Any],
        returns: Iterable[Mapping[str, Any]],
        *,
        version: str = "",
        view: View = "full",
    ) -> monitoring_pb2.ContractResult:
        """One contract's findings and ratings, from its returns (in any order)."""
        request = evaluation_pb2.CheckContractRequest(
            ruleset_id=ruleset_id,
            ruleset_version=version,
            contract=contract_message(contract),
            returns=[return_message(r) for r in returns],
            view=self._asked(view),
        )
        response: evaluation_pb2.CheckContractResponse = self._call(
            self._evaluation.CheckContract, request
        )
        if self._shown(view):
            self.catalogs.expand_contract(response.result)
        return response.result

    def check_portfolio(
        self,
        ruleset_id: str,
        series: Iterable[tuple[Mapping[str, Any], Iterable[Mapping[str, Any]]]],
        *,
        version: str = "",
        timeout: float | None = None,
        view: View = "full",
    ) -> Iterator[evaluation_pb2.CheckPortfolioResponse]:
        """For each (contract, returns), its result or error, as the server finishes them."""
        asked = self._asked(view)
        requests = (
            evaluation_pb2.CheckPortfolioRequest(
                ruleset_id=ruleset_id,
                ruleset_version=version,
                contract=contract_message(contract),
                returns=[return_message(r) for r in returns],
                view=asked,
            )
            for contract, returns in series
        )
        responses = self._evaluation.CheckPortfolio(
            requests, timeout=timeout, metadata=self.metadata
        )
        expanded: Iterator[evaluation_pb2.CheckPortfolioResponse] = self._expand_items(
            responses, view, ""
        )
        return expanded

    # -- rule sets -------------------------------------------------------------------------
    def list_rulesets(self) -> list[ruleset_pb2.RulesetInfo]:
        response: ruleset_pb2.ListRulesetsResponse = self._call(
            self._rulesets.ListRulesets, ruleset_pb2.ListRulesetsRequest()
        )
        return list(response.rulesets)

    def get_ruleset(
        self, ruleset_id: str, version: str = "", *, catalog_only: bool = False
    ) -> ruleset_pb2.GetRulesetResponse:
        request = ruleset_pb2.GetRulesetRequest(
            id=ruleset_id, version=version, catalog_only=catalog_only
        )
        response: ruleset_pb2.GetRulesetResponse = self._call(self._rulesets.GetRuleset, request)
        return response

    def validate_ruleset(
        self, source_text: str, file_name: str = ""
    ) -> ruleset_pb2.ValidateRulesetResponse:
        response: ruleset_pb2.ValidateRulesetResponse = self._call(
            self._rulesets.ValidateRuleset,
            ruleset_pb2.ValidateRulesetRequest(source_text=source_text, file_name=file_name),
        )
        return response

    def try_ruleset(
        self, source_text: str, answers: Mapping[str, Any], file_name: str = ""
    ) -> ruleset_pb2.TryRulesetResponse:
        """The answers evaluated on rule-file text in the server's sandbox; nothing is
        recorded and the text is not kept."""
        request = ruleset_pb2.TryRulesetRequest(source_text=source_text, file_name=file_name)
        request.answers.update(dict(answers))
        response: ruleset_pb2.TryRulesetResponse = self._call(
            self._rulesets.TryRuleset, request, timeout=max(self.timeout or 0, 300)
        )
        return response

    def test_ruleset(
        self, source_text: str, file_name: str = ""
    ) -> ruleset_pb2.TestRulesetResponse:
        """Rule-file text's own tests, run in the server's sandbox."""
        response: ruleset_pb2.TestRulesetResponse = self._call(
            self._rulesets.TestRuleset,
            ruleset_pb2.TestRulesetRequest(source_text=source_text, file_name=file_name),
            timeout=max(self.timeout or 0, 300),
        )
        return response

    def publish_ruleset(
        self, source_text: str, file_name: str = "", note: str = ""
    ) -> ruleset_pb2.PublishRulesetResponse:
        """Make a new version active on every replica; `note` says why (kept with it)."""
        request = ruleset_pb2.PublishRulesetRequest(
            source_text=source_text, file_name=file_name, note=note
        )
        response: ruleset_pb2.PublishRulesetResponse = self._call(
            self._rulesets.PublishRuleset, request
        )
        return response

    def caller(self) -> ruleset_pb2.GetCallerResponse:
        """Who this client's token names, and its role (empty on a server without tokens)."""
        response: ruleset_pb2.GetCallerResponse = self._call(
            self._rulesets.GetCaller, ruleset_pb2.GetCallerRequest()
        )
        return response

    def reload_rulesets(self) -> ruleset_pb2.ReloadRulesetsResponse:
        response: ruleset_pb2.ReloadRulesetsResponse = self._call(
            self._rulesets.ReloadRulesets, ruleset_pb2.ReloadRulesetsRequest()
        )
        return response

    # -- the decision log (auditor and policy roles) ----------------------------------------
    def get_evaluation(self, seq: int, view: View = "full") -> audit_pb2.EvaluationRecord:
        """One recorded evaluation; a result recorded BASIC is expanded unless `view` is
        "basic" (its `view` still says how it was sent)."""
        response: audit_pb2.GetEvaluationResponse = self._call(
            self._audit.GetEvaluation, audit_pb2.GetEvaluationRequest(seq=seq)
        )
        record = response.evaluation
        if record.view == result_pb2.RESULT_VIEW_BASIC and view == "full":
            if record.HasField("result"):
                self.catalogs.expand(record.result)
            elif record.HasField("contract_result"):
                self.catalogs.expand_contract(record.contract_result)
        return record

    def list_evaluations(self, **filters: Any) -> Iterator[audit_pb2.EvaluationRecord]:
        """Every recorded evaluation matching the filters (tender_id, contract_id,
        supplier_id, ruleset_id, since, until), newest first, page by page."""
        token = ""
        while True:
            request = audit_pb2.ListEvaluationsRequest(page_token=token, **filters)
            page: audit_pb2.ListEvaluationsResponse = self._call(
                self._audit.ListEvaluations, request
            )
            yield from page.evaluations
            token = page.next_page_token
            if not token:
                return

    def get_ruleset_version(
        self, digest: str = "", ruleset_id: str = "", version: str = ""
    ) -> audit_pb2.RulesetVersionRecord:
        request = audit_pb2.GetRulesetVersionRequest(
            digest=digest, ruleset_id=ruleset_id, version=version
        )
        response: audit_pb2.GetRulesetVersionResponse = self._call(
            self._audit.GetRulesetVersion, request
        )
        return response.ruleset

    def get_ruleset_version_catalog(self, digest: str) -> result_pb2.ResultCatalog:
        """A recorded version's catalog (see ResultCatalog), by digest."""
        request = audit_pb2.GetRulesetVersionRequest(digest=digest)
        response: audit_pb2.GetRulesetVersionResponse = self._call(
            self._audit.GetRulesetVersion, request
        )
        return response.catalog

    def derive_contract(
        self, tender_id: str, request_id: str = "", contract_id: str = ""
    ) -> audit_pb2.DeriveContractResponse:
        """From award to contract: the recorded tender's winning bid as a contract whose
        KPI targets are the bid's commitments (DeriveContract)."""
        request = audit_pb2.DeriveContractRequest(
            tender_id=tender_id, request_id=request_id, contract_id=contract_id
        )
        response: audit_pb2.DeriveContractResponse = self._call(self._audit.DeriveContract, request)
        return response

    def performance_notice(
        self, seq: int, issued_on: str = ""
    ) -> audit_pb2.GetPerformanceNoticeResponse:
        """A recorded contract check's contract performance notice (HTML and OCDS)."""
        request = audit_pb2.GetPerformanceNoticeRequest(seq=seq, issued_on=issued_on)
        response: audit_pb2.GetPerformanceNoticeResponse = self._call(
            self._audit.GetPerformanceNotice, request
        )
        return response

    def get_tender(
        self, tender_id: str, request_id: str = "", view: View = "full"
    ) -> audit_pb2.GetTenderResponse:
        """A recorded tender: the ranking its newest call (or call `request_id`) sent, each
        bid's result as recorded (expanded from BASIC unless `view` is "basic") and the
        evaluation behind each."""
        request = audit_pb2.GetTenderRequest(tender_id=tender_id, request_id=request_id)
        response: audit_pb2.GetTenderResponse = self._call(self._audit.GetTender, request)
        if response.view == result_pb2.RESULT_VIEW_BASIC and view == "full":
            for bid in response.tender.bids:
                self.catalogs.expand(bid.result)
            response.view = result_pb2.RESULT_VIEW_FULL
        return response

    def assessment_summaries(
        self, tender_id: str, request_id: str = "", submission_ids: Iterable[str] = ()
    ) -> audit_pb2.GetAssessmentSummariesResponse:
        """Each bidder's assessment summary (or those of `submission_ids`) of a recorded
        tender, as HTML and as text."""
        request = audit_pb2.GetAssessmentSummariesRequest(
            tender_id=tender_id, request_id=request_id, submission_ids=list(submission_ids)
        )
        response: audit_pb2.GetAssessmentSummariesResponse = self._call(
            self._audit.GetAssessmentSummaries, request
        )
        return response

    def preview_impact(
        self, ruleset_id: str, source_text: str, **scope: Any
    ) -> audit_pb2.PreviewImpactResponse:
        """What publishing `source_text` would change in the recorded evaluations of the
        active version (scope: tender_id, since, until, limit). Nothing is recorded."""
        request = audit_pb2.PreviewImpactRequest(
            ruleset_id=ruleset_id, source_text=source_text, **scope
        )
        response: audit_pb2.PreviewImpactResponse = self._call(
            self._audit.PreviewImpact, request, timeout=max(self.timeout or 0, 600)
        )
        return response

    def replay(self, seq: int) -> audit_pb2.ReplayResponse:
        response: audit_pb2.ReplayResponse = self._call(
            self._audit.Replay, audit_pb2.ReplayRequest(seq=seq)
        )
        return response

    # -- health ----------------------------------------------------------------------------
    def health(self, service: str = "", timeout: float = 5.0) -> str:
        """SERVING, NOT_SERVING, … for the server ("") or one service."""
        response = self._health.Check(
            health_pb2.HealthCheckRequest(service=service), timeout=timeout
        )
        return str(health_pb2.HealthCheckResponse.ServingStatus.Name(response.status))
