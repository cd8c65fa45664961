"""Probity as a fleet (issue 22): three `probity serve` replicas on one PostgreSQL behind a
real gRPC load balancer (nginx, configured by deploy/nginx.conf). Calls stream through the
balancer while a new version is published on one replica; a replica is killed mid-stream.

The switch bound: a version published on one replica is served by every replica within
SWITCH_BOUND seconds (PostgreSQL NOTIFY tells them at once; polling every --sync-seconds is
the fallback; then the version is compiled and each worker warmed)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from probity.clients.client import ProbityClient
from tests.conftest import NOLAN_VERSION, ROOT
from tests.postgres import PostgresServer
from tests.server.conftest import example

SYNC_SECONDS = 1.0
SWITCH_BOUND = 5.0  # seconds from the publish to every replica serving the new version
NEW_VERSION = "9.0.0"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Replica:
    process: subprocess.Popen[str]
    port: int
    lines: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"


@dataclass
class Fleet:
    replicas: list[Replica]
    balancer: str
    db: str
    folder: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _replica(db: str, folder: Path) -> Replica:
    process = subprocess.Popen(
        [sys.executable, "-m", "probity", "serve", "--port", "0", "--db", db, "--workers", "1",
         "--sync-seconds", str(SYNC_SECONDS), "--log-format", "json"],
        cwd=folder, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stderr is not None
    lines: list[str] = []
    for line in process.stderr:
        lines.append(line)
        if '"serving"' in line:
            port = int(line.split('"port": ')[1].split(",")[0])
            replica = Replica(process, port, lines)
            threading.Thread(target=_drain, args=(replica,), daemon=True).start()
            return replica
    raise AssertionError("a replica never said it was serving:\n" + "".join(lines))


def _drain(replica: Replica) -> None:
    assert replica.process.stderr is not None
    for line in replica.process.stderr:
        replica.lines.append(line)


def _balancer(folder: Path, replicas: list[Replica]) -> tuple[subprocess.Popen[bytes], int]:
    """nginx with deploy/nginx.conf, its upstreams and port made this test's."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = "".join(
        f"        server {r.target} max_fails=1 fail_timeout=5s;\n" for r in replicas
    )
    text = re.sub(r"(?m)^        server 127\.0\.0\.1:5006\d.*\n", "", text)
    text = text.replace("        keepalive 32;", upstreams + "        keepalive 32;")
    port = _free_port()
    text = text.replace("listen 127.0.0.1:50051 http2;", f"listen 127.0.0.1:{port} http2;")
    config = folder / "nginx.conf"
    config.write_text(text)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(exist_ok=True)
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, port
        if process.poll() is not None or time.monotonic() > deadline:
            error = (folder / "error.log").read_text() if (folder / "error.log").exists() else ""
            raise AssertionError(f"nginx did not start: {process.stderr.read()!r} {error}")  # type: ignore[union-attr]
        time.sleep(0.05)


@pytest.fixture
def fleet(postgres: PostgresServer | None, tmp_path: Path) -> Iterator[Fleet]:
    if postgres is None:
        pytest.skip("PostgreSQL is not installed (make test installs it)")
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (make test installs it)")
    db = postgres.new_database()
    replicas: list[Replica] = []
    balancer = None
    try:
        replicas.append(_replica(db, tmp_path))  # the first seeds the store
        replicas += [_replica(db, tmp_path) for _ in range(2)]
        balancer, port = _balancer(tmp_path, replicas)
        yield Fleet(replicas, f"127.0.0.1:{port}", db, tmp_path)
    finally:
        if balancer is not None:
            balancer.terminate()
            balancer.wait(timeout=30)
        for replica in replicas:
            if replica.process.poll() is None:
                os.killpg(replica.process.pid, signal.SIGTERM)
        for replica in replicas:
            try:
                replica.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(replica.process.pid, signal.SIGKILL)


def _active(target: str) -> str:
    with ProbityClient(target, timeout=10, attempts=1) as client:
        return client.get_ruleset("nolan-tender").ruleset.version


def _published_text() -> str:
    text = (ROOT / "rules" / "nolan-tender.yaml").read_text()
    return text.replace(f"version: {NOLAN_VERSION}", f"version: {NEW_VERSION}", 1)


