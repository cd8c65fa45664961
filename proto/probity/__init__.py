"""Probity: one import namespace over the product card's folders.

pyproject.toml maps them: `probity.engine` is engine/, `probity.server` server/,
`probity.clients` clients/, `probity.store` store/; `probity.v1` is the code generated from
proto/probity/v1 (proto/generate.py: edit the .proto files, not the generated modules).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    DISTRIBUTION_VERSION = version("probity")  # one source: pyproject.toml
except PackageNotFoundError:  # pragma: no cover - running from a tree that is not installed
    DISTRIBUTION_VERSION = "0.0.0+unknown"
