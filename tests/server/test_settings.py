"""The server's settings: from the command line, over PROBITY_* variables, over a TOML file
(--config), over the defaults; --print-config shows the result; a bad value is named."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from probity.server.settings import SHIPPED_RULES, Settings, as_toml_values, load
from tests.conftest import ROOT


def _probity(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "probity", *args], capture_output=True, text=True, timeout=120,
        cwd=cwd, env={"PATH": "/usr/bin:/bin", **(env or {})},
    )  # fmt: skip


def test_the_command_line_wins_over_the_environment_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "probity.toml"
    config.write_text(
        'port = 7001\nworkers = 3\ndb = "file.db"\n[limits]\nmax_bids = 10\nstream_rate = 5.0\n'
    )
    monkeypatch.setenv("PROBITY_WORKERS", "4")
    monkeypatch.setenv("PROBITY_LIMITS__MAX_BIDS", "20")
    settings = load({"db": "cli.db"}, config)
    assert (settings.port, settings.workers, settings.db) == (7001, 4, "cli.db")
    assert (settings.limits.max_bids, settings.limits.stream_rate) == (20, 5.0)
    monkeypatch.delenv("PROBITY_WORKERS")
    assert load({}, config).workers == 3
    assert load({"limits": {"max_bids": 30}}, config).limits.max_bids == 30


def test_without_a_file_the_defaults_serve_the_shipped_rule_sets() -> None:
    settings = Settings()
    assert settings.rules == SHIPPED_RULES and (SHIPPED_RULES / "nolan-tender.yaml").is_file()
    assert settings.port == 50051 and settings.log_format == "auto"
    assert load({}).db == "probity.db"


def test_print_config_shows_the_settings_in_effect_as_toml(tmp_path: Path) -> None:
    run = _probity("serve", "--config", str(ROOT / "deploy" / "probity.toml"), "--port", "0",
                   "--print-config", env={"PROBITY_SYNC_SECONDS": "0.5"})  # fmt: skip
    assert run.returncode == 0, run.stderr
    shown = tomllib.loads(run.stdout)
    assert (shown["port"], shown["sync_seconds"], shown["log_format"]) == (0, 0.5, "json")
    assert shown["limits"]["max_message_bytes"] == 16 * 1024 * 1024
    assert as_toml_values(Settings(**shown)) == shown  # it reads back as it was printed


def test_a_bad_setting_is_named_wherever_it_came_from(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('port = "many"\n[limits]\nmax_bids = 0\n')
    run = _probity("serve", "--config", str(config), "--print-config")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "port: Input should be a valid integer" in run.stderr
    assert "limits.max_bids: Input should be greater than or equal to 1" in run.stderr
    run = _probity("serve", "--print-config", env={"PROBITY_LOG_LEVEL": "loud"})
    assert run.returncode == 2 and "log_level: Input should be" in run.stderr
    run = _probity("serve", "--config", str(tmp_path / "missing.toml"))
    assert run.returncode == 2 and "no configuration file" in run.stderr


def test_serve_starts_from_the_example_settings_file(tmp_path: Path) -> None:
    """`probity serve --config deploy/probity.toml` starts (on a free port, a fresh log)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "probity", "serve", "--config",
         str(ROOT / "deploy" / "probity.toml"), "--port", "0", "--db", str(tmp_path / "p.db"),
         "--workers", "1"],
        cwd=tmp_path, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if '"serving"' in line:
                assert '"nolan-tender@' in line  # the shipped rule sets, from the package
                break
        else:
            raise AssertionError("the server never said it was serving")
    finally:
        process.terminate()
        process.wait(timeout=60)
