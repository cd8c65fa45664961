"""The package stands alone (issue 22, item 6): built as a wheel and installed in a folder
of its own, `probity serve` run from an empty folder serves the shipped rule sets."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from probity.clients.client import ProbityClient
from tests.conftest import ROOT, SHIPPED
from tests.server.conftest import example


def _wheel(folder: Path) -> Path:
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(folder), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    (wheel,) = folder.glob("probity-*.whl")
    return wheel


def test_installed_it_serves_the_shipped_rule_sets_from_an_empty_folder(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in SHIPPED:
        assert f"probity/rules/{shipped}.yaml" in names
    assert any(n.startswith("probity/rules/sources/") for n in names)
    assert any(n.startswith("probity/rules/examples/nolan-tender/") for n in names)
    assert "probity/reports/templates/tender_report.html.j2" in names
    assert any(n.startswith("probity/store/migrations/versions/0007") for n in names)
    metadata = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        .decode()
    )
    assert "License-Expression: MIT" in metadata and "Project-URL: Documentation" in metadata
    assert "Provides-Extra: postgres" in metadata
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}  # the installed copy, not the checkout
    where = subprocess.run(
        [sys.executable, "-c", "import probity.server.settings as s; print(s.SHIPPED_RULES)"],
        capture_output=True, text=True, cwd=empty, env=env, timeout=120,
    )  # fmt: skip
    assert where.stdout.strip() == str(site / "probity" / "rules"), where.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "probity", "serve", "--port", "0", "--workers", "1"],
        cwd=empty, env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if '"serving"' in line:
                port = int(line.split('"port": ')[1].split(",")[0])
                break
        else:
            raise AssertionError("the installed server never said it was serving")
        with ProbityClient(f"127.0.0.1:{port}", timeout=60) as client:
            assert sorted(r.id for r in client.list_rulesets()) == SHIPPED
            assert client.evaluate("nolan-tender", example("strong")).band == "compliant"
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert {p.name for p in empty.iterdir()} <= {"probity.db", "probity.db-wal"}


def test_a_missing_or_empty_rules_folder_is_an_error_at_start(tmp_path: Path) -> None:
    for folder in (tmp_path / "missing", tmp_path):
        run = subprocess.run(
            [sys.executable, "-m", "probity", "serve", "--port", "0", "--db", "off",
             "--rules", str(folder)],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )  # fmt: skip
        assert run.returncode == 2, run.stderr
        assert "no rule set to serve" in run.stderr and "Traceback" not in run.stderr
        assert '"serving"' not in run.stderr
