"""The floor for the service benchmark: gRPC alone, no evaluation.

Serves Evaluate, EvaluateStream and EvaluateBatchStream over the same messages as
probity.v1, answering every call at once with one result prepared in advance (the strong
example's, about 20 KB), on a sync gRPC server like ours. Whatever our server does beyond
this is the engine's cost.
Run: python -m benchmarks.bare_server PORT [aio]. With `aio`, the same on grpc.aio (one
event loop, no thread per call): what an asyncio server would change in latency.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc

from benchmarks.conftest import ROOT
from probity.codec import messages, wire
from probity.engine.compiler.pipeline import load_file
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.v1 import evaluation_pb2


def _result() -> bytes:
    record = json.loads((ROOT / "rules/examples/nolan-tender/strong.json").read_text())
    evaluator = Evaluator(load_file(ROOT / "rules/nolan-tender.yaml"))
    return messages.encode(evaluator.evaluate(Submission(record["id"], record["answers"])))


def _handlers(evaluate: Any, stream: Any, batches: Any) -> dict[str, Any]:
    """Evaluate, EvaluateStream and EvaluateBatchStream over probity.v1's messages,
    answered by these functions."""
    serialize = wire.passthrough(evaluation_pb2.EvaluateResponse.SerializeToString)
    return {
        "EvaluateBatchStream": grpc.stream_stream_rpc_method_handler(
            batches,
            request_deserializer=evaluation_pb2.EvaluateBatchStreamRequest.FromString,
            response_serializer=serialize,
        ),
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


def _batch_answer(request: Any, result: bytes, number: int) -> bytes:
    """The canned result for every submission of a batch, written as ours are."""
    answers = [wire.result_pieces(s.id, result) for s in request.submissions]
    return wire.batch_response(answers, number)  # type: ignore[arg-type]


async def main_aio(port: int) -> None:
    result = _result()

    async def evaluate(request: Any, context: Any) -> bytes:
        return wire.evaluate_response(result)

    async def stream(requests: Any, context: Any) -> Any:
        async for request in requests:
            yield wire.stream_result(request.submission.id, result)

    async def batches(requests: Any, context: Any) -> Any:
        number = 0
        async for request in requests:
            number += 1
            yield _batch_answer(request, result, number)

    handlers = _handlers(evaluate, stream, batches)
    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("probity.v1.EvaluationService", handlers),)
    )
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    print("serving", flush=True)
    await server.wait_for_termination()


def main(port: int) -> None:
    result = _result()

    def evaluate(request: Any, context: Any) -> bytes:
        return wire.evaluate_response(result)

    def stream(requests: Iterator[Any], context: Any) -> Iterator[bytes]:
        for request in requests:
            yield wire.stream_result(request.submission.id, result)

    def batches(requests: Iterator[Any], context: Any) -> Iterator[bytes]:
        for number, request in enumerate(requests, 1):
            yield _batch_answer(request, result, number)

    handlers = _handlers(evaluate, stream, batches)
    server = grpc.server(ThreadPoolExecutor(max_workers=64))
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("probity.v1.EvaluationService", handlers),)
    )
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    print("serving", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    if sys.argv[2:] == ["aio"]:
        asyncio.run(main_aio(int(sys.argv[1])))
    else:
        main(int(sys.argv[1]))
