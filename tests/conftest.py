from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.pipeline import load_file
from probity.engine.registry import library_of
from tests.postgres import PostgresServer, postgres_server

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RULES = ROOT / "rules"
# The ids of the shipped rule sets, as a server lists them (sorted).
SHIPPED = sorted(p.stem for p in RULES.glob("*.yaml"))
# The shipped nolan-tender's version, for tests that publish a newer one.
NOLAN_VERSION = re.search(
    r"^version: (\S+)$", (RULES / "nolan-tender.yaml").read_text(), re.MULTILINE
).group(1)  # type: ignore[union-attr]


def shipped(path: Path) -> CompiledRuleSet:
    """A rule file compiled as every product path compiles it: its quotes checked against
    the source library beside it, its findings citing the publications."""
    return load_file(path, library_of(path.parent))


def with_sources(folder: Path) -> Path:
    """`folder`, made a rules folder: the shipped source library beside its rule files."""
    (folder / "sources").symlink_to(RULES / "sources", target_is_directory=True)
    return folder


@pytest.fixture(scope="session")
def mini() -> CompiledRuleSet:
    return load_file(FIXTURES / "mini.yaml")


@pytest.fixture(scope="session")
def nolan() -> CompiledRuleSet:
    return shipped(RULES / "nolan-tender.yaml")


MINI_STRONG = {
    "coi": {"declared": True},
    "staff": {"ethics_training_pct": 95},
    "policies": ["code_of_conduct", "whistleblowing"],
}


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    """One PostgreSQL server for the whole run (None if not installed and not required)."""
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty decision-log database: each test that takes it runs on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'probity.db'}"
    server = request.getfixturevalue("postgres")
    if server is None:
        pytest.skip("PostgreSQL is not installed (make test installs it)")
    return str(server.new_database())


def large_rule_file(criteria: int, when: Callable[[int], str] | None = None) -> str:
    """The test fixture `mini` with `criteria` more criteria like its second (X-0000, ...),
    each with its own condition if `when` gives one (from the criterion's number)."""
    text = (FIXTURES / "mini.yaml").read_text()
    head, rest = text.split("criteria:\n", 1)
    listed, tail = rest.split("bands:\n", 1)
    block = listed.split("  - id: INT-02\n")[1].split("  - id: LEAD-01\n")[0]
    condition = 'when: policies contains "whistleblowing"'
    extra = "".join(
        f"  - id: X-{n:04d}\n"
        + block.replace("INT-02", f"X-{n:04d}").replace(
            condition, f"when: {when(n)}" if when else condition
        )
        for n in range(criteria)
    )
    return head + "criteria:\n" + listed + extra + "bands:\n" + tail.split("tests:\n")[0]


EXAMPLE_BIDS = "rules/examples/nolan-tender/bids.jsonl"
EXAMPLE_DETAILS = "rules/examples/nolan-tender.tender.json"  # the procurement the bids answer


# What the example tender's evaluation panel agrees for SEL-02, the criterion it scores:
# Northfield and Hallam name their safeguards, Quickserve promises quality without any.
_NAMED = "Staffing floors, a monthly quality audit shared with the commissioner, care hours kept."
EXAMPLE_PANEL = {
    "T-2026-014/bid-01": (4, _NAMED),
    "T-2026-014/bid-02": (0, "It promises a high quality service but names no safeguard at all."),
    "T-2026-014/bid-03": (4, _NAMED),
}


@pytest.fixture(scope="session")
def example_tender(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shipped example tender evaluated on a real server and taken through its evaluation
    panel (three evaluators, moderated), as `probity tender --format json` writes its final
    ranking: what the reports and summaries are made from."""
    from probity.codec.as_json import tender_to_dict
    from tests.clients.test_cli import probity  # here: those modules import this one
    from tests.panel_flow import run_panel, signed_in, token_file
    from tests.server.conftest import running, settings_for

    folder = tmp_path_factory.mktemp("example-tender")
    with running(settings_for(folder, tokens=token_file(folder))) as server:
        at = ("--server", f"127.0.0.1:{server.port}", "--token", "prb_portal")
        run = probity(
            "tender", *at, "--ruleset", "nolan-tender", "--format", "json",
            "--details", EXAMPLE_DETAILS, EXAMPLE_BIDS,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["awaiting_panel"] is True
        scores = {bid: {"SEL-02": agreed} for bid, agreed in EXAMPLE_PANEL.items()}
        run_panel(server.port, "T-2026-014", scores)
        with signed_in(server.port, "lead") as lead:
            final = tender_to_dict(lead.get_tender("T-2026-014").tender)
        path = folder / "tender.json"
        path.write_text(json.dumps(final, ensure_ascii=False, indent=2))
        yield path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium at the width of a laptop screen (`make test` installs it)."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver, "chromium and chromium-driver come with `make test`"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(argument)
    started = webdriver.Chrome(service=Service(driver), options=options)
    try:
        yield started
    finally:
        started.quit()
