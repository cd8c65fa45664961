"""Fuzzed submissions over real gRPC: hypothesis perturbs the shipped examples (values of
every type, unknown keys, answers nested past any limit, texts too long or holding
noncharacters, numbers JSON cannot hold) and damages request bytes; each batch goes as one
EvaluateStream and its first items as unary Evaluate calls. Every item must be answered
exactly once, with a result or a refusal naming its field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.rpc import code_pb2, error_details_pb2, status_pb2
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from probity.server.app import ProbityServer
from probity.v1 import evaluation_pb2
from tests.conftest import RULES
from tests.fuzz import wire
from tests.fuzz.outcomes import SUBMISSIONS, Tally

BATCH = 50
EXAMPLES = [
    json.loads(path.read_text())["answers"]
    for path in sorted((RULES / "examples" / "nolan-tender").glob("*.json"))
]
TALLY = Tally("submissions over gRPC (EvaluateStream and Evaluate)")
_FINITE = st.floats(allow_nan=False, allow_infinity=False)

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(),  # NaN and infinities too
    _FINITE,
    st.text(max_size=30),
    st.sampled_from(["yes", "always", "often", "", "2026-13-45", "1e309", "\ufdd0", "é" * 40]),
    st.integers(10_001, 12_000).map(lambda n: "x" * n),  # over the text limit
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def _nested(depth: int) -> Any:
    item: Any = "deep"
    for _ in range(depth):
        item = {"a": item}
    return item


def _leaf_paths(answers: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for key, item in answers.items():
        here = (*prefix, key)
        paths.extend(_leaf_paths(item, here) if isinstance(item, dict) else [here])
    return paths


@st.composite
def perturbed_answers(draw: st.DrawFn) -> dict[str, Any]:
    answers: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    paths = _leaf_paths(answers)
    for _ in range(draw(st.integers(0, 4))):
        path = draw(st.sampled_from(paths))
        node = answers
        for part in path[:-1]:
            node = node.setdefault(part, {}) if isinstance(node, dict) else {}
        if not isinstance(node, dict):
            continue
        how = draw(st.sampled_from(["set", "delete", "unknown", "deep"]))
        if how == "set":
            node[path[-1]] = draw(values)
        elif how == "delete":
            node.pop(path[-1], None)
        elif how == "unknown":
            node[draw(st.text(min_size=1, max_size=8))] = draw(values)
        else:
            node[path[-1]] = _nested(draw(st.integers(20, 60)))
    return answers


@st.composite
def request_bytes(draw: st.DrawFn, number: int) -> bytes:
    ruleset = draw(st.sampled_from(["nolan-tender"] * 8 + ["no-such-ruleset", "x" * 300]))
    ident = draw(st.sampled_from([f"f{number}"] * 9 + ["", "é" * 250]))
    data = wire.evaluate_request(ruleset, ident, draw(perturbed_answers()))
    if draw(st.integers(0, 9)) == 0:  # damaged bytes: flipped, cut short or inserted
        damage = bytearray(data)
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, max(0, len(damage) - 1)))
            how = draw(st.sampled_from(["flip", "cut", "insert"]))
            if how == "flip" and damage:
                damage[at] ^= draw(st.integers(1, 255))
            elif how == "cut":
                del damage[at:]
            else:
                damage.insert(at, draw(st.integers(0, 255)))
        data = bytes(damage)
    return data


def classify(status: status_pb2.Status, folder: Path) -> str:
    if str(folder) in status.message:
        return "server path in a message"
    if status.code in (code_pb2.UNKNOWN, code_pb2.INTERNAL):
        return "UNKNOWN or INTERNAL"
    if status.code == code_pb2.INVALID_ARGUMENT:
        fields = []
        for packed in status.details:
            found = error_details_pb2.BadRequest()
            if packed.Unpack(found):
                fields += [v.field for v in found.field_violations]
        located = bool(fields) and all(fields)
        return "refused at a field" if located else "error without a location"
    if status.code == code_pb2.DEADLINE_EXCEEDED:
        return "hang"
    return f"refused: {code_pb2.Code.Name(status.code)}"


def _call_status(error: grpc.RpcError) -> status_pb2.Status:
    from grpc_status import rpc_status

    found = rpc_status.from_call(error)  # type: ignore[arg-type]
    if found is not None:
        return found
    return status_pb2.Status(code=error.code().value[0], message=error.details() or "")


@pytest.fixture(scope="module")
def channel(fuzz_server: ProbityServer) -> Any:
    with grpc.insecure_channel(f"127.0.0.1:{fuzz_server.port}") as opened:
        yield opened


@settings(
    max_examples=SUBMISSIONS // BATCH,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(st.lists(st.integers(0, 10**6), min_size=BATCH, max_size=BATCH).flatmap(
    lambda numbers: st.tuples(*(request_bytes(n) for n in range(len(numbers))))
))  # fmt: skip
def _fuzz_batch(channel: Any, folder: Path, batch: tuple[bytes, ...]) -> None:
    stream = channel.stream_stream(
        "/probity.v1.EvaluationService/EvaluateStream",
        response_deserializer=evaluation_pb2.EvaluateStreamResponse.FromString,
    )
    try:
        responses = list(stream(iter(batch), timeout=120))
    except grpc.RpcError as error:
        outcome = classify(_call_status(error), folder)
        TALLY.add("hang" if outcome == "hang" else "crash", f"stream: {error}")
        return
    if len(responses) != len(batch):
        TALLY.add("lost or duplicated", f"{len(batch)} sent, {len(responses)} answered")
    for response in responses:
        if response.HasField("result"):
            TALLY.add("result")
        else:
            TALLY.add(classify(response.error, folder), str(response.error))
    evaluate = channel.unary_unary(
        "/probity.v1.EvaluationService/Evaluate",
        response_deserializer=evaluation_pb2.EvaluateResponse.FromString,
    )
    for request in batch[:5]:  # the same bytes as unary calls
        try:
            evaluate(request, timeout=60)
            TALLY.add("result")
        except grpc.RpcError as error:
            status = _call_status(error)
            TALLY.add(classify(status, folder), f"{status.code}: {status.message}")


def test_fuzzed_submissions_are_answered_once_with_a_result_or_a_located_refusal(
    channel: Any, server_folder: Path, fuzz_server: ProbityServer
) -> None:
    _fuzz_batch(channel, server_folder)
    with grpc.insecure_channel(f"127.0.0.1:{fuzz_server.port}") as fresh:
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        check = health_pb2_grpc.HealthStub(fresh).Check
        health = check(health_pb2.HealthCheckRequest(), timeout=10)
        if health.status != health_pb2.HealthCheckResponse.SERVING:
            TALLY.add("crash", "the server stopped serving")
    print("\n" + TALLY.report())
    assert TALLY.bad == {}, TALLY.report()
    assert TALLY.counts["result"] > 0 and TALLY.counts["refused at a field"] > 0
