"""A real PostgreSQL server for the tests, from the machine's Debian packages: a fresh
cluster in a temporary folder, on a free loopback port, stopped when the tests end.

`make test` installs the packages (and sets PROBITY_REQUIRE_POSTGRES=1, so that a missing
server fails the run rather than skipping the PostgreSQL half of the suite)."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

_counter = itertools.count(1)


def bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the postgres user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


class PostgresServer:
    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir = bindir
        self.data = root / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        initdb = [str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres"]
        subprocess.run(
            _as_postgres([*initdb, "--auth=trust", "--no-sync", "-E", "UTF8"]),
            check=True,
            capture_output=True,
        )
        self.start_again()

    def start_again(self) -> None:
        """Start the server on its cluster and port (again, after `stop`)."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c fsync=off"
        pg_ctl = [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w", "-o", options]
        log = ["-l", str(self.data / "server.log")]
        subprocess.run(_as_postgres([*pg_ctl, *log, "start"]), check=True, capture_output=True)

    def stop(self) -> None:
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]),
            capture_output=True,
        )

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        name = f"probity_test_{os.getpid()}_{next(_counter)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"


@contextmanager
def postgres_server() -> Iterator[PostgresServer | None]:
    """A running server, or None when PostgreSQL is not installed and not required."""
    bindir = bin_dir()
    if bindir is None:
        if os.environ.get("PROBITY_REQUIRE_POSTGRES"):
            raise RuntimeError("PostgreSQL is not installed: run `make test`, which installs it")
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="probity-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(bindir, root)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
