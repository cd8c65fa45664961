"""The committed probity.v1 code is what proto/generate.py makes from the .proto files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "proto" / "probity" / "v1"


def test_generated_code_is_up_to_date(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "proto" / "generate.py"), str(tmp_path)], check=True)
    fresh = {p.name: p.read_bytes() for p in (tmp_path / "probity" / "v1").iterdir()}
    committed = {
        p.name: p.read_bytes()
        for p in PACKAGE.iterdir()
        if p.suffix in (".py", ".pyi", ".binpb") and p.name != "__init__.py"
    }
    assert sorted(fresh) == sorted(committed), "generated files added or removed"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"stale: {stale}; run `python proto/generate.py`"
    # seven .proto files: _pb2.py, _pb2.pyi, _pb2_grpc.py each; and the descriptor set
    assert len(fresh) == 7 * 3 + 1
