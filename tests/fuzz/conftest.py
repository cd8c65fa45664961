"""A real server on 127.0.0.1 for the fuzzers; the tallies are printed at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from probity.server.app import ProbityServer
from tests.server.conftest import running, settings_for


@pytest.fixture(scope="package")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbityServer]:
    folder = tmp_path_factory.mktemp("fuzz-server")
    with running(settings_for(folder)) as server:
        yield server


@pytest.fixture(scope="package")
def server_folder(fuzz_server: ProbityServer) -> Path:
    """The server's own folder: no message may name it."""
    folder = fuzz_server.settings.rules
    assert folder is not None
    return folder.parent
