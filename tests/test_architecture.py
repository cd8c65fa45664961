"""The layering holds: import contracts (import-linter, configured in pyproject.toml), one
import namespace, and `probity --version` / `python -m probity`."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from probity.engine import ENGINE_VERSION
from tests.conftest import ROOT

# The product card's folders, installed as these packages of `probity` (pyproject.toml).
FOLDERS = {"engine": ROOT / "engine", "server": ROOT / "server", "clients": ROOT / "clients",
           "codec": ROOT / "codec",
           "store": ROOT / "store", "reports": ROOT / "reports"}  # fmt: skip
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _linked_tree(where: Path) -> Path:
    """A copy of `probity` as links to what proto/probity holds (itself links to the
    folders: import-linter, like mypy, reads packages from the file system)."""
    package = where / "probity"
    package.mkdir(parents=True)
    for entry in (ROOT / "proto" / "probity").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    return where


def _lint_imports(tree: Path | None, config: Path) -> subprocess.CompletedProcess[str]:
    path = {"PYTHONPATH": str(tree)} if tree else {}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(config)],
        cwd=ROOT,
        env={**os.environ, **path},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_import_contracts_hold() -> None:
    run = _lint_imports(None, ROOT / "pyproject.toml")  # as `lint-imports` runs in the checkout
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
    assert "no import cycles in product code KEPT" in run.stdout
    said = " ".join(run.stdout.split())  # long contract names wrap
    assert "only its face (probity.engine) is imported, never its modules KEPT" in said
    assert "the codec depends only on the engine's results" in said


def test_a_broken_contract_is_caught(tmp_path: Path) -> None:
    """The check can fail: the same configuration against a tree where the engine imports
    the server is broken."""
    tree = _linked_tree(tmp_path / "tree")
    engine = tmp_path / "engine"
    engine.mkdir()
    for entry in FOLDERS["engine"].iterdir():
        if entry.name != "__pycache__":
            (engine / entry.name).symlink_to(entry)
    (engine / "leak.py").write_text("from probity.server import statuses\n")
    (tree / "probity" / "engine").unlink()
    (tree / "probity" / "engine").symlink_to(engine)
    run = _lint_imports(tree, ROOT / "pyproject.toml")
    assert run.returncode == 1
    assert "the engine knows nothing of gRPC" in run.stdout
    assert "BROKEN" in run.stdout


def test_the_folders_are_imported_only_as_probity_packages() -> None:
    import probity.engine
    import probity.server

    assert Path(probity.engine.__file__).resolve().parent == FOLDERS["engine"]
    assert Path(probity.server.__file__).resolve().parent == FOLDERS["server"]
    for name in FOLDERS:
        assert name not in sys.modules, f"{name} was imported as a top-level module"


@pytest.mark.parametrize("command", [["-m", "probity"], ["-m", "probity.clients.cli"]])
def test_version(command: list[str]) -> None:
    run = subprocess.run(
        [sys.executable, *command, "--version"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"probity {ENGINE_VERSION} (engine {ENGINE_VERSION}")
    assert "durable_rules 2." in run.stdout


def test_the_workers_codec_brings_no_server_code_with_it() -> None:
    """Issue 31: the pool was handed server.codec.PROTOBUF, so unpickling it in each worker
    imported probity.server there. The codec is its own package now: a fresh process that
    unpickles it (as a spawned worker does) holds no module of the server, store or clients."""
    script = (
        "import pickle, sys\n"
        "from probity.codec import PROTOBUF\n"
        "data = pickle.dumps(PROTOBUF)\n"
        "for name in [m for m in sys.modules if m.startswith('probity')]:\n"
        "    del sys.modules[name]\n"
        "pickle.loads(data)\n"
        "print(sorted(m for m in sys.modules if m.startswith('probity.')))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = ast.literal_eval(run.stdout)
    assert "probity.codec" in loaded
    strangers = ("probity.server", "probity.store", "probity.clients")
    assert [name for name in loaded if name.startswith(strangers)] == []
