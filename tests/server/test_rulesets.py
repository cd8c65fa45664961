"""RulesetService and the rule set lifecycle: validate, publish, reload, atomic swaps."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from jsonschema import Draft202012Validator

from probity.clients.client import ProbityClient
from probity.engine.workers.acceptance import FAILPOINT, MEMORY_FAILPOINT
from probity.server.app import ProbityServer
from tests.conftest import FIXTURES, MINI_STRONG, RULES, SHIPPED
from tests.server.conftest import TOKENS, example, running, settings_for, token_file
from tests.server.details import detail, status_of, violations

NOLAN = (RULES / "nolan-tender.yaml").read_text()
MINI = (FIXTURES / "mini.yaml").read_text()


def bumped(text: str, version: str, **replace: str) -> str:
    old = next(line for line in text.splitlines() if line.startswith("version: "))
    text = text.replace(old, f"version: {version}", 1)
    for before, after in replace.items():
        text = text.replace(before, after)
    return text


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ProbityServer]:
    with running(settings_for(tmp_path)) as started:
        yield started


@pytest.fixture
def probity(server: ProbityServer) -> Iterator[ProbityClient]:
    with ProbityClient(f"127.0.0.1:{server.port}", timeout=120) as client:
        yield client


def test_list_and_get_show_the_loaded_rule_sets(probity: ProbityClient) -> None:
    listed = probity.list_rulesets()
    assert [r.id for r in listed] == SHIPPED
    nolan = next(r for r in listed if r.id == "nolan-tender")
    assert nolan.criteria_count == 46 and nolan.kind == "tender"
    got = probity.get_ruleset("nolan-tender")
    assert got.source_text == NOLAN
    assert got.ruleset.digest == nolan.digest
    with pytest.raises(grpc.RpcError) as caught:
        probity.get_ruleset("nope")
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_validate_reports_every_problem_at_line_and_column(probity: ProbityClient) -> None:
    broken = MINI.replace("severity: critical", "severity: critcal").replace(
        "weight: 60", "weight: sixty"
    )
    checked = probity.validate_ruleset(broken, "mini.yaml")
    assert not checked.valid
    found = {(d.line, d.column, d.file) for d in checked.diagnostics}
    line = next(n for n, t in enumerate(broken.splitlines(), 1) if "critcal" in t)
    assert (line, 15) in {(n, c) for n, c, _ in found}
    assert all(f.endswith("mini.yaml") for _, _, f in found)
    assert any("number" in d.message for d in checked.diagnostics)
    assert "schema" in {d.code for d in checked.diagnostics}  # stable, for tools
    good = probity.validate_ruleset(MINI, "mini.yaml")
    assert good.valid and good.ruleset.id == "mini" and not good.diagnostics


def test_a_tests_file_is_looked_for_in_the_rules_folder_only(probity: ProbityClient) -> None:
    """Issue 19, item 8: `file:` resolved against the server's working directory, with the
    caller's path: false errors, and an oracle for which server paths exist."""
    nolan = (RULES / "nolan-tender.yaml").read_text()
    elsewhere = probity.validate_ruleset(nolan, "/somewhere/else/on/the/client/nolan-tender.yaml")
    assert elsewhere.valid  # examples/... found in the server's rules folder
    for probe in ("/etc/passwd", "../../../etc/passwd"):
        probed = probity.validate_ruleset(
            nolan.replace("file: examples/nolan-tender/strong.json", f"file: {probe}"), "x.yaml"
        )
        assert not probed.valid
        (problem,) = probed.diagnostics
        assert "inside the rule set's folder" in problem.message
        assert problem.file == "x.yaml"  # the caller's name, no server path
    missing = probity.validate_ruleset(
        nolan.replace("examples/nolan-tender/strong.json", "examples/nolan-tender/nope.json"),
        "/client/dir/nolan-tender.yaml",
    )
    (problem,) = missing.diagnostics
    assert problem.file == "nolan-tender.yaml" and "no file 'examples/nolan-tender/nope.json'" in (
        problem.message
    )


