"""OpenTelemetry tracing: with --otlp-endpoint, each call is a span sent over OTLP/gRPC to a
collector (here a real OTLP trace receiver on loopback); without it, nothing is traced."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from probity.clients.client import ProbityClient
from tests.server.conftest import example, running, settings_for


class _Collector(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self) -> None:
        self.spans: list[Any] = []
        self.resources: list[dict[str, str]] = []
        self.lock = threading.Lock()

    def Export(self, request: Any, context: Any) -> Any:
        with self.lock:
            for resource_spans in request.resource_spans:
                attributes = {
                    a.key: a.value.string_value for a in resource_spans.resource.attributes
                }
                for scope in resource_spans.scope_spans:
                    self.spans.extend(scope.spans)
                    self.resources.extend(attributes for _ in scope.spans)
        return trace_service_pb2.ExportTraceServiceResponse()


def test_each_call_is_a_span_sent_to_the_collector(tmp_path: Path) -> None:
    collector = _Collector()
    receiver = grpc.server(ThreadPoolExecutor(max_workers=4))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(collector, receiver)
    port = receiver.add_insecure_port("127.0.0.1:0")
    receiver.start()
    try:
        settings = settings_for(tmp_path, otlp_endpoint=f"127.0.0.1:{port}")
        with (
            running(settings) as server,
            ProbityClient(f"127.0.0.1:{server.port}", timeout=60, attempts=1) as client,
        ):
            client.evaluate("nolan-tender", example("strong"))
            client.evaluate("nolan-tender", example("weak"))
            client.list_rulesets()
        # stopping the server sent the spans still buffered
    finally:
        receiver.stop(grace=1)
    names = [span.name for span in collector.spans]
    assert names.count("/probity.v1.EvaluationService/Evaluate") == 2
    assert names.count("/probity.v1.RulesetService/ListRulesets") == 1
    assert all(r.get("service.name") == "probity" for r in collector.resources)
    assert len({span.trace_id for span in collector.spans}) == len(collector.spans)


def test_no_endpoint_no_tracing(tmp_path: Path) -> None:
    with running(settings_for(tmp_path)) as server:
        assert server._tracing is None
