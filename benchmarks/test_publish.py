"""A large rule file (1,900 criteria): how long it takes to read, and what publishing it
does to evaluations running beside it (issue 19, item 11: publishing took ~10 s and
concurrent Evaluate calls stalled up to 5 s).

Reading is compared in paired rounds with the way it was read before (ruamel.yaml's
round-trip loader, which also parsed the events a second time to screen them first); the
stall as the slowest Evaluate during the publish against the median without one."""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from ruamel.yaml import YAML

from benchmarks.conftest import FIGURES, ROOT
from benchmarks.test_service import _db, _port, _start
from probity.clients.client import ProbityClient
from probity.engine.compiler.yamlsource import load
from tests.conftest import large_rule_file

CRITERIA = 1_900


def test_reading_a_large_rule_file_against_the_round_trip_loader() -> None:
    text = large_rule_file(CRITERIA)
    before, now = [], []
    for _ in range(3):  # paired rounds: the same machine load for both
        started = time.perf_counter()
        list(YAML(typ="rt").parse(text))  # the screening pass it had
        YAML(typ="rt").load(text)
        before.append(time.perf_counter() - started)
        started = time.perf_counter()
        load(text, "large.yaml")
        now.append(time.perf_counter() - started)
    FIGURES["read 1,900 criteria: ruamel round-trip (before), s"] = statistics.median(before)
    FIGURES["read 1,900 criteria: libyaml events (now), s"] = statistics.median(now)
    FIGURES["read 1,900 criteria: now ÷ before"] = statistics.median(
        n / b for n, b in zip(now, before, strict=True)
    )


def test_evaluations_beside_a_large_publish() -> None:
    folder = Path(tempfile.mkdtemp(prefix="probity-bench-rules-"))
    shutil.copytree(ROOT / "rules", folder / "rules", ignore=shutil.ignore_patterns("*.md"))
    port = _port()
    command = [sys.executable, "-m", "probity", "serve", "--port", str(port), "--db", _db()]
    process = _start([*command, "--rules", str(folder / "rules")], port)
    strong = ROOT / "rules/examples/nolan-tender/strong.json"
    record = {"id": "s", "answers": json.loads(strong.read_text())["answers"]}
    try:
        with ProbityClient(f"127.0.0.1:{port}", timeout=120) as client:
            quiet = []
            for _ in range(300):
                started = time.perf_counter()
                client.evaluate("nolan-tender", record)
                quiet.append(time.perf_counter() - started)
            during: list[float] = []
            publishing = threading.Event()

            def evaluate_while_publishing() -> None:
                while publishing.is_set():
                    started = time.perf_counter()
                    client.evaluate("nolan-tender", record)
                    during.append(time.perf_counter() - started)

            publishing.set()
            beside = threading.Thread(target=evaluate_while_publishing)
            beside.start()
            started = time.perf_counter()
            client.publish_ruleset(large_rule_file(CRITERIA), "large.yaml")
            took = time.perf_counter() - started
            publishing.clear()
            beside.join()
    finally:
        process.terminate()
        process.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
    FIGURES["publish 1,900 criteria, s"] = took
    FIGURES["Evaluate p50 without a publish, ms"] = 1000 * statistics.median(quiet)
    FIGURES["Evaluate slowest during the publish, ms"] = 1000 * max(during)
    FIGURES["Evaluate slowest during ÷ p50 without"] = max(during) / statistics.median(quiet)
