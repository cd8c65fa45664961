"""EvaluationService: protobuf in, engine calls, protobuf out. One submission or contract
is answered here; streams (server.streams), batches (server.batches) and whole tenders
(server.tender_calls) by the handlers this service hands them to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc

from probity.codec import wire
from probity.engine import Encoded, Evaluations
from probity.server import calls, statuses
from probity.server.batches import Batches
from probity.server.handling import EvaluationCalls, Kind, outcome_error, still_waited_for
from probity.server.recording import Recorder
from probity.server.settings import Limits
from probity.server.streams import Streams
from probity.server.tender_calls import TenderCalls
from probity.v1 import evaluation_pb2, evaluation_pb2_grpc


class EvaluationService(evaluation_pb2_grpc.EvaluationServiceServicer, EvaluationCalls):
    def __init__(self, evaluations: Evaluations, recorder: Recorder, limits: Limits) -> None:
        EvaluationCalls.__init__(self, evaluations, recorder, limits)
        self.streams = Streams(evaluations, recorder, limits)
        self.batches = Batches(evaluations, recorder, limits)
        self.tenders = TenderCalls(evaluations, recorder, limits)

    # -- one submission ------------------------------------------------------------------
    def Evaluate(
        self, request: evaluation_pb2.EvaluateRequest, context: grpc.ServicerContext
    ) -> bytes:
        """An EvaluateResponse, in wire format (codec.wire)."""
        return self._one(context, Kind.TENDER, request)

    def _one(
        self,
        context: grpc.ServicerContext,
        kind: Kind,
        request: Any,
    ) -> bytes:
        """One submission or contract: its response in wire format, or the call aborted."""
        record = calls.current()
        record.count = 1
        prepared = self.prepare(
            request.ruleset_id, request.ruleset_version, kind.ruleset, view=request.view
        )
        (outcome,) = self.wait(prepared.submit([kind.serialized(request)]), context)
        status = outcome_error(outcome, kind.prefix)
        if status is not None:
            raise statuses.ServiceError(status)
        assert isinstance(outcome, Encoded)
        response = self.deliverable(wire.evaluate_response(outcome), 1)
        still_waited_for(context)
        self.recorder.recorded(prepared, record.origin, [kind.item(request)], [outcome])
        return response

    def EvaluateStream(
        self,
        requests: Iterator[evaluation_pb2.EvaluateStreamRequest],
        context: grpc.ServicerContext,
    ) -> Iterator[evaluation_pb2.EvaluateStreamResponse | bytes]:
        return self.streams.run(requests, context, Kind.TENDER)

    # -- many submissions a message ------------------------------------------------------
    def EvaluateBatch(
        self, request: evaluation_pb2.EvaluateBatchRequest, context: grpc.ServicerContext
    ) -> bytes:
        """An EvaluateBatchResponse, in wire format (codec.wire)."""
        return self.batches.evaluate(request, context)

    def EvaluateBatchStream(
        self,
        requests: Iterator[evaluation_pb2.EvaluateBatchStreamRequest],
        context: grpc.ServicerContext,
    ) -> Iterator[bytes]:
        return self.batches.stream(requests, context)

    # -- contract monitoring -------------------------------------------------------------
    def CheckContract(
        self, request: evaluation_pb2.CheckContractRequest, context: grpc.ServicerContext
    ) -> bytes:
        """A CheckContractResponse, in wire format (codec.wire)."""
        return self._one(context, Kind.MONITORING, request)

    def CheckPortfolio(
        self,
        requests: Iterator[evaluation_pb2.CheckPortfolioRequest],
        context: grpc.ServicerContext,
    ) -> Iterator[evaluation_pb2.CheckPortfolioResponse | bytes]:
        return self.streams.run(requests, context, Kind.MONITORING)

    def EvaluateTender(
        self, request: evaluation_pb2.EvaluateTenderRequest, context: grpc.ServicerContext
    ) -> bytes:
        calls.current().count = len(request.bids)
        return self.tenders.evaluate(request, context)

    def EvaluateTenderStream(
        self,
        requests: Iterator[evaluation_pb2.EvaluateTenderStreamRequest],
        context: grpc.ServicerContext,
    ) -> Iterator[evaluation_pb2.EvaluateTenderStreamResponse | bytes]:
        return self.tenders.stream(requests, context)
