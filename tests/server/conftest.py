"""Real servers on 127.0.0.1 (ephemeral ports) with real worker processes, and clients."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from probity.clients.client import ProbityClient
from probity.server.app import ProbityServer
from probity.server.auth import digest
from probity.server.settings import Limits, Settings
from tests.conftest import RULES

EXAMPLES = RULES / "examples" / "nolan-tender"
TOKENS = {
    "portal": "prb_portal-secret",
    "policy": "prb_policy-secret",
    "auditor": "prb_auditor-secret",
    "lead": "prb_lead-secret",  # an evaluation panel's lead (named lead-caller)
    "evaluator": "prb_evaluator-secret",  # and its one evaluator (evaluator-caller)
}


def example(name: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return record


def rules_copy(folder: Path) -> Path:
    """A rules folder of the test's own, so that publishing cannot touch the shipped one."""
    target = folder / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("README.md"))
    return target


def token_file(folder: Path) -> Path:
    path = folder / "tokens.toml"
    path.write_text(
        "".join(
            f'[[token]]\nname = "{role}-caller"\nrole = "{role}"\nsha256 = "{digest(token)}"\n\n'
            for role, token in TOKENS.items()
        )
    )
    return path


@contextmanager
def running(settings: Settings) -> Iterator[ProbityServer]:
    server = ProbityServer(settings)
    server.start()
    try:
        yield server
    finally:
        server.stop(grace=2)


def settings_for(folder: Path, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "port": 0,
        "rules": rules_copy(folder),
        "workers": 2,
        "db": str(folder / "probity.db"),
    }
    values.update(changes)
    return Settings(**values)


@pytest.fixture(scope="session")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbityServer]:
    """An open server (no tokens) for read-only and evaluation tests."""
    folder = tmp_path_factory.mktemp("open-server")
    with running(settings_for(folder, limits=Limits(max_bids=50))) as server:
        yield server


@pytest.fixture(scope="session")
def client(open_server: ProbityServer) -> Iterator[ProbityClient]:
    with ProbityClient(f"127.0.0.1:{open_server.port}", timeout=120) as probity:
        yield probity


@pytest.fixture(scope="session")
def secured_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbityServer]:
    folder = tmp_path_factory.mktemp("secured-server")
    with running(settings_for(folder, tokens=token_file(folder))) as server:
        yield server


def client_for(server: ProbityServer, role: str | None, **options: Any) -> ProbityClient:
    token = TOKENS[role] if role else None
    return ProbityClient(f"127.0.0.1:{server.port}", token=token, timeout=120, **options)