@dataclass
class Seen:
    """Each result read through the balancer: when its call started, the version it names."""

    results: list[tuple[float, str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    errors: list[BaseException] = field(default_factory=list)


def _keep_calling(balancer: str, seen: Seen) -> None:
    try:
        with ProbityClient(balancer, timeout=30) as client:
            n = 0
            while not seen.stop.is_set():
                started = time.monotonic()
                records = [dict(example("weak"), id=f"c{n}-{k}") for k in range(20)]
                n += 1
                for answer in client.evaluate_stream("nolan-tender", records, resume=3):
                    seen.results.append((started, answer.result.ruleset.version))
    except BaseException as exc:  # the test reads it
        seen.errors.append(exc)


def test_a_publish_on_one_replica_reaches_every_replica_within_the_bound(fleet: Fleet) -> None:
    assert [_active(r.target) for r in fleet.replicas] == [NOLAN_VERSION] * 3
    seen = Seen()
    callers = [
        threading.Thread(target=_keep_calling, args=(fleet.balancer, seen)) for _ in range(2)
    ]
    for caller in callers:
        caller.start()
    try:
        time.sleep(1.0)  # calls flowing through the balancer
        with ProbityClient(fleet.replicas[1].target, timeout=120) as publisher:
            published_at = time.monotonic()
            publisher.publish_ruleset(_published_text(), "nolan-tender.yaml", note="fleet test")
        switched: dict[int, float] = {}
        while len(switched) < 3 and time.monotonic() - published_at < SWITCH_BOUND + 5:
            for n, replica in enumerate(fleet.replicas):
                if n not in switched and _active(replica.target) == NEW_VERSION:
                    switched[n] = time.monotonic() - published_at
            time.sleep(0.05)
        all_switched = published_at + max(switched.values(), default=0)
        time.sleep(1.5)  # calls that start after the switch
    finally:
        seen.stop.set()
        for caller in callers:
            caller.join(timeout=120)
    assert not seen.errors, seen.errors
    assert sorted(switched) == [0, 1, 2], f"replicas that never switched: {switched}"
    print(f"switched after (s): {switched}; results read: {len(seen.results)}")
    assert max(switched.values()) < SWITCH_BOUND, switched
    versions = {version for _, version in seen.results}
    assert versions <= {NOLAN_VERSION, NEW_VERSION}  # only versions the store holds
    after = [version for started, version in seen.results if started > all_switched]
    assert after and set(after) == {NEW_VERSION}  # nothing names the old version after it
    before = [version for started, version in seen.results if started < published_at]
    assert before and set(before) == {NOLAN_VERSION}
    for replica in fleet.replicas:  # each replica said so (the two that did not publish)
        if replica is not fleet.replicas[1]:
            assert any("activated from the store" in line and NEW_VERSION in line
                       for line in replica.lines)  # fmt: skip
    for replica in fleet.replicas:  # the version before stays evaluable by number
        with ProbityClient(replica.target, timeout=60) as client:
            old = client.evaluate("nolan-tender", example("strong"), version=NOLAN_VERSION)
            assert old.ruleset.version == NOLAN_VERSION
    deadline = time.monotonic() + SWITCH_BOUND
    while True:  # and the store says so: each replica reports the version it serves
        with ProbityClient(fleet.replicas[0].target, timeout=30) as client:
            said = {r.host: r.version for r in client.get_ruleset("nolan-tender").replicas}
        if len(said) == 3 and set(said.values()) == {NEW_VERSION}:
            break
        assert time.monotonic() < deadline, said
        time.sleep(0.2)
    assert {host.rsplit(":", 1)[1] for host in said} == {str(r.port) for r in fleet.replicas}
    late = _replica(fleet.db, fleet.folder)  # a replica started after the publish
    fleet.replicas.append(late)
    assert _active(late.target) == NEW_VERSION


def test_a_replica_killed_mid_stream_loses_and_repeats_nothing(fleet: Fleet) -> None:
    """A stream through the balancer whose replica is killed: the client sends the items
    not yet answered again (to the replicas left), and each is answered once."""
    records = [dict(example("weak"), id=f"k{n}") for n in range(600)]
    answered: list[str] = []
    with ProbityClient(fleet.balancer, timeout=120) as client:
        stream = client.evaluate_stream("nolan-tender", records, resume=3)
        for answer in stream:
            answered.append(answer.submission_id)
            if len(answered) == 50:
                victim = _serving(fleet)
                os.killpg(victim.process.pid, signal.SIGKILL)
    assert victim.process.wait(timeout=30) == -signal.SIGKILL
    assert sorted(answered) == sorted(r["id"] for r in records)
    assert len(answered) == len(set(answered)) == 600
    survivors = [r for r in fleet.replicas if r is not victim]
    assert all(_active(r.target) == NOLAN_VERSION for r in survivors)  # and they serve on


def _serving(fleet: Fleet) -> Replica:
    """The replica the balancer sent this test's one call to: the only one with a
    connection from it (the fleet is new, and nothing else called through it)."""
    for replica in fleet.replicas:
        process = psutil.Process(replica.process.pid)
        connections = process.net_connections(kind="tcp")
        if any(c.status == "ESTABLISHED" and c.laddr.port == replica.port for c in connections):
            return replica
    raise AssertionError("no replica holds the balancer's connection")
