"""Authentication, roles and the per-call log line."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2

from probity.server.app import ProbityServer
from probity.server.auth import TokenFileError, TokenStore, allowed, digest
from tests.server.conftest import client_for, example
from tests.server.details import detail, status_of

MINI_SOURCE = "tests/fixtures/mini.yaml"


def _code(call: object) -> grpc.StatusCode:
    try:
        call()  # type: ignore[operator]
    except grpc.RpcError as exc:
        return exc.code()  # type: ignore[no-any-return]
    return grpc.StatusCode.OK


def test_no_token_or_a_wrong_one_is_unauthenticated(secured_server: ProbityServer) -> None:
    with client_for(secured_server, None) as anonymous:
        with pytest.raises(grpc.RpcError) as caught:
            anonymous.list_rulesets()
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "Bearer" in caught.value.details()
        assert anonymous.health() == "SERVING"  # probes need no token
    with client_for(secured_server, None) as forger:
        forger.metadata = (("authorization", "Bearer prb_not-a-real-token"),)
        with pytest.raises(grpc.RpcError) as caught:
            forger.evaluate("nolan-tender", example("strong"))
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_each_role_may_do_only_its_own_work(secured_server: ProbityServer) -> None:
    text = Path(MINI_SOURCE).read_text()
    expected = {
        "portal": ("OK", "OK", "PERMISSION_DENIED", "PERMISSION_DENIED"),
        "policy": ("OK", "OK", "OK", "OK"),
        "auditor": ("PERMISSION_DENIED", "OK", "PERMISSION_DENIED", "PERMISSION_DENIED"),
    }
    for role, (evaluate, read, validate, reload) in expected.items():
        with client_for(secured_server, role) as probity:
            got = (
                _code(lambda: probity.evaluate("nolan-tender", example("strong"))).name,
                _code(lambda: probity.get_ruleset("nolan-tender")).name,
                _code(lambda: probity.validate_ruleset(text, "mini.yaml")).name,
                _code(lambda: probity.reload_rulesets()).name,
            )
        assert got == (evaluate, read, validate, reload), role


def test_a_refusal_names_the_role(secured_server: ProbityServer) -> None:
    with client_for(secured_server, "auditor") as auditor, pytest.raises(grpc.RpcError) as caught:
        list(auditor.evaluate_stream("nolan-tender", [example("strong")]))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    info = detail(status_of(caught.value), error_details_pb2.ErrorInfo)
    assert (info.reason, info.metadata["role"]) == ("ROLE_NOT_ALLOWED", "auditor")


def test_the_role_table() -> None:
    evaluate = "/probity.v1.EvaluationService/EvaluateTender"
    publish = "/probity.v1.RulesetService/PublishRuleset"
    listing = "/probity.v1.RulesetService/ListRulesets"
    assert allowed("portal", evaluate) and not allowed("portal", publish)
    assert allowed("policy", publish) and allowed("policy", evaluate)
    assert allowed("auditor", listing) and not allowed("auditor", evaluate)
    assert not allowed("stranger", listing)


def test_token_files_store_hashes_and_bad_ones_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "tokens.toml"
    good.write_text(f'[[token]]\nname = "a"\nrole = "portal"\nsha256 = "{digest("secret")}"\n')
    store = TokenStore.load(good)
    assert store.caller("secret") is not None and store.caller("secret").role == "portal"  # type: ignore[union-attr]
    assert store.caller("Secret") is None
    assert "secret" not in good.read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text('[[token]]\nname = "a"\nrole = "admin"\nsha256 = "00"\n')
    with pytest.raises(TokenFileError, match="role must be one of portal, policy, auditor"):
        TokenStore.load(bad)


def test_each_call_is_logged_without_submission_content(
    secured_server: ProbityServer, capsys: pytest.CaptureFixture[str]
) -> None:
    record = example("strong")
    record["id"] = "log-check-7731"
    with client_for(secured_server, "portal") as portal:
        portal.evaluate("nolan-tender", record)
    out = capsys.readouterr().out
    line = next(t for t in out.splitlines() if "EvaluationService/Evaluate" in t)
    digest_ = secured_server.registry.get("nolan-tender").digest
    for expected in (
        "caller=portal-caller",
        f"ruleset_digest={digest_}",
        "count=1",
        "status=OK",
        "duration_ms=",
    ):
        assert expected in line, line
    assert "Northfield" not in out and "log-check-7731" not in out  # no submission content


def test_a_stream_logs_the_rule_sets_it_used(
    secured_server: ProbityServer, capsys: pytest.CaptureFixture[str]
) -> None:
    with client_for(secured_server, "portal") as portal:
        list(portal.evaluate_stream("nolan-tender", [example("strong"), example("weak")]))
    line = next(t for t in capsys.readouterr().out.splitlines() if "EvaluateStream" in t)
    digest_ = secured_server.registry.get("nolan-tender").digest
    assert f"ruleset_digest={digest_}" in line and "count=2" in line, line


def test_errors_become_a_status_in_the_interceptor_and_a_defect_is_internal() -> None:
    """Handlers raise; the interceptor alone answers. An error of ours (a defect) is
    INTERNAL, never UNKNOWN, and its text (which may hold a server path) stays in the log."""
    from concurrent.futures import ThreadPoolExecutor

    from probity.engine.errors import UnknownRuleset
    from probity.server.calls import CallInterceptor

    def unknown(request: bytes, context: grpc.ServicerContext) -> bytes:
        raise UnknownRuleset("nope", "", ["mini"])

    def defect(request: bytes, context: grpc.ServicerContext) -> bytes:
        raise RuntimeError("/srv/probity/secret.py exploded")

    server = grpc.server(ThreadPoolExecutor(2), interceptors=[CallInterceptor(None)])
    handlers = {
        name: grpc.unary_unary_rpc_method_handler(behaviour)
        for name, behaviour in (("Unknown", unknown), ("Defect", defect))
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("t.T", handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            for method, code in (("Unknown", "NOT_FOUND"), ("Defect", "INTERNAL")):
                with pytest.raises(grpc.RpcError) as caught:
                    channel.unary_unary(f"/t.T/{method}")(b"", timeout=10)
                assert caught.value.code().name == code
                assert "secret" not in caught.value.details()
            assert status_of(caught.value).message == "internal error; see the server log"
    finally:
        server.stop(None)