def test_validate_returns_warnings_beside_a_valid_rule_set(probity: ProbityClient) -> None:
    question = "    question: Which of these policies has your organisation adopted?\n"
    checked = probity.validate_ruleset(MINI.replace(question, ""), "mini.yaml")
    assert checked.valid and checked.ruleset.id == "mini"
    (warning,) = checked.diagnostics
    assert (warning.code, warning.severity) == ("question", "warning")
    assert "input 'policies' has no 'question'" in warning.message
    problem = probity.validate_ruleset(MINI.replace("weight: 60", "weight: sixty"), "mini.yaml")
    assert {d.severity for d in problem.diagnostics} == {"error"}


def test_validate_and_publish_refuse_a_quote_not_in_its_document(
    probity: ProbityClient, server: ProbityServer
) -> None:
    """The server checks quotes against its own source library (rules/sources)."""
    changed = MINI.replace("declare and resolve", "declare and ignore")
    line = next(n for n, t in enumerate(changed.splitlines(), 1) if "declare and ignore" in t)
    checked = probity.validate_ruleset(changed, "mini.yaml")
    assert not checked.valid
    (problem,) = checked.diagnostics
    assert (problem.line, problem.column, problem.code) == (line, 14, "source")
    assert "the document does not go on “ignore any interests" in problem.message
    with pytest.raises(grpc.RpcError) as caught:
        probity.publish_ruleset(changed, "mini.yaml")
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert f"mini.yaml:{line}:14" in caught.value.details()
    assert not (server.settings.rules / "mini.yaml").exists()
    published = probity.publish_ruleset(MINI, "mini.yaml")
    result = probity.evaluate("mini", {"id": "s1", "answers": MINI_STRONG}, version="1.0.0")
    cited = {f.source.citation for f in result.findings}
    assert published.ruleset.id == "mini" and all("Committee on Standards" in c for c in cited)
    assert {f.source.section for f in result.findings} == {"page 107"}


def test_publish_makes_a_new_version_active_in_the_store_and_it_outlives_a_restart(
    probity: ProbityClient, server: ProbityServer
) -> None:
    old = probity.evaluate("nolan-tender", example("strong")).ruleset
    text = bumped(NOLAN, "9.2.0", **{"quality: 60\n  price: 40": "quality: 70\n  price: 30"})
    published = probity.publish_ruleset(text, "nolan-tender.yaml", note="price weighs less")
    assert (published.ruleset.version, published.previous_version) == ("9.2.0", old.version)
    assert list(published.ruleset.other_versions) == [old.version]
    new = probity.evaluate("nolan-tender", example("strong")).ruleset
    assert (new.version, new.digest) == ("9.2.0", published.ruleset.digest)
    pinned = probity.evaluate("nolan-tender", example("strong"), version=old.version).ruleset
    assert pinned.digest == old.digest  # an older version stays evaluable by number
    assert server.settings.rules.joinpath("nolan-tender.yaml").read_text() == NOLAN  # untouched
    reloaded = probity.reload_rulesets()
    assert {r.id: r.version for r in reloaded.rulesets}["nolan-tender"] == "9.2.0"
    (said,) = [d.message for d in reloaded.diagnostics]  # the folder's older text is not read
    assert "the store holds rule set nolan-tender (active version 9.2.0)" in said
    made = probity.get_ruleset("nolan-tender").activations
    assert [(a.version, a.how, a.note) for a in made] == [
        ("9.2.0", "published", "price weighs less"),
        (old.version, "seeded", "from the rules folder (nolan-tender.yaml)"),
    ]
    server.stop(grace=1)
    with (
        running(server.settings.model_copy(update={"port": 0})) as again,
        ProbityClient(f"127.0.0.1:{again.port}", timeout=120) as after,
    ):
        assert after.get_ruleset("nolan-tender").ruleset.version == "9.2.0"
        pinned = after.evaluate("nolan-tender", example("strong"), version=old.version)
        assert pinned.ruleset.digest == old.digest


