"""The engine's version: results name the version they were made by. It is the
distribution's, since the engine ships only inside it."""

from probity import DISTRIBUTION_VERSION

ENGINE_VERSION = DISTRIBUTION_VERSION
