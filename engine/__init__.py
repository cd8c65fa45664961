"""Probity's rules engine: rule files in, scored findings out. Knows nothing of gRPC."""

ENGINE_VERSION = "0.1.0"
