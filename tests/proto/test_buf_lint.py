"""`buf lint` with the DEFAULT rules passes on probity.v1 (and fails on a bad change)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from google.rpc import status_pb2

from tests.conftest import ROOT

BUF = ROOT / ".tools" / "node_modules" / ".bin" / "buf"


def _workspace(folder: Path) -> Path:
    """Our module beside google/rpc/status.proto, as buf needs every import."""
    api = folder / "api"
    shutil.copytree(
        ROOT / "proto" / "probity",
        api / "probity",
        ignore=shutil.ignore_patterns("*.py", "*.pyi", "__pycache__"),
    )
    third = folder / "third_party" / "google" / "rpc"
    third.mkdir(parents=True)
    shutil.copy(Path(status_pb2.__file__).with_name("status.proto"), third / "status.proto")
    (folder / "buf.yaml").write_text(
        "version: v2\nmodules:\n  - path: api\n  - path: third_party\n"
        "lint:\n  use:\n    - DEFAULT\n"
    )
    return folder


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BUF), "lint", "--path", "api/probity"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    assert BUF.exists(), "buf is installed by `make install` (npm package @bufbuild/buf)"
    return _workspace(tmp_path)


def test_buf_lint_passes(workspace: Path) -> None:
    run = _lint(workspace)
    assert run.returncode == 0, run.stdout + run.stderr


def test_buf_lint_catches_a_badly_named_field(workspace: Path) -> None:
    proto = workspace / "api" / "probity" / "v1" / "submission.proto"
    proto.write_text(proto.read_text().replace("string tender_id = 2;", "string tenderId = 2;"))
    run = _lint(workspace)
    assert run.returncode != 0
    assert "tenderId" in run.stdout and "lower_snake_case" in run.stdout