def test_publishing_a_broken_rule_set_changes_nothing(
    probity: ProbityClient, server: ProbityServer
) -> None:
    before = probity.get_ruleset("nolan-tender").ruleset
    broken = bumped(NOLAN, "9.3.0", **{"weight: 20": "weight: 25"})
    with pytest.raises(grpc.RpcError) as caught:
        probity.publish_ruleset(broken, "nolan-tender.yaml")
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    problems = violations(status_of(caught.value))
    assert "source_text" in problems and "add up to" in problems["source_text"]
    assert problems["source_text"].split(":")[1].isdigit()  # file:line:col
    assert probity.get_ruleset("nolan-tender").ruleset == before
    assert server.settings.rules.joinpath("nolan-tender.yaml").read_text() == NOLAN


def test_versions_only_go_forward(probity: ProbityClient) -> None:
    active = probity.get_ruleset("nolan-tender").ruleset.version
    changed = NOLAN.replace("quality: 60\n  price: 40", "quality: 50\n  price: 50")
    with pytest.raises(grpc.RpcError) as caught:  # same number, different text
        probity.publish_ruleset(changed, "nolan-tender.yaml")
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    failure = detail(status_of(caught.value), error_details_pb2.PreconditionFailure)
    assert "new version number" in failure.violations[0].description
    with pytest.raises(grpc.RpcError) as caught:
        probity.publish_ruleset(bumped(changed, "0.9.0"), "nolan-tender.yaml")
    assert "below the active version" in caught.value.details()
    same = probity.publish_ruleset(NOLAN, "nolan-tender.yaml")  # republishing is a no-op
    assert same.ruleset.version == active


def test_publish_adds_a_new_rule_set(probity: ProbityClient, server: ProbityServer) -> None:
    published = probity.publish_ruleset(MINI, "mini.yaml")
    assert published.ruleset.id == "mini" and published.previous_version == ""
    assert [r.id for r in probity.list_rulesets()] == sorted([*SHIPPED, "mini"])
    assert not (server.settings.rules / "mini.yaml").exists()  # it lives in the store


def test_reload_keeps_the_working_version_of_a_broken_file(
    probity: ProbityClient, server: ProbityServer
) -> None:
    before = probity.get_ruleset("nolan-tender").ruleset
    path = server.settings.rules / "nolan-tender.yaml"
    path.write_text(bumped(NOLAN, "2.0.0", **{"min_total: 75": "min_total: many"}))
    (server.settings.rules / "mini.yaml").write_text(MINI)
    reloaded = probity.reload_rulesets()
    assert [d.file for d in reloaded.diagnostics] == [str(path)]
    assert reloaded.diagnostics[0].line > 1
    versions = {r.id: r.version for r in reloaded.rulesets}
    assert (versions["mini"], versions["nolan-tender"]) == ("1.0.0", before.version)
    assert len(versions) == len(SHIPPED) + 1
    assert probity.evaluate("nolan-tender", example("strong")).ruleset.digest == before.digest


def test_reload_refuses_an_edit_that_kept_its_version(tmp_path: Path) -> None:
    """Without a store (--db off) the folder is read as it is, and still checked."""
    with (
        running(settings_for(tmp_path, db="off")) as server,
        ProbityClient(f"127.0.0.1:{server.port}", timeout=120) as probity,
    ):
        _an_edit_that_kept_its_version_is_refused(probity, server)


def _an_edit_that_kept_its_version_is_refused(
    probity: ProbityClient, server: ProbityServer
) -> None:
    before = probity.get_ruleset("nolan-tender").ruleset
    path = server.settings.rules / "nolan-tender.yaml"
    path.write_text(NOLAN.replace("quality: 60\n  price: 40", "quality: 50\n  price: 50"))
    reloaded = probity.reload_rulesets()
    assert "new version number" in reloaded.diagnostics[0].message
    assert reloaded.diagnostics[0].code == "ruleset_conflict"
    assert probity.get_ruleset("nolan-tender").ruleset == before


