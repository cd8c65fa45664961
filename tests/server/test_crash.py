"""Crash safety of the decision log: the server is killed (SIGKILL, with its workers) in the
middle of a 10,000-submission stream; after a restart on the same database, every result the
client had received is in the log, byte for byte, and nothing is recorded twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import grpc
import pytest

from probity.clients.client import ProbityClient
from probity.store.log import DecisionLog, Query
from tests.conftest import ROOT
from tests.server.conftest import example, rules_copy

SUBMISSIONS = 10_000
KILL_AFTER = 4_000


def _serve(folder: Path, db: str) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "probity", "serve", "--port", "0", "--workers", "2",
         "--rules", str(folder / "rules"), "--db", db],
        cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:
        if '"serving"' in line:
            port = int(line.split('"port": ')[1].split(",")[0])
            return process, port
    raise AssertionError("the server never said it was serving")


def _every_row(log: DecisionLog) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    before = 0
    while True:
        page, before = log.evaluations(Query(limit=1000, before=before))
        rows.extend(page)
        if not before:
            return rows


@pytest.mark.timeout(600)
def test_a_server_killed_mid_stream_loses_and_duplicates_nothing_it_answered(
    db_url: str, tmp_path: Path
) -> None:
    rules_copy(tmp_path)
    process, port = _serve(tmp_path, db_url)
    received: dict[str, bytes] = {}
    records = (dict(example("weak"), id=f"crash-{n}") for n in range(SUBMISSIONS))
    with ProbityClient(f"127.0.0.1:{port}", attempts=1) as client, pytest.raises(grpc.RpcError):
        for response in client.evaluate_stream("nolan-tender", records, timeout=300, view="basic"):
            received[response.submission_id] = response.result.SerializeToString()
            if len(received) == KILL_AFTER:
                os.killpg(process.pid, signal.SIGKILL)  # the server and its workers
    process.wait(timeout=60)
    assert KILL_AFTER <= len(received) < SUBMISSIONS  # killed mid-stream
    restarted, _ = _serve(tmp_path, db_url)  # the same database, after the crash
    os.killpg(restarted.pid, signal.SIGTERM)  # read once it has stopped: a SQLite file
    restarted.wait(timeout=60)  # is one server's alone while it runs
    log = DecisionLog(db_url)
    try:
        rows = _every_row(log)
        recorded = Counter(str(row["subject_id"]) for row in rows)
        assert [sid for sid, n in recorded.items() if n > 1] == []  # nothing recorded twice
        assert len({(row["request_id"], row["item"]) for row in rows}) == len(rows)
        assert set(received) <= set(recorded)  # every result the client had is in the log
        by_subject = {str(row["subject_id"]): int(str(row["seq"])) for row in rows}
        for sid in list(received)[:: max(1, len(received) // 200)]:  # 200 compared in full
            stored = log.evaluation(by_subject[sid])
            assert stored is not None and stored.result == received[sid]
    finally:
        log.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="chattr +i needs root (CI runs as root)")
def test_a_wal_file_made_unwritable_mid_stream_fails_items_not_the_server(tmp_path: Path) -> None:
    """Issue 19, item 10: with the SQLite WAL index (-shm, a mapped file) made unwritable
    mid-stream, the server died of SIGBUS. It keeps that index in its own memory now (no
    -shm file at all); with the -wal made unwritable, items fail cleanly and it serves on."""
    rules_copy(tmp_path)
    db = tmp_path / "probity.db"
    process, port = _serve(tmp_path, str(db))
    wal = Path(f"{db}-wal")
    try:
        with ProbityClient(f"127.0.0.1:{port}", attempts=1) as client:
            records = [dict(example("weak"), id=f"wal-{n}") for n in range(400)]
            first = list(client.evaluate_stream("nolan-tender", records[:200], timeout=120))
            assert all(r.HasField("result") for r in first)
            assert wal.exists() and not Path(f"{db}-shm").exists()
            made = subprocess.run(["chattr", "+i", str(wal)], capture_output=True, text=True)
            if made.returncode != 0:
                pytest.skip(f"this file system has no immutable flag: {made.stderr.strip()}")
            try:
                rest = list(client.evaluate_stream("nolan-tender", records[200:], timeout=120))
            finally:
                subprocess.run(["chattr", "-i", str(wal)], check=True)
            assert len(rest) == 200  # each item answered: a result, or UNAVAILABLE alone
            assert all(r.HasField("result") or r.error.code == 14 for r in rest)
            assert client.health() == "SERVING" and process.poll() is None
            assert client.evaluate("nolan-tender", example("strong")).band == "compliant"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    assert process.returncode == 0  # stopped when asked, not killed by a signal
