"""The floor for the service benchmark: gRPC alone, no evaluation.

Serves Evaluate and EvaluateStream over the same messages as probity.v1, answering every
call at once with one result prepared in advance (the strong example's, about 20 KB), on a
sync gRPC server like ours. Whatever our server does beyond this is the engine's cost.
Run: python -m benchmarks.bare_server PORT
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc

from benchmarks.conftest import ROOT
from probity.engine.compiler.pipeline import load_file
from probity.engine.evaluation.evaluator import Evaluator, Submission
from probity.server.codec import messages, wire
from probity.v1 import evaluation_pb2


def main(port: int) -> None:
    record = json.loads((ROOT / "rules/examples/nolan-tender/strong.json").read_text())
    evaluator = Evaluator(load_file(ROOT / "rules/nolan-tender.yaml"))
    result = messages.encode(evaluator.evaluate(Submission(record["id"], record["answers"])))

    def evaluate(request: Any, context: Any) -> bytes:
        return wire.evaluate_response(result)

    def stream(requests: Iterator[Any], context: Any) -> Iterator[bytes]:
        for request in requests:
            yield wire.stream_result(request.submission.id, result)

    serialize = wire.passthrough(evaluation_pb2.EvaluateResponse.SerializeToString)
    handlers = {
        "Evaluate": grpc.unary_unary_rpc_method_handler(
            evaluate,
            request_deserializer=evaluation_pb2.EvaluateRequest.FromString,
            response_serializer=serialize,
        ),
        "EvaluateStream": grpc.stream_stream_rpc_method_handler(
            stream,
            request_deserializer=evaluation_pb2.EvaluateStreamRequest.FromString,
            response_serializer=serialize,
        ),
    }
    server = grpc.server(ThreadPoolExecutor(max_workers=64))
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("probity.v1.EvaluationService", handlers),)
    )
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    print("serving", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main(int(sys.argv[1]))