def test_a_rule_set_durable_rules_crashes_on_is_refused_and_the_server_keeps_serving(
    probity: ProbityClient, server: ProbityServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """durable_rules never runs in the server's process: it is asked in a child, whose
    crash costs only a diagnostic (validate, publish and reload alike). The known crashes
    (a class of over 4,096 characters) are now refused before durable_rules sees them, so the
    child is made to crash on this rule set's id, as durable_rules would."""
    monkeypatch.setenv(FAILPOINT, "crashing")
    crashing = MINI.replace("id: mini", "id: crashing", 1)
    checked = probity.validate_ruleset(crashing, "mini.yaml")
    assert not checked.valid
    assert [d.code for d in checked.diagnostics] == ["engine_refused"]
    assert "crashed" in checked.diagnostics[0].message
    with pytest.raises(grpc.RpcError) as caught:
        probity.publish_ruleset(crashing, "mini.yaml")
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    (server.settings.rules / "crashing.yaml").write_text(crashing)
    reloaded = probity.reload_rulesets()
    assert [d.code for d in reloaded.diagnostics] == ["engine_refused"]
    assert probity.health() == "SERVING"
    assert probity.evaluate("nolan-tender", example("strong")).band
    assert probity.validate_ruleset(MINI, "mini.yaml").valid  # a new child took over


def test_health_says_the_rule_set_path_is_down_while_its_process_is_replaced(
    probity: ProbityClient, server: ProbityServer
) -> None:
    """Issue 30: with the acceptance child killed while idle, health said SERVING while every
    ValidateRuleset failed. Now a Health.Watch on RulesetService sees NOT_SERVING, then
    SERVING once a fresh child is ready; evaluation is never marked down."""
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    stub = health_pb2_grpc.HealthStub(channel)
    request = health_pb2.HealthCheckRequest(service="probity.v1.RulesetService")
    watched = stub.Watch(request, timeout=60)
    assert next(watched).status == health_pb2.HealthCheckResponse.SERVING
    executor = server.acceptance._executor
    assert executor is not None
    for child in list(executor._processes.values()):  # type: ignore[attr-defined]
        os.kill(child.pid, signal.SIGKILL)
    assert next(watched).status == health_pb2.HealthCheckResponse.NOT_SERVING
    assert probity.health("probity.v1.EvaluationService") == "SERVING"
    assert next(watched).status == health_pb2.HealthCheckResponse.SERVING
    watched.cancel()
    channel.close()
    assert probity.validate_ruleset(MINI, "mini.yaml").valid


def test_a_rule_set_past_the_memory_budget_is_refused_in_words(
    probity: ProbityClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19: acceptance runs with a memory budget, so a rule set that would eat the
    machine's memory costs a diagnostic (the child is made to ask for more than it may)."""
    monkeypatch.setenv(MEMORY_FAILPOINT, "hungry")
    checked = probity.validate_ruleset(MINI.replace("id: mini", "id: hungry", 1), "mini.yaml")
    assert not checked.valid
    assert [d.code for d in checked.diagnostics] == ["too_complex"]
    assert "too much memory" in checked.diagnostics[0].message
    assert probity.validate_ruleset(MINI, "mini.yaml").valid  # the child serves on


def test_get_ruleset_returns_the_input_schema_every_shipped_example_meets(
    probity: ProbityClient,
) -> None:
    """Issue 20: a portal had to parse the rule set's YAML to learn what to send. The input
    schema is checked here with a JSON Schema library, not with Probity's own validator."""
    for info in probity.list_rulesets():
        got = probity.get_ruleset(info.id)
        schema = json.loads(got.inputs_schema)
        assert schema["title"] == f"Answers for {info.id} {info.version}"
        checker = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        examples = sorted((RULES / "examples" / info.id).glob("*.json"))
        assert examples, info.id
        for path in examples:
            record = json.loads(path.read_text())
            answers = [r["measures"] for r in record["returns"]] if "returns" in record else [
                record["answers"]
            ]  # fmt: skip
            for one in answers:
                assert checker.is_valid(one), (path.name, list(checker.iter_errors(one))[:1])
        wrong = {"no_such_answer": True}
        assert not checker.is_valid(wrong)


def test_every_role_may_ask_who_it_is(tmp_path: Path) -> None:
    with running(settings_for(tmp_path, tokens=token_file(tmp_path))) as server:
        for role, token in TOKENS.items():
            with ProbityClient(f"127.0.0.1:{server.port}", token=token) as client:
                me = client.caller()
                assert (me.name, me.role) == (f"{role}-caller", role)
    with (
        running(settings_for(tmp_path / "open")) as server,
        ProbityClient(f"127.0.0.1:{server.port}") as client,
    ):
        assert (client.caller().name, client.caller().role) == ("", "")
