"""Fuzzed rule files: hypothesis mutates the shipped files and a small fixture (lines
deleted, repeated, swapped, cut short, characters inserted, values replaced by hostile
ones: alias bombs, tags, huge numbers, impossible dates, control characters, deep nesting,
wide pattern classes) and sends each to ValidateRuleset on a real server, and to the
compiler in this process as `probity check` runs it. Every file must be valid or refused
at file:line:col in words; the server must keep serving."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import grpc
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from probity.engine.compiler.pipeline import compile_text
from probity.engine.errors import RuleFileError
from probity.engine.registry import library_of
from probity.server.app import ProbityServer
from probity.v1 import ruleset_pb2, ruleset_pb2_grpc
from tests.conftest import FIXTURES, RULES
from tests.fuzz.outcomes import RULE_FILES_IN_PROCESS, RULE_FILES_OVER_RPC, Tally

MINI = (FIXTURES / "mini.yaml").read_text()
SHIPPED = [path.read_text() for path in sorted(RULES.glob("*.yaml"))]
LIBRARY = library_of(RULES)
OVER_RPC = Tally("rule files over gRPC (ValidateRuleset)")
IN_PROCESS = Tally("rule files compiled as probity check does")

HOSTILE = [
    "2026-13-45",
    "9" * 5000,
    "!!python/object/apply:os.system ['true']",
    "&a [*a]",
    "*nowhere",
    "a\x07b",
    "[" * 60 + "]" * 60,
    "{}",
    "null",
    "-1e309",
    "1.0.0-01",
    "x" * 30_000,
    'coi.declared and policies matches "[Ā-ᄀ]"',
    "staff.ethics_training_pct > " + "9" * 100,
    "policies contains",
    '"unterminated',
    "1.4.0-01",
    "../../../../etc/passwd",
    "'" + "é" * 300 + "'",
]
BOMB = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n' + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, "
    f"*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
    for n in range(8)
)


@st.composite
def mutated(draw: st.DrawFn, shipped_share: int) -> str:
    """A rule file: one of the bases, mutated one to four times. `shipped_share` in ten
    start from a shipped file (slower to check), the rest from the small fixture."""
    base = draw(st.sampled_from(SHIPPED)) if draw(st.integers(1, 10)) <= shipped_share else MINI
    lines = base.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "repeat", "swap", "value", "insert", "cut", "bomb"]))
        if how == "delete":
            del lines[at]
        elif how == "repeat":
            lines.insert(at, lines[at])
        elif how == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif how == "value" and ": " in lines[at]:
            head = lines[at].split(": ", 1)[0]
            lines[at] = f"{head}: {draw(st.sampled_from(HOSTILE))}"
        elif how == "insert":
            lines[at] = lines[at][: len(lines[at]) // 2] + draw(st.text(max_size=6)) + lines[at][
                len(lines[at]) // 2 :
            ]  # fmt: skip
        elif how == "cut":
            lines = lines[: at + 1]
        elif how == "bomb":
            lines.append(BOMB)
        if not lines:
            lines = [""]
    return "\n".join(lines)


def _diagnostics_outcome(diagnostics: list[Any], folder: Path) -> str:
    for diagnostic in diagnostics:
        if "Traceback" in diagnostic.message:
            return "traceback"
        if str(folder) in diagnostic.message or str(folder) in diagnostic.file:
            return "server path in a message"
        if diagnostic.line < 1 or diagnostic.column < 1 or not diagnostic.file:
            return "error without a location"
        if not diagnostic.message.strip():
            return "error without a location"
    errors = [d for d in diagnostics if getattr(d, "severity", "error") != "warning"]
    return "refused at file:line:col" if errors else "valid"


@pytest.fixture(scope="module")
def rulesets(fuzz_server: ProbityServer) -> Any:
    with grpc.insecure_channel(f"127.0.0.1:{fuzz_server.port}") as channel:
        yield ruleset_pb2_grpc.RulesetServiceStub(channel)


@settings(
    max_examples=RULE_FILES_OVER_RPC,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(mutated(shipped_share=1))
def _validate(rulesets: Any, folder: Path, text: str) -> None:
    request = ruleset_pb2.ValidateRulesetRequest(source_text=text, file_name="fuzz.yaml")
    try:
        response = rulesets.ValidateRuleset(request, timeout=120)
    except grpc.RpcError as error:
        code = error.code()
        if code in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL):
            OVER_RPC.add("UNKNOWN or INTERNAL", f"{error.details()}\n{text}")
        elif code == grpc.StatusCode.DEADLINE_EXCEEDED:
            OVER_RPC.add("hang", text)
        elif code == grpc.StatusCode.UNAVAILABLE:
            OVER_RPC.add("crash", f"{error.details()}\n{text}")
        else:
            OVER_RPC.add(f"refused: {code.name}")
        return
    if response.valid:
        outcome = _diagnostics_outcome(list(response.diagnostics), folder)
        OVER_RPC.add("valid" if outcome in ("valid", "refused at file:line:col") else outcome)
        return
    if not response.diagnostics:
        OVER_RPC.add("error without a location", text)
        return
    OVER_RPC.add(_diagnostics_outcome(list(response.diagnostics), folder), text)


def test_fuzzed_rule_files_are_valid_or_refused_at_a_line_over_grpc(
    rulesets: Any, server_folder: Path
) -> None:
    _validate(rulesets, server_folder)
    # Still serving: a crash of the server would make this fail too.
    assert rulesets.ListRulesets(ruleset_pb2.ListRulesetsRequest(), timeout=30).rulesets
    print("\n" + OVER_RPC.report())
    assert OVER_RPC.bad == {}, OVER_RPC.report()
    assert OVER_RPC.counts["valid"] > 0 and OVER_RPC.counts["refused at file:line:col"] > 0


@settings(
    max_examples=RULE_FILES_IN_PROCESS,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(mutated(shipped_share=2))
def _compile(text: str) -> None:
    try:
        compile_text(text, "fuzz.yaml", LIBRARY, folder=RULES)
    except RuleFileError as exc:
        IN_PROCESS.add(_diagnostics_outcome(list(_as_proto_like(exc)), Path("/nowhere")), text)
    except Exception as exc:  # what the fuzzer is here to find
        IN_PROCESS.add("traceback", f"{type(exc).__name__}: {exc}\n{text}")
    else:
        IN_PROCESS.add("valid")


def _as_proto_like(error: RuleFileError) -> list[Any]:
    """Diagnostics with the field names the service sends (column, not col)."""
    return [
        ruleset_pb2.Diagnostic(
            file=d.file, line=d.line, column=d.col, message=d.message, severity=d.severity
        )
        for d in error.diagnostics
    ]


def test_fuzzed_rule_files_compile_or_are_refused_at_a_line() -> None:
    _compile()
    print("\n" + IN_PROCESS.report())
    assert IN_PROCESS.bad == {}, IN_PROCESS.report()
    assert IN_PROCESS.counts["valid"] > 0
