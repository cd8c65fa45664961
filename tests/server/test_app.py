"""`probity serve` as an operator runs it: a process, JSON logs, health, SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import psutil
import pytest

from probity.clients.client import ProbityClient
from tests.conftest import NOLAN_VERSION, ROOT, RULES, SHIPPED
from tests.server.conftest import example, rules_copy


class ServeProcess:
    def __init__(self, folder: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "probity", "serve", "--port", "0",
             "--rules", str(rules_copy(folder)), "--db", str(folder / "probity.db"), *args],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONFAULTHANDLER": "1"},  # SIGABRT prints every thread
        )  # fmt: skip
        self.lines: list[dict[str, Any]] = []
        self.serving = threading.Event()
        self.reader = threading.Thread(target=self._read, args=(self.process.stderr,), daemon=True)
        self.reader.start()
        assert self.serving.wait(60), "the server never said it was serving"
        self.port = next(line["port"] for line in self.lines if line.get("event") == "serving")

    def wait(self, timeout: float) -> int:
        """The exit code; if the server has not stopped by then, the test fails with where
        each of its threads was."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)
            self.process.wait(timeout=30)
            self.reader.join(timeout=10)
            stacks = "".join(line.get("raw", "") for line in self.lines)
            pytest.fail(f"the server did not stop within {timeout} s:\n{stacks}")

    def _read(self, stream: IO[str]) -> None:
        for text in stream:
            if not text.startswith("{"):  # gRPC's C core may log a line of its own
                self.lines.append({"event": None, "raw": text})
                continue
            self.lines.append(json.loads(text))  # each of our log lines is one JSON object
            if self.lines[-1].get("event") == "serving":
                self.serving.set()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServeProcess]:
    serve = ServeProcess(tmp_path)
    yield serve
    if serve.process.poll() is None:
        serve.process.kill()
        serve.process.wait()


def test_serve_loads_the_rules_reports_health_and_logs_json(served: ServeProcess) -> None:
    started = next(line for line in served.lines if line["event"] == "serving")
    assert f"nolan-tender@{NOLAN_VERSION}" in started["rulesets"] and started["auth"] == "open"
    assert len(started["rulesets"]) == len(SHIPPED)
    assert any("loopback only" in line["event"] for line in served.lines)
    with ProbityClient(f"127.0.0.1:{served.port}") as client:
        assert client.health() == "SERVING"
        assert client.health("probity.v1.EvaluationService") == "SERVING"
        client.evaluate("nolan-tender", example("weak"))
    served.process.send_signal(signal.SIGTERM)
    assert served.wait(timeout=60) == 0
    served.reader.join(timeout=10)
    call = next(line for line in served.lines if line.get("event") == "call")
    assert call["method"] == "/probity.v1.EvaluationService/Evaluate"
    assert call["status"] == "OK" and call["count"] == 1 and call["level"] == "info"
    assert isinstance(call["duration_ms"], float) and len(call["ruleset_digest"]) == 64
    assert [line["event"] for line in served.lines if line["event"]][-1] == "stopped"
    assert "Quickserve" not in json.dumps(served.lines)  # no submission content in the logs


def test_sigterm_lets_an_in_flight_stream_finish(served: ServeProcess) -> None:
    records = [dict(example("strong"), id=f"s{n}") for n in range(3000)]
    received: list[str] = []
    with ProbityClient(f"127.0.0.1:{served.port}", timeout=120) as client:
        for response in client.evaluate_stream("nolan-tender", records, timeout=120):
            received.append(response.submission_id)
            if len(received) == 1:
                os.kill(served.process.pid, signal.SIGTERM)
    assert sorted(received) == sorted(r["id"] for r in records)
    assert served.wait(timeout=60) == 0
    served.reader.join(timeout=10)
    events = [line["event"] for line in served.lines]
    assert events.index("shutting down") < events.index("stopped")
    stream = next(line for line in served.lines if line.get("method", "").endswith("Stream"))
    assert stream["count"] == 3000 and stream["status"] == "OK"


