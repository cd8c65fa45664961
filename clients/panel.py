"""The evaluation panel's calls (PanelService), for a lead, an evaluator or an auditor:
`ProbityClient(...).panel`. Each method is one call; the server decides who may do what."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import grpc

from probity.v1 import panel_pb2, panel_pb2_grpc

# ProbityClient's way of making a call (its token, timeout and retries): (method, request).
Call = Callable[[Any, Any], Any]


class PanelClient:
    def __init__(self, channel: grpc.Channel, call: Call) -> None:
        self._call = call
        self._stub = panel_pb2_grpc.PanelServiceStub(channel)  # type: ignore[no-untyped-call]

    def list_panels(self, limit: int = 0) -> list[panel_pb2.PanelListing]:
        """The panels the caller may see, newest first (an evaluator's: theirs)."""
        request = panel_pb2.ListPanelsRequest(limit=limit)
        response: panel_pb2.ListPanelsResponse = self._call(self._stub.ListPanels, request)
        return list(response.panels)

    def open(
        self, tender_id: str, evaluators: Iterable[str], divergence: int = 0
    ) -> panel_pb2.Panel:
        """Lead: open a recorded tender for panel scoring, appointing its evaluators."""
        request = panel_pb2.OpenPanelRequest(
            tender_id=tender_id, evaluators=list(evaluators), divergence=divergence
        )
        response: panel_pb2.OpenPanelResponse = self._call(self._stub.OpenPanel, request)
        return response.panel

    def get(self, tender_id: str) -> panel_pb2.Panel:
        request = panel_pb2.GetPanelRequest(tender_id=tender_id)
        response: panel_pb2.GetPanelResponse = self._call(self._stub.GetPanel, request)
        return response.panel

    def declare(self, tender_id: str, declarations: Mapping[str, str | None]) -> list[str]:
        """Evaluator: for each bid (submission id), None for no conflict of interest, else
        what the conflict is. The bids still to declare."""
        request = panel_pb2.DeclareInterestsRequest(
            tender_id=tender_id,
            declarations=[
                panel_pb2.Declaration(
                    submission_id=bid, conflict=details is not None, details=details or ""
                )
                for bid, details in declarations.items()
            ],
        )
        response: panel_pb2.DeclareInterestsResponse = self._call(
            self._stub.DeclareInterests, request
        )
        return list(response.undeclared)

    def mitigate(
        self, tender_id: str, evaluator: str, submission_id: str, mitigation: str
    ) -> panel_pb2.PanelRecord:
        request = panel_pb2.RecordMitigationRequest(
            tender_id=tender_id,
            evaluator=evaluator,
            submission_id=submission_id,
            mitigation=mitigation,
        )
        response: panel_pb2.RecordMitigationResponse = self._call(
            self._stub.RecordMitigation, request
        )
        return response.record

    def bid(self, tender_id: str, submission_id: str) -> panel_pb2.GetBidToScoreResponse:
        """Evaluator: a bid's answers to the panel criteria, with the scale and guidance."""
        request = panel_pb2.GetBidToScoreRequest(tender_id=tender_id, submission_id=submission_id)
        response: panel_pb2.GetBidToScoreResponse = self._call(self._stub.GetBidToScore, request)
        return response

    def score(
        self, tender_id: str, submission_id: str, scores: Mapping[str, tuple[int, str]]
    ) -> list[panel_pb2.PanelRecord]:
        """Evaluator: criterion → (points, rationale), for every panel criterion of a bid."""
        request = panel_pb2.SubmitScoresRequest(
            tender_id=tender_id,
            submission_id=submission_id,
            scores=[
                panel_pb2.PanelScore(criterion=c, points=p, rationale=why)
                for c, (p, why) in scores.items()
            ],
        )
        response: panel_pb2.SubmitScoresResponse = self._call(self._stub.SubmitScores, request)
        return list(response.records)

    def scores(self, tender_id: str, submission_id: str) -> panel_pb2.GetScoresResponse:
        request = panel_pb2.GetScoresRequest(tender_id=tender_id, submission_id=submission_id)
        response: panel_pb2.GetScoresResponse = self._call(self._stub.GetScores, request)
        return response

    def moderate(
        self, tender_id: str, submission_id: str, criterion: str, points: int, rationale: str
    ) -> panel_pb2.ModerateResponse:
        request = panel_pb2.ModerateRequest(
            tender_id=tender_id,
            submission_id=submission_id,
            criterion=criterion,
            points=points,
            rationale=rationale,
        )
        response: panel_pb2.ModerateResponse = self._call(self._stub.Moderate, request)
        return response

    def finish(self, tender_id: str) -> bool:
        """Lead: make the final ranking again (should it have failed after the last
        moderation). True when it was already final."""
        request = panel_pb2.FinishPanelRequest(tender_id=tender_id)
        response: panel_pb2.FinishPanelResponse = self._call(self._stub.FinishPanel, request)
        return response.already_final
