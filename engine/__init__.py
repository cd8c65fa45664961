"""Probity's rules engine: rule files in, scored findings out. Knows nothing of gRPC."""

from importlib.metadata import PackageNotFoundError, version

try:
    ENGINE_VERSION = version("probity")  # results name it: one source, pyproject.toml
except PackageNotFoundError:  # pragma: no cover - running from a tree that is not installed
    ENGINE_VERSION = "0.0.0+unknown"
