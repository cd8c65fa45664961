"""Generate the Python code for probity.v1 next to the .proto files: `python proto/generate.py`.

The generated modules form the package `probity.v1` (pyproject maps `probity` to
proto/probity). tests/proto/test_generated.py regenerates into a temporary folder and fails
if anything committed differs, so edit the .proto files and run this, never the output.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from google.rpc import status_pb2
from grpc_tools import protoc

HERE = Path(__file__).resolve().parent


def protos() -> list[Path]:
    return sorted((HERE / "probity" / "v1").glob("*.proto"))


# Every probity.v1 file and what it imports, with the comments of the .proto files (source
# info): server reflection serves these, so `grpcurl describe` shows the comments.
DESCRIPTORS = "descriptors.binpb"


def generate(out: Path) -> None:
    """Write *_pb2.py, *_pb2.pyi and *_pb2_grpc.py for every proto, and the descriptor set
    with source info, under `out`."""
    well_known = resources.files("grpc_tools") / "_proto"
    # googleapis-common-protos ships google/rpc/*.proto beside its generated modules.
    google_rpc = Path(status_pb2.__file__).parent.parent.parent
    args = [
        "protoc",
        f"-I{HERE}",
        f"-I{well_known}",
        f"-I{google_rpc}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        f"--descriptor_set_out={out / 'probity' / 'v1' / DESCRIPTORS}",
        "--include_source_info",
        "--include_imports",
        *(str(p.relative_to(HERE)) for p in protos()),
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