def test_a_busy_port_and_a_bad_token_file_are_reported_plainly(
    served: ServeProcess, tmp_path: Path
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "probity", "serve", "--port", str(served.port)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2
    assert f"cannot listen on 127.0.0.1:{served.port}" in run.stderr
    assert "Traceback" not in run.stderr
    tokens = tmp_path / "tokens.toml"
    tokens.write_text("[[token]]\nname = 'x'\n")
    run = subprocess.run(
        [sys.executable, "-m", "probity", "serve", "--port", "0", "--tokens", str(tokens)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2 and "role must be one of" in run.stderr


def _serve(*options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "probity", "serve", *options],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_busy_metrics_port_exits_naming_the_address(served: ServeProcess) -> None:
    """It logged "Address already in use" without the port, neither exited nor served, and
    ignored SIGTERM: now both ports are bound before anything else starts."""
    run = _serve("--port", "0", "--metrics-port", str(served.port))
    assert run.returncode == 2, run.stderr
    assert f"cannot serve metrics on 127.0.0.1:{served.port}" in run.stderr
    assert "Traceback" not in run.stderr
    same = _serve("--port", "50999", "--metrics-port", "50999")
    assert same.returncode == 2
    assert "--metrics-port 50999 is the server's own --port" in same.stderr


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--workers", "10000", "less than or equal to 256"),
        ("--max-message-bytes", "99999999999999999", "less than or equal to 2147483647"),
    ],
)
def test_options_out_of_range_are_refused_before_anything_starts(
    option: str, value: str, said: str
) -> None:
    """--workers 10000 never reached SERVING, ignored SIGTERM and left about 350 processes
    behind; --max-message-bytes 99999999999999999 ended in an OverflowError traceback."""
    run = _serve("--port", "0", option, value)
    assert run.returncode == 2
    assert said in run.stderr and "Traceback" not in run.stderr


def test_ctrl_c_to_the_process_group_shuts_down_cleanly(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "probity", "serve", "--port", "0",
         "--rules", str(rules_copy(tmp_path)), "--db", str(tmp_path / "probity.db")],
        cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:  # wait until it serves
        if '"serving"' in line:
            break
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: every process in the group
    rest = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert "Traceback" not in rest and "KeyboardInterrupt" not in rest
    assert '"stopped"' in rest


def test_a_server_killed_outright_leaves_no_process_behind(tmp_path: Path) -> None:
    """SIGKILL gives the server no chance to stop its worker processes or the child that
    checks rule sets: each must notice and leave on its own."""
    import psutil

    serve = ServeProcess(tmp_path)
    children = psutil.Process(serve.process.pid).children(recursive=True)
    assert len(children) >= 3  # two workers and the rule-set checker (used at start)
    serve.process.kill()
    serve.process.wait()
    _, alive = psutil.wait_procs(children, timeout=30)
    assert [p.pid for p in alive] == [], [p.cmdline() for p in alive]


def test_json_logs_carry_an_errors_traceback_with_its_request_id() -> None:
    """They wrote "exc_info": true and no traceback, so "internal error; see the server
    log" led nowhere."""
    script = (
        "import structlog\n"
        "from probity.server.main import configure_logs\n"
        "configure_logs('info', 'json')\n"
        "try:\n"
        "    {}['missing']\n"
        "except KeyError:\n"
        "    structlog.get_logger('probity.calls').exception("
        "'unexpected error', request_id='r-1')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    (line,) = [json.loads(text) for text in run.stderr.splitlines()]
    assert line["request_id"] == "r-1" and line["level"] == "error"
    assert "Traceback" in line["exception"] and "KeyError: 'missing'" in line["exception"]


def _anonymous_mb(pid: int) -> float:
    """The process's private resident memory (shared result slots not counted)."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("RssAnon:"))
    return int(line.split()[1]) / 1024


def test_a_large_stream_gives_its_memory_back_when_it_ends(served: ServeProcess) -> None:
    """Issue 30: the server's memory stayed at its largest stream's peak (142 → 555 MB over
    200,000 streamed evaluations; 73 → 258 MB of private memory after one of 8,000). A call
    of 1,000 items or more now hands what it freed back to the system as it ends, and says
    how much; a small call does not pay for it."""
    records = [dict(example("strong" if n % 2 else "weak"), id=f"s{n}") for n in range(8_000)]
    with ProbityClient(f"127.0.0.1:{served.port}", timeout=300) as client:
        client.evaluate("nolan-tender", example("weak"))
        before = _anonymous_mb(served.process.pid)
        for _ in range(2):
            assert sum(1 for _ in client.evaluate_stream("nolan-tender", records)) == 8_000
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        given = [line for line in served.lines if line.get("event") == "memory given back"]
        if len(given) == 2:
            break
        time.sleep(0.1)
    assert len(given) == 2 and all(line["mb"] > 0 for line in given)
    calls = {line["request_id"]: line for line in served.lines if line.get("event") == "call"}
    assert all(calls[line["request_id"]]["count"] == 8_000 for line in given)
    assert _anonymous_mb(served.process.pid) - before < 60  # was 185 after the first stream


def test_the_service_process_never_loads_durable_rules(served: ServeProcess) -> None:
    """Issue 31: the gRPC process imported durable_rules (through the registry's default
    acceptance check and the evaluation façade) though it evaluates only in its workers and
    checks rule sets only in a child. After calls of every kind, its memory maps hold no
    durable_rules library; the workers' do."""
    monitoring = json.loads(
        (RULES / "examples" / "ethical-standards-monitoring" / "strong.json").read_text()
    )
    with ProbityClient(f"127.0.0.1:{served.port}", timeout=120) as client:
        client.evaluate("nolan-tender", example("strong"))
        bids = [dict(example("weak"), id="b1", tender_id="T1", price=10.0)]
        client.evaluate_tender("nolan-tender", "T1", bids)
        client.check_contract(
            "ethical-standards-monitoring", monitoring["contract"], monitoring["returns"]
        )
        source = (RULES / "nolan-tender.yaml").read_text()
        assert client.validate_ruleset(source, "nolan-tender.yaml").valid
        client.replay(1)
    maps = Path(f"/proc/{served.process.pid}/maps").read_text()
    assert "durable_rules_engine" not in maps
    worker = psutil.Process(served.process.pid).children()
    assert any(
        "durable_rules_engine" in Path(f"/proc/{child.pid}/maps").read_text() for child in worker
    )
