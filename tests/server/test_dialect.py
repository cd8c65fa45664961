"""One JSON dialect (issue 20, item 5): one result pinned in BASIC and FULL as gRPC JSON
(protobuf's JSON mapping, field names as written), and shown to read the same from grpcurl
(a Go peer), from the command line on a server, and from the command line here; replay of
the result in either view is byte-identical.

Regenerate the pinned files after a rule-file change with PROBITY_REGENERATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format

from probity.clients.client import ProbityClient
from probity.clients.request_messages import submission_message
from probity.server.app import ProbityServer
from probity.v1 import evaluation_pb2, result_pb2
from tests.clients.test_cli import probity
from tests.conftest import RULES
from tests.server.conftest import running, settings_for
from tests.server.test_grpcurl import grpcurl_open

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "views"
EXAMPLE = RULES / "examples" / "nolan-tender" / "weak.json"
VIEWS = {"basic": result_pb2.RESULT_VIEW_BASIC, "full": result_pb2.RESULT_VIEW_FULL}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbityServer]:
    with running(settings_for(tmp_path_factory.mktemp("dialect"))) as started:
        yield started


def _submission() -> dict[str, Any]:
    record: dict[str, Any] = json.loads(EXAMPLE.read_text())
    return {k: record[k] for k in ("id", "tender_id", "supplier", "answers")}


def grpc_json(message: Any) -> str:
    """gRPC JSON as every protobuf library writes it: every field, names as written."""
    return json_format.MessageToJson(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def _evaluate(server: ProbityServer, view: str) -> result_pb2.Result:
    with ProbityClient(f"127.0.0.1:{server.port}") as client:
        request = evaluation_pb2.EvaluateRequest(
            ruleset_id="nolan-tender",
            submission=submission_message(_submission()),
            view=VIEWS[view],
        )
        response: evaluation_pb2.EvaluateResponse = client._evaluation.Evaluate(request)
        return response.result


@pytest.mark.parametrize("view", ["basic", "full"])
def test_the_pinned_result_in_grpc_json(server: ProbityServer, view: str) -> None:
    shown = grpc_json(_evaluate(server, view)) + "\n"
    pinned = GOLDEN / f"nolan-tender-weak.{view}.json"
    if os.environ.get("PROBITY_REGENERATE_GOLDEN"):
        pinned.write_text(shown)
    assert shown == pinned.read_text()


def test_grpc_json_and_cli_json_are_one_dialect(server: ProbityServer) -> None:
    """Equal as JSON values: outcomes, severities and bands are words alike, text with no
    value is "", an answer not given is null; whole numbers may be written 3 or 3.0."""
    full = json.loads((GOLDEN / "nolan-tender-weak.full.json").read_text())
    basic = json.loads((GOLDEN / "nolan-tender-weak.basic.json").read_text())
    request = {"ruleset_id": "nolan-tender", "submission": _submission()}
    from_go = grpcurl_open(server, "probity.v1.EvaluationService/Evaluate", data=request)
    assert json.loads(from_go)["result"] == full
    lean = dict(request, view="RESULT_VIEW_BASIC")
    from_go = grpcurl_open(server, "probity.v1.EvaluationService/Evaluate", data=lean)
    assert _set(json.loads(from_go)["result"]) == _set(basic)
    at = ["--server", f"127.0.0.1:{server.port}", "--ruleset", "nolan-tender"]
    remote = probity("evaluate", *at, str(EXAMPLE))  # sent BASIC, expanded
    local = probity("evaluate", "--rules", str(RULES / "nolan-tender.yaml"), str(EXAMPLE))
    assert remote.returncode == 0 and local.returncode == 0, remote.stderr + local.stderr
    assert remote.stdout == local.stdout  # the same text, numbers written alike
    assert json.loads(remote.stdout) == full


def _set(value: Any) -> Any:
    """Without null fields: Go's printer writes a message field BASIC leaves unset (a
    finding's source) as null, Python's leaves it out; both mean "not sent"."""
    if isinstance(value, dict):
        return {k: _set(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_set(v) for v in value]
    return value


def test_both_views_replay_byte_identical(server: ProbityServer) -> None:
    for view in VIEWS:
        _evaluate(server, view)
    with ProbityClient(f"127.0.0.1:{server.port}") as client:
        recorded = [r for r in client.list_evaluations() if r.subject_id == _submission()["id"]]
        assert {r.view for r in recorded} == set(VIEWS.values())
        for record in recorded:
            replayed = client.replay(record.seq)
            assert replayed.identical, replayed.diff
