from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.test_cli import probity
from tests.server.conftest import (  # noqa: F401 - client, open_server: shared fixtures
    client,
    open_server,
    running,
    settings_for,
)

EXAMPLE_BIDS = "rules/examples/nolan-tender/bids.jsonl"


@pytest.fixture(scope="session")
def example_tender(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shipped example tender evaluated on a real server, as `probity tender --format
    json` writes it: what the reports and summaries are made from."""
    folder = tmp_path_factory.mktemp("example-tender")
    with running(settings_for(folder)) as server:
        at = ("--server", f"127.0.0.1:{server.port}", "--ruleset", "nolan-tender")
        run = probity("tender", *at, "--format", "json", EXAMPLE_BIDS)
        assert run.returncode == 0, run.stderr
        path = folder / "tender.json"
        path.write_text(run.stdout)
        yield path
