"""OpenTelemetry traces of the service's calls, sent to an OTLP endpoint (--otlp-endpoint;
off by default): one span per RPC, from the gRPC instrumentation package, with the
probity-request-id that names the call in the decision log. Installed with the `tracing`
extra, and imported only when an endpoint is given."""

from __future__ import annotations

from typing import Any

from probity.engine import ENGINE_VERSION


def start(endpoint: str) -> tuple[Any, Any]:
    """A gRPC server interceptor that traces each call, and the tracer provider behind it
    (shut it down at stop, to send what is buffered)."""
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.grpc import server_interceptor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": "probity", "service.version": ENGINE_VERSION})
    provider = TracerProvider(resource=resource)
    insecure = not endpoint.startswith("https://")
    exporter = OTLPSpanExporter(endpoint=endpoint, insecure=insecure)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return server_interceptor(tracer_provider=provider), provider  # type: ignore[no-untyped-call]
