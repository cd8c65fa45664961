"""Probity's rules engine: rule files in, scored findings out. Knows nothing of gRPC."""

from probity import DISTRIBUTION_VERSION

# Results name the engine version they were made by. It is the distribution's: the engine
# ships only inside it.
ENGINE_VERSION = DISTRIBUTION_VERSION
